-- AlterTable
ALTER TABLE "ApiKey" ADD COLUMN "restrictions" TEXT;

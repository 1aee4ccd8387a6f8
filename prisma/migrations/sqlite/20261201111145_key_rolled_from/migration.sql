-- AlterTable
ALTER TABLE "ApiKey" ADD COLUMN "rolledFromId" TEXT;

-- CreateIndex
CREATE INDEX "ApiKey_rolledFromId_idx" ON "ApiKey"("rolledFromId");

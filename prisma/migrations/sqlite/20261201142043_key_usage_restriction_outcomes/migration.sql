-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_KeyUsage" (
    "keyId" TEXT NOT NULL,
    "orgId" TEXT NOT NULL,
    "interval" TEXT NOT NULL,
    "bucketStart" DATETIME NOT NULL,
    "valid" INTEGER NOT NULL DEFAULT 0,
    "rateLimited" INTEGER NOT NULL DEFAULT 0,
    "disabled" INTEGER NOT NULL DEFAULT 0,
    "expired" INTEGER NOT NULL DEFAULT 0,
    "insufficientPermission" INTEGER NOT NULL DEFAULT 0,
    "originNotAllowed" INTEGER NOT NULL DEFAULT 0,
    "ipNotAllowed" INTEGER NOT NULL DEFAULT 0,
    "eventNotAllowed" INTEGER NOT NULL DEFAULT 0,

    PRIMARY KEY ("keyId", "interval", "bucketStart")
);
INSERT INTO "new_KeyUsage" ("bucketStart", "disabled", "expired", "insufficientPermission", "interval", "keyId", "orgId", "rateLimited", "valid") SELECT "bucketStart", "disabled", "expired", "insufficientPermission", "interval", "keyId", "orgId", "rateLimited", "valid" FROM "KeyUsage";
DROP TABLE "KeyUsage";
ALTER TABLE "new_KeyUsage" RENAME TO "KeyUsage";
CREATE INDEX "KeyUsage_interval_bucketStart_idx" ON "KeyUsage"("interval", "bucketStart");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

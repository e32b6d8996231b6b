-- AlterTable
ALTER TABLE "application" ADD COLUMN     "phone_verified_at" TIMESTAMP(3);

-- Applications stored before phones were verified were accepted under the rules of their day: they keep
-- going (a backlog waiting for a decision is decided, their owners are still told of identity attempts).
-- Every application from now on waits for its code.
UPDATE "application" SET "phone_verified_at" = "created_at";

-- The dispatchers' queue: applications waiting for a batch whose phone is confirmed, oldest first (partial,
-- so it stays small: unconfirmed applications are not in it and never slow a claim).
-- (No semicolon in these comments: the migration engine splits statements on it.)
DROP INDEX IF EXISTS "application_received_idx";
CREATE INDEX "application_waiting_idx" ON "application"("decision_queue", "created_at", "id") WHERE "status" = 'RECEIVED' AND "phone_verified_at" IS NOT NULL;

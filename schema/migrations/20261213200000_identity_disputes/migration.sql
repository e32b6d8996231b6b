-- CreateEnum
CREATE TYPE "IdentityDisputeStatus" AS ENUM ('OPEN', 'LIFTED', 'UPHELD');

-- AlterEnum
ALTER TYPE "DecisionKind" ADD VALUE 'IDENTITY_DISPUTE';

-- CreateTable
CREATE TABLE "identity_dispute" (
    "id" UUID NOT NULL,
    "application_id" UUID NOT NULL,
    "beneficiary_id" UUID,
    "reason" TEXT NOT NULL,
    "status" "IdentityDisputeStatus" NOT NULL DEFAULT 'OPEN',
    "opened_by" UUID NOT NULL,
    "opened_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "closed_by" UUID,
    "closed_at" TIMESTAMP(3),

    CONSTRAINT "identity_dispute_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "identity_dispute_application_id_idx" ON "identity_dispute"("application_id");

-- AddForeignKey
ALTER TABLE "identity_dispute" ADD CONSTRAINT "identity_dispute_application_id_fkey" FOREIGN KEY ("application_id") REFERENCES "application"("id") ON DELETE RESTRICT ON UPDATE CASCADE;


-- One open dispute per application: two reviewers opening one at once get one dispute, the other a refusal.
CREATE UNIQUE INDEX "identity_dispute_one_open" ON "identity_dispute" ("application_id") WHERE "status" = 'OPEN';

-- The reviewer's words, as the service takes them (10 to 1,000 characters).
ALTER TABLE "identity_dispute" ADD CONSTRAINT "identity_dispute_reason_length"
  CHECK (char_length("reason") BETWEEN 10 AND 1000);

-- A closed dispute says who closed it and when, an open one does not.
ALTER TABLE "identity_dispute" ADD CONSTRAINT "identity_dispute_closed"
  CHECK (("status" = 'OPEN') = ("closed_by" IS NULL AND "closed_at" IS NULL));

-- Retention (domain/retention.ts, lib/erasure.ts): how long a program keeps an application's personal
-- fields, when they were erased, and when a household left the program.

ALTER TABLE "program" ADD COLUMN "rejected_retention_days" INTEGER NOT NULL DEFAULT 90;
ALTER TABLE "program" ADD COLUMN "left_retention_days" INTEGER NOT NULL DEFAULT 365;
ALTER TABLE "program" ADD CONSTRAINT "program_retention_days_not_negative"
  CHECK ("rejected_retention_days" >= 0 AND "left_retention_days" >= 0);

ALTER TABLE "application" ADD COLUMN "erased_at" TIMESTAMP(3);
-- An erased application keeps no personal field: a write that would put one back is refused.
ALTER TABLE "application" ADD CONSTRAINT "application_erased_is_empty"
  CHECK ("erased_at" IS NULL OR ("national_id" IS NULL AND "full_name" IS NULL AND "date_of_birth" IS NULL
    AND "phone" IS NULL AND "registry_facts" IS NULL));
-- The daily run looks for applications not yet erased: erased ones, a growing share, stay out of its reads.
CREATE INDEX "application_not_erased_idx" ON "application"("program_id", "status") WHERE "erased_at" IS NULL;

ALTER TYPE "BeneficiaryStatus" ADD VALUE 'REMOVED';
ALTER TABLE "beneficiary" ADD COLUMN "left_at" TIMESTAMP(3);
-- A household that left says when, and only one that left has the date. The status is compared as text
-- because a value added to an enum cannot be used in the transaction that added it.
ALTER TABLE "beneficiary" ADD CONSTRAINT "beneficiary_left_at_when_removed"
  CHECK (("status"::text = 'REMOVED') = ("left_at" IS NOT NULL));

-- Personal fields become sealed text (lib/personal-data.ts) and nullable, so that retention can erase them.
-- Rows stored before this migration keep their values in clear until `npm run keys:rotate -- --seal-clear`
-- seals them (a migration has no key), which also fills birth_date_hash.

-- The registry household is a column of its own: deduplication reads it without opening the facts.
ALTER TABLE "application" ADD COLUMN "household_id" TEXT;
UPDATE "application" SET "household_id" = "registry_facts"->>'householdId' WHERE "registry_facts" IS NOT NULL;

ALTER TABLE "application" ADD COLUMN "birth_date_hash" TEXT;
DROP INDEX IF EXISTS "application_program_id_date_of_birth_municipality_code_idx";
ALTER TABLE "application" ALTER COLUMN "date_of_birth" TYPE TEXT USING to_char("date_of_birth", 'YYYY-MM-DD');
ALTER TABLE "application" ALTER COLUMN "date_of_birth" DROP NOT NULL;
ALTER TABLE "application" ALTER COLUMN "national_id" DROP NOT NULL;
ALTER TABLE "application" ALTER COLUMN "full_name" DROP NOT NULL;
ALTER TABLE "application" ALTER COLUMN "phone" DROP NOT NULL;
ALTER TABLE "application" ALTER COLUMN "registry_facts" TYPE TEXT USING "registry_facts"::text;
CREATE INDEX "application_program_id_birth_date_hash_municipality_code_idx" ON "application"("program_id", "birth_date_hash", "municipality_code");

ALTER TABLE "notification" ALTER COLUMN "recipient" DROP NOT NULL;
ALTER TABLE "notification" ALTER COLUMN "body" DROP NOT NULL;

-- The reason's length is checked when it is given: sealed, it is longer than what was typed.
ALTER TABLE "identity_dispute" DROP CONSTRAINT "identity_dispute_reason_length";
ALTER TABLE "identity_dispute" ALTER COLUMN "reason" DROP NOT NULL;

CREATE TABLE "data_key" (
    "id" TEXT NOT NULL,
    "master_key_id" TEXT NOT NULL,
    "wrapped" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "rewrapped_at" TIMESTAMP(3),

    CONSTRAINT "data_key_pkey" PRIMARY KEY ("id")
);

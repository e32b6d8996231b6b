-- A corrected account (for a re-issue) belongs to no application.
-- DropForeignKey
ALTER TABLE "payment_account" DROP CONSTRAINT "payment_account_application_id_fkey";

-- AlterTable
ALTER TABLE "payment_account" ALTER COLUMN "application_id" DROP NOT NULL;

-- AddForeignKey
ALTER TABLE "payment_account" ADD CONSTRAINT "payment_account_application_id_fkey" FOREIGN KEY ("application_id") REFERENCES "application"("id") ON DELETE SET NULL ON UPDATE CASCADE;


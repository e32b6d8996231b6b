-- CreateEnum
CREATE TYPE "AccountCheckOutcome" AS ENUM ('VERIFIED', 'NAME_DIFFERS', 'HOLDER_MISMATCH', 'NOT_OPEN', 'UNKNOWN_ACCOUNT');

-- AlterEnum
ALTER TYPE "ReviewKind" ADD VALUE 'ACCOUNT';

-- AlterTable
ALTER TABLE "payment_account" ADD COLUMN     "check_outcome" "AccountCheckOutcome",
ADD COLUMN     "check_reason" TEXT,
ADD COLUMN     "checked_at" TIMESTAMP(3);


-- AlterEnum
ALTER TYPE "InstructionStatus" ADD VALUE 'HELD';

-- AlterTable
ALTER TABLE "payment_batch" ADD COLUMN     "accounts_checked_at" TIMESTAMP(3);

-- CreateEnum
CREATE TYPE "CycleKind" AS ENUM ('REGULAR', 'REISSUE');

-- AlterEnum
-- This migration adds more than one value to an enum.
-- With PostgreSQL versions 11 and earlier, this is not possible
-- in a single migration. This can be worked around by creating
-- multiple migrations, each migration adding only one value to
-- the enum.


ALTER TYPE "CycleStatus" ADD VALUE 'PAUSED';
ALTER TYPE "CycleStatus" ADD VALUE 'CANCELLED';

-- AlterEnum
ALTER TYPE "BatchStatus" ADD VALUE 'CANCELLED';

-- AlterEnum
ALTER TYPE "InstructionStatus" ADD VALUE 'CANCELLED';

-- DropIndex
DROP INDEX "payment_instruction_cycle_id_beneficiary_id_key";

-- AlterTable
ALTER TABLE "program" ADD COLUMN     "amount_per_dependant" DECIMAL(18,2) NOT NULL DEFAULT 0,
ADD COLUMN     "budget_per_cycle" DECIMAL(18,2),
ADD COLUMN     "cap_per_household" DECIMAL(18,2),
ADD COLUMN     "schedule" JSONB;

-- AlterTable
ALTER TABLE "beneficiary" ADD COLUMN     "dependants" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "id_last_digit" INTEGER NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "payment_cycle" ADD COLUMN     "kind" "CycleKind" NOT NULL DEFAULT 'REGULAR',
ADD COLUMN     "parent_cycle_id" UUID,
ADD COLUMN     "preview_by_rail" JSONB NOT NULL DEFAULT '[]';

-- AlterTable
ALTER TABLE "payment_batch" ADD COLUMN     "pay_on" DATE,
ADD COLUMN     "wave" INTEGER NOT NULL DEFAULT 1;

-- CreateTable
CREATE TABLE "reissue_item" (
    "id" UUID NOT NULL,
    "reissue_cycle_id" UUID NOT NULL,
    "original_instruction_id" UUID NOT NULL,
    "payment_account_id" UUID NOT NULL,
    "created_by" UUID NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "reissue_item_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ledger_account" (
    "id" UUID NOT NULL,
    "program_id" UUID NOT NULL,
    "code" TEXT NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ledger_account_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "journal_entry" (
    "id" UUID NOT NULL,
    "program_id" UUID NOT NULL,
    "reference" TEXT NOT NULL,
    "description" TEXT NOT NULL,
    "cycle_id" UUID,
    "batch_id" UUID,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "journal_entry_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "journal_line" (
    "id" UUID NOT NULL,
    "entry_id" UUID NOT NULL,
    "account_id" UUID NOT NULL,
    "amount" DECIMAL(18,2) NOT NULL,
    "currency" CHAR(3) NOT NULL,

    CONSTRAINT "journal_line_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "reissue_item_original_instruction_id_key" ON "reissue_item"("original_instruction_id");

-- CreateIndex
CREATE INDEX "reissue_item_reissue_cycle_id_idx" ON "reissue_item"("reissue_cycle_id");

-- CreateIndex
CREATE UNIQUE INDEX "ledger_account_program_id_code_key" ON "ledger_account"("program_id", "code");

-- CreateIndex
CREATE UNIQUE INDEX "journal_entry_reference_key" ON "journal_entry"("reference");

-- CreateIndex
CREATE INDEX "journal_entry_cycle_id_idx" ON "journal_entry"("cycle_id");

-- CreateIndex
CREATE INDEX "journal_line_account_id_idx" ON "journal_line"("account_id");

-- CreateIndex
CREATE INDEX "journal_line_entry_id_idx" ON "journal_line"("entry_id");

-- CreateIndex
CREATE INDEX "payment_instruction_cycle_id_status_idx" ON "payment_instruction"("cycle_id", "status");

-- CreateIndex
CREATE UNIQUE INDEX "payment_instruction_cycle_id_beneficiary_id_entitlement_ver_key" ON "payment_instruction"("cycle_id", "beneficiary_id", "entitlement_version");

-- AddForeignKey
ALTER TABLE "payment_cycle" ADD CONSTRAINT "payment_cycle_parent_cycle_id_fkey" FOREIGN KEY ("parent_cycle_id") REFERENCES "payment_cycle"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "reissue_item" ADD CONSTRAINT "reissue_item_reissue_cycle_id_fkey" FOREIGN KEY ("reissue_cycle_id") REFERENCES "payment_cycle"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "reissue_item" ADD CONSTRAINT "reissue_item_original_instruction_id_fkey" FOREIGN KEY ("original_instruction_id") REFERENCES "payment_instruction"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "reissue_item" ADD CONSTRAINT "reissue_item_payment_account_id_fkey" FOREIGN KEY ("payment_account_id") REFERENCES "payment_account"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "journal_line" ADD CONSTRAINT "journal_line_entry_id_fkey" FOREIGN KEY ("entry_id") REFERENCES "journal_entry"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "journal_line" ADD CONSTRAINT "journal_line_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "ledger_account"("id") ON DELETE RESTRICT ON UPDATE CASCADE;


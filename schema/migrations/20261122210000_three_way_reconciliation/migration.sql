-- CreateEnum
CREATE TYPE "BreakStatus" AS ENUM ('OPEN', 'RESOLVED', 'CLEARED');

-- CreateEnum
CREATE TYPE "BreakResolution" AS ENUM ('CONFIRM', 'REISSUE', 'REQUEST_RETURN', 'WRITE_OFF');

-- AlterTable
ALTER TABLE "statement_entry" ADD COLUMN     "kind" TEXT NOT NULL DEFAULT 'PAYMENT',
ADD COLUMN     "source" TEXT NOT NULL DEFAULT 'RAIL';

-- AlterTable
ALTER TABLE "reconciliation_run" ADD COLUMN     "balanced" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "breaks_by_class" JSONB NOT NULL DEFAULT '[]',
ADD COLUMN     "totals" JSONB NOT NULL DEFAULT '[]',
ADD COLUMN     "trigger" TEXT NOT NULL DEFAULT 'cycle-end';

-- CreateTable
CREATE TABLE "rail_report" (
    "payment_key" TEXT NOT NULL,
    "cycle_id" UUID NOT NULL,
    "provider" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "reason_code" TEXT,
    "reported_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "rail_report_pkey" PRIMARY KEY ("payment_key")
);

-- CreateTable
CREATE TABLE "reconciliation_break" (
    "id" UUID NOT NULL,
    "cycle_id" UUID NOT NULL,
    "payment_key" TEXT NOT NULL,
    "break_class" TEXT NOT NULL,
    "provider" TEXT NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "expected_amount" DECIMAL(18,2),
    "statement_amount" DECIMAL(18,2),
    "statement_lines" INTEGER NOT NULL DEFAULT 0,
    "our_status" TEXT,
    "rail_status" TEXT,
    "status" "BreakStatus" NOT NULL DEFAULT 'OPEN',
    "first_run_id" UUID NOT NULL,
    "resolution" "BreakResolution",
    "resolution_reason" TEXT,
    "resolved_by" UUID,
    "resolved_at" TIMESTAMP(3),
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "reconciliation_break_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "cycle_sign_off" (
    "cycle_id" UUID NOT NULL,
    "run_id" UUID NOT NULL,
    "signed_by" UUID NOT NULL,
    "signed_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "report" JSONB NOT NULL,
    "report_sha256" TEXT NOT NULL,

    CONSTRAINT "cycle_sign_off_pkey" PRIMARY KEY ("cycle_id")
);

-- CreateIndex
CREATE INDEX "rail_report_cycle_id_status_idx" ON "rail_report"("cycle_id", "status");

-- CreateIndex
CREATE INDEX "reconciliation_break_cycle_id_status_break_class_idx" ON "reconciliation_break"("cycle_id", "status", "break_class");

-- CreateIndex
CREATE UNIQUE INDEX "reconciliation_break_cycle_id_payment_key_break_class_key" ON "reconciliation_break"("cycle_id", "payment_key", "break_class");

-- CreateIndex
CREATE INDEX "statement_entry_account_booked_at_idx" ON "statement_entry"("account", "booked_at");


-- A signed-off report is the record finance signed: it cannot be changed or deleted afterwards.
-- (E-string with \x3B for semicolons: see 20261122200100_ledger_balance_and_one_live_payment.)
CREATE FUNCTION "sign_off_is_immutable"() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  RAISE EXCEPTION ''a signed-off cycle report cannot be changed or deleted'' USING ERRCODE = ''check_violation''\x3B
END';

CREATE TRIGGER "cycle_sign_off_immutable" BEFORE UPDATE OR DELETE ON "cycle_sign_off"
  FOR EACH ROW EXECUTE FUNCTION "sign_off_is_immutable"();

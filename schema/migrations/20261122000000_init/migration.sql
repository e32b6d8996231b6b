-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "Role" AS ENUM ('ADMIN', 'APPROVER', 'REVIEWER', 'FINANCE');

-- CreateEnum
CREATE TYPE "ApplicationStatus" AS ENUM ('RECEIVED', 'VERIFYING', 'ENROLLED', 'REJECTED', 'NEEDS_REVIEW');

-- CreateEnum
CREATE TYPE "PaymentRail" AS ENUM ('BANK', 'WALLET');

-- CreateEnum
CREATE TYPE "BeneficiaryStatus" AS ENUM ('ACTIVE', 'SUSPENDED');

-- CreateEnum
CREATE TYPE "CycleStatus" AS ENUM ('DRAFT', 'APPROVED', 'RUNNING', 'COMPLETED', 'FAILED');

-- CreateEnum
CREATE TYPE "BatchStatus" AS ENUM ('CREATED', 'SUBMITTED', 'COMPLETED', 'NEEDS_ATTENTION');

-- CreateEnum
CREATE TYPE "InstructionStatus" AS ENUM ('CREATED', 'SUBMITTED', 'PAID', 'FAILED', 'NEEDS_ATTENTION');

-- CreateEnum
CREATE TYPE "ReconciliationStatus" AS ENUM ('RUNNING', 'COMPLETED');

-- CreateTable
CREATE TABLE "user" (
    "id" UUID NOT NULL,
    "username" TEXT NOT NULL,
    "role" "Role" NOT NULL,
    "token_hash" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "user_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "program" (
    "id" UUID NOT NULL,
    "code" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "country" TEXT NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "base_amount" DECIMAL(18,2) NOT NULL,
    "batch_size" INTEGER NOT NULL DEFAULT 500,
    "funding_account" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "program_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "rule_set" (
    "id" UUID NOT NULL,
    "program_id" UUID NOT NULL,
    "version" INTEGER NOT NULL,
    "rules" JSONB NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "rule_set_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "application" (
    "id" UUID NOT NULL,
    "number" TEXT NOT NULL,
    "program_id" UUID NOT NULL,
    "national_id_hash" TEXT NOT NULL,
    "national_id" TEXT NOT NULL,
    "full_name" TEXT NOT NULL,
    "date_of_birth" DATE NOT NULL,
    "phone" TEXT NOT NULL,
    "municipality" TEXT NOT NULL,
    "household_size" INTEGER NOT NULL,
    "dependants_under_18" INTEGER NOT NULL,
    "declared_monthly_income" DECIMAL(18,2) NOT NULL,
    "idempotency_key" TEXT,
    "status" "ApplicationStatus" NOT NULL DEFAULT 'RECEIVED',
    "registry_facts" JSONB,
    "rule_set_id" UUID,
    "rule_results" JSONB,
    "reason_codes" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "decided_at" TIMESTAMP(3),

    CONSTRAINT "application_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "payment_account" (
    "id" UUID NOT NULL,
    "application_id" UUID NOT NULL,
    "rail" "PaymentRail" NOT NULL,
    "bank_code" TEXT,
    "account_number" TEXT,
    "msisdn" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "payment_account_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "beneficiary" (
    "id" UUID NOT NULL,
    "program_id" UUID NOT NULL,
    "application_id" UUID NOT NULL,
    "national_id_hash" TEXT NOT NULL,
    "household_id" TEXT NOT NULL,
    "payment_account_id" UUID NOT NULL,
    "status" "BeneficiaryStatus" NOT NULL DEFAULT 'ACTIVE',
    "enrolled_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "beneficiary_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "payment_cycle" (
    "id" UUID NOT NULL,
    "program_id" UUID NOT NULL,
    "number" INTEGER NOT NULL,
    "status" "CycleStatus" NOT NULL DEFAULT 'DRAFT',
    "currency" CHAR(3) NOT NULL,
    "prepared_by" UUID NOT NULL,
    "preview_count" INTEGER NOT NULL,
    "preview_amount" DECIMAL(18,2) NOT NULL,
    "approved_by" UUID,
    "approved_count" INTEGER,
    "approved_amount" DECIMAL(18,2),
    "instructed_count" INTEGER,
    "instructed_amount" DECIMAL(18,2),
    "failure_reason" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "approved_at" TIMESTAMP(3),
    "launched_at" TIMESTAMP(3),
    "completed_at" TIMESTAMP(3),

    CONSTRAINT "payment_cycle_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "payment_batch" (
    "id" UUID NOT NULL,
    "cycle_id" UUID NOT NULL,
    "seq" INTEGER NOT NULL,
    "rail" "PaymentRail" NOT NULL,
    "provider" TEXT NOT NULL,
    "message_id" TEXT NOT NULL,
    "status" "BatchStatus" NOT NULL DEFAULT 'CREATED',
    "item_count" INTEGER NOT NULL,
    "total_amount" DECIMAL(18,2) NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "submitted_at" TIMESTAMP(3),
    "completed_at" TIMESTAMP(3),

    CONSTRAINT "payment_batch_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "payment_instruction" (
    "id" UUID NOT NULL,
    "payment_key" TEXT NOT NULL,
    "cycle_id" UUID NOT NULL,
    "batch_id" UUID NOT NULL,
    "beneficiary_id" UUID NOT NULL,
    "payment_account_id" UUID NOT NULL,
    "entitlement_version" INTEGER NOT NULL,
    "amount" DECIMAL(18,2) NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "status" "InstructionStatus" NOT NULL DEFAULT 'CREATED',
    "failure_reason" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "settled_at" TIMESTAMP(3),

    CONSTRAINT "payment_instruction_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "provider_event" (
    "id" UUID NOT NULL,
    "provider" TEXT NOT NULL,
    "event_id" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "message_id" TEXT,
    "payload" JSONB NOT NULL,
    "received_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "provider_event_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "statement_entry" (
    "id" UUID NOT NULL,
    "provider" TEXT NOT NULL,
    "entry_ref" TEXT NOT NULL,
    "account" TEXT NOT NULL,
    "end_to_end_id" TEXT NOT NULL,
    "amount" DECIMAL(18,2) NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "booked_at" TIMESTAMP(3) NOT NULL,
    "imported_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "statement_entry_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "reconciliation_run" (
    "id" UUID NOT NULL,
    "cycle_id" UUID NOT NULL,
    "status" "ReconciliationStatus" NOT NULL DEFAULT 'RUNNING',
    "currency" CHAR(3) NOT NULL,
    "instructed_count" INTEGER NOT NULL DEFAULT 0,
    "instructed_amount" DECIMAL(18,2) NOT NULL DEFAULT 0,
    "matched_count" INTEGER NOT NULL DEFAULT 0,
    "matched_amount" DECIMAL(18,2) NOT NULL DEFAULT 0,
    "failed_count" INTEGER NOT NULL DEFAULT 0,
    "failed_amount" DECIMAL(18,2) NOT NULL DEFAULT 0,
    "pending_count" INTEGER NOT NULL DEFAULT 0,
    "pending_amount" DECIMAL(18,2) NOT NULL DEFAULT 0,
    "break_count" INTEGER NOT NULL DEFAULT 0,
    "break_amount" DECIMAL(18,2) NOT NULL DEFAULT 0,
    "statement_count" INTEGER NOT NULL DEFAULT 0,
    "statement_amount" DECIMAL(18,2) NOT NULL DEFAULT 0,
    "started_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMP(3),

    CONSTRAINT "reconciliation_run_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "reconciliation_item" (
    "id" UUID NOT NULL,
    "run_id" UUID NOT NULL,
    "payment_key" TEXT NOT NULL,
    "break_class" TEXT NOT NULL,
    "expected_amount" DECIMAL(18,2),
    "statement_amount" DECIMAL(18,2),
    "currency" CHAR(3) NOT NULL,

    CONSTRAINT "reconciliation_item_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "audit_event" (
    "id" BIGSERIAL NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actor" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "entity_type" TEXT NOT NULL,
    "entity_id" TEXT NOT NULL,
    "details" JSONB NOT NULL DEFAULT '{}',

    CONSTRAINT "audit_event_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "user_username_key" ON "user"("username");

-- CreateIndex
CREATE UNIQUE INDEX "user_token_hash_key" ON "user"("token_hash");

-- CreateIndex
CREATE UNIQUE INDEX "program_code_key" ON "program"("code");

-- CreateIndex
CREATE UNIQUE INDEX "rule_set_program_id_version_key" ON "rule_set"("program_id", "version");

-- CreateIndex
CREATE UNIQUE INDEX "application_number_key" ON "application"("number");

-- CreateIndex
CREATE INDEX "application_program_id_status_idx" ON "application"("program_id", "status");

-- CreateIndex
CREATE UNIQUE INDEX "application_program_id_national_id_hash_key" ON "application"("program_id", "national_id_hash");

-- CreateIndex
CREATE UNIQUE INDEX "application_program_id_idempotency_key_key" ON "application"("program_id", "idempotency_key");

-- CreateIndex
CREATE UNIQUE INDEX "payment_account_application_id_key" ON "payment_account"("application_id");

-- CreateIndex
CREATE UNIQUE INDEX "beneficiary_application_id_key" ON "beneficiary"("application_id");

-- CreateIndex
CREATE INDEX "beneficiary_program_id_status_id_idx" ON "beneficiary"("program_id", "status", "id");

-- CreateIndex
CREATE UNIQUE INDEX "beneficiary_program_id_national_id_hash_key" ON "beneficiary"("program_id", "national_id_hash");

-- CreateIndex
CREATE UNIQUE INDEX "beneficiary_program_id_household_id_key" ON "beneficiary"("program_id", "household_id");

-- CreateIndex
CREATE UNIQUE INDEX "payment_cycle_program_id_number_key" ON "payment_cycle"("program_id", "number");

-- CreateIndex
CREATE UNIQUE INDEX "payment_batch_message_id_key" ON "payment_batch"("message_id");

-- CreateIndex
CREATE UNIQUE INDEX "payment_batch_cycle_id_seq_key" ON "payment_batch"("cycle_id", "seq");

-- CreateIndex
CREATE UNIQUE INDEX "payment_instruction_payment_key_key" ON "payment_instruction"("payment_key");

-- CreateIndex
CREATE INDEX "payment_instruction_batch_id_status_idx" ON "payment_instruction"("batch_id", "status");

-- CreateIndex
CREATE UNIQUE INDEX "payment_instruction_cycle_id_beneficiary_id_key" ON "payment_instruction"("cycle_id", "beneficiary_id");

-- CreateIndex
CREATE UNIQUE INDEX "provider_event_provider_event_id_key" ON "provider_event"("provider", "event_id");

-- CreateIndex
CREATE INDEX "statement_entry_end_to_end_id_idx" ON "statement_entry"("end_to_end_id");

-- CreateIndex
CREATE UNIQUE INDEX "statement_entry_provider_entry_ref_key" ON "statement_entry"("provider", "entry_ref");

-- CreateIndex
CREATE INDEX "reconciliation_run_cycle_id_started_at_idx" ON "reconciliation_run"("cycle_id", "started_at");

-- CreateIndex
CREATE UNIQUE INDEX "reconciliation_item_run_id_payment_key_key" ON "reconciliation_item"("run_id", "payment_key");

-- CreateIndex
CREATE INDEX "audit_event_entity_type_entity_id_idx" ON "audit_event"("entity_type", "entity_id");

-- AddForeignKey
ALTER TABLE "rule_set" ADD CONSTRAINT "rule_set_program_id_fkey" FOREIGN KEY ("program_id") REFERENCES "program"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "application" ADD CONSTRAINT "application_program_id_fkey" FOREIGN KEY ("program_id") REFERENCES "program"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "application" ADD CONSTRAINT "application_rule_set_id_fkey" FOREIGN KEY ("rule_set_id") REFERENCES "rule_set"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "payment_account" ADD CONSTRAINT "payment_account_application_id_fkey" FOREIGN KEY ("application_id") REFERENCES "application"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "beneficiary" ADD CONSTRAINT "beneficiary_program_id_fkey" FOREIGN KEY ("program_id") REFERENCES "program"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "beneficiary" ADD CONSTRAINT "beneficiary_application_id_fkey" FOREIGN KEY ("application_id") REFERENCES "application"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "beneficiary" ADD CONSTRAINT "beneficiary_payment_account_id_fkey" FOREIGN KEY ("payment_account_id") REFERENCES "payment_account"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "payment_cycle" ADD CONSTRAINT "payment_cycle_program_id_fkey" FOREIGN KEY ("program_id") REFERENCES "program"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "payment_batch" ADD CONSTRAINT "payment_batch_cycle_id_fkey" FOREIGN KEY ("cycle_id") REFERENCES "payment_cycle"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "payment_instruction" ADD CONSTRAINT "payment_instruction_cycle_id_fkey" FOREIGN KEY ("cycle_id") REFERENCES "payment_cycle"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "payment_instruction" ADD CONSTRAINT "payment_instruction_batch_id_fkey" FOREIGN KEY ("batch_id") REFERENCES "payment_batch"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "payment_instruction" ADD CONSTRAINT "payment_instruction_beneficiary_id_fkey" FOREIGN KEY ("beneficiary_id") REFERENCES "beneficiary"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "payment_instruction" ADD CONSTRAINT "payment_instruction_payment_account_id_fkey" FOREIGN KEY ("payment_account_id") REFERENCES "payment_account"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "reconciliation_run" ADD CONSTRAINT "reconciliation_run_cycle_id_fkey" FOREIGN KEY ("cycle_id") REFERENCES "payment_cycle"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "reconciliation_item" ADD CONSTRAINT "reconciliation_item_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "reconciliation_run"("id") ON DELETE RESTRICT ON UPDATE CASCADE;


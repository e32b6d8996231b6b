-- Intake issue: review and appeal, duplicate candidates, notifications, admin sessions, and the
-- phone and account keys used by deduplication.

-- CreateEnum
CREATE TYPE "DuplicateKind" AS ENUM ('OTHER_PROGRAM', 'PROBABLE_PERSON');

-- CreateEnum
CREATE TYPE "ReviewKind" AS ENUM ('DUPLICATE', 'APPEAL');

-- CreateEnum
CREATE TYPE "ReviewStatus" AS ENUM ('OPEN', 'DECIDED');

-- CreateEnum
CREATE TYPE "ReviewDecision" AS ENUM ('ENROLL', 'REJECT');

-- CreateEnum
CREATE TYPE "NotificationStatus" AS ENUM ('QUEUED', 'SENT', 'FAILED');

-- AlterEnum
ALTER TYPE "ApplicationStatus" ADD VALUE 'APPEALED';

-- AlterTable
ALTER TABLE "user" ADD COLUMN     "password_hash" TEXT;

-- AlterTable
ALTER TABLE "program" ADD COLUMN     "appeal_window_days" INTEGER NOT NULL DEFAULT 30,
ADD COLUMN     "max_applications_per_phone" INTEGER NOT NULL DEFAULT 3;

-- AlterTable
ALTER TABLE "application" ADD COLUMN     "appeal_deadline" TIMESTAMP(3),
ADD COLUMN     "language" TEXT NOT NULL DEFAULT 'es',
ADD COLUMN     "municipality_code" TEXT,
ADD COLUMN     "phone_hash" TEXT;
-- Rows from before this migration get a hash no phone can produce, so they never count as shared phones.
UPDATE "application" SET "phone_hash" = 'legacy:' || "id" WHERE "phone_hash" IS NULL;
ALTER TABLE "application" ALTER COLUMN "phone_hash" SET NOT NULL;

-- AlterTable
ALTER TABLE "payment_account" ADD COLUMN     "account_key" TEXT;
-- Likewise: earlier accounts get a key no account can collide with.
UPDATE "payment_account" SET "account_key" = 'legacy:' || "id" WHERE "account_key" IS NULL;
ALTER TABLE "payment_account" ALTER COLUMN "account_key" SET NOT NULL;

-- AlterTable
ALTER TABLE "beneficiary" ADD COLUMN     "account_key" TEXT;
UPDATE "beneficiary" b SET "account_key" = pa."account_key" FROM "payment_account" pa WHERE pa."id" = b."payment_account_id";
ALTER TABLE "beneficiary" ALTER COLUMN "account_key" SET NOT NULL;

-- CreateTable
CREATE TABLE "session" (
    "id" UUID NOT NULL,
    "token_hash" TEXT NOT NULL,
    "user_id" UUID NOT NULL,
    "csrf_token" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "session_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "duplicate_candidate" (
    "id" UUID NOT NULL,
    "application_id" UUID NOT NULL,
    "candidate_application_id" UUID NOT NULL,
    "kind" "DuplicateKind" NOT NULL,
    "similarity" DECIMAL(4,3),
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "duplicate_candidate_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "review_task" (
    "id" UUID NOT NULL,
    "application_id" UUID NOT NULL,
    "kind" "ReviewKind" NOT NULL,
    "status" "ReviewStatus" NOT NULL DEFAULT 'OPEN',
    "statement" TEXT,
    "decision" "ReviewDecision",
    "comment" TEXT,
    "reviewer_id" UUID,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "decided_at" TIMESTAMP(3),

    CONSTRAINT "review_task_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "notification" (
    "id" UUID NOT NULL,
    "application_id" UUID NOT NULL,
    "event_key" TEXT NOT NULL,
    "channel" TEXT NOT NULL DEFAULT 'SMS',
    "recipient" TEXT NOT NULL,
    "language" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "status" "NotificationStatus" NOT NULL DEFAULT 'QUEUED',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "provider_ref" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sent_at" TIMESTAMP(3),

    CONSTRAINT "notification_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "session_token_hash_key" ON "session"("token_hash");

-- CreateIndex
CREATE UNIQUE INDEX "duplicate_candidate_application_id_candidate_application_id_key" ON "duplicate_candidate"("application_id", "candidate_application_id", "kind");

-- CreateIndex
CREATE INDEX "review_task_status_created_at_idx" ON "review_task"("status", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "review_task_application_id_kind_key" ON "review_task"("application_id", "kind");

-- CreateIndex
CREATE UNIQUE INDEX "notification_application_id_event_key_key" ON "notification"("application_id", "event_key");

-- CreateIndex
CREATE INDEX "application_program_id_phone_hash_idx" ON "application"("program_id", "phone_hash");

-- CreateIndex
CREATE INDEX "application_national_id_hash_idx" ON "application"("national_id_hash");

-- CreateIndex
CREATE INDEX "application_program_id_date_of_birth_municipality_code_idx" ON "application"("program_id", "date_of_birth", "municipality_code");

-- CreateIndex
CREATE UNIQUE INDEX "beneficiary_program_id_account_key_key" ON "beneficiary"("program_id", "account_key");

-- AddForeignKey
ALTER TABLE "session" ADD CONSTRAINT "session_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "user"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "duplicate_candidate" ADD CONSTRAINT "duplicate_candidate_application_id_fkey" FOREIGN KEY ("application_id") REFERENCES "application"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "duplicate_candidate" ADD CONSTRAINT "duplicate_candidate_candidate_application_id_fkey" FOREIGN KEY ("candidate_application_id") REFERENCES "application"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "review_task" ADD CONSTRAINT "review_task_application_id_fkey" FOREIGN KEY ("application_id") REFERENCES "application"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "notification" ADD CONSTRAINT "notification_application_id_fkey" FOREIGN KEY ("application_id") REFERENCES "application"("id") ON DELETE RESTRICT ON UPDATE CASCADE;


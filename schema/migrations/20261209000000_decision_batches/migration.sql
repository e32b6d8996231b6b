-- AlterTable
ALTER TABLE "application" ADD COLUMN     "decision_batch_id" UUID,
ADD COLUMN     "decision_queue" TEXT NOT NULL DEFAULT 'amparo';

-- CreateTable
CREATE TABLE "decision_batch" (
    "id" UUID NOT NULL,
    "task_queue" TEXT NOT NULL,
    "claimed_by" TEXT NOT NULL,
    "size" INTEGER NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" TIMESTAMP(3),
    "finished_at" TIMESTAMP(3),
    "enrolled" INTEGER,
    "rejected" INTEGER,
    "to_review" INTEGER,

    CONSTRAINT "decision_batch_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "decision_batch_task_queue_finished_at_idx" ON "decision_batch"("task_queue", "finished_at");

-- CreateIndex
CREATE INDEX "application_decision_batch_id_idx" ON "application"("decision_batch_id");

-- AddForeignKey
ALTER TABLE "application" ADD CONSTRAINT "application_decision_batch_id_fkey" FOREIGN KEY ("decision_batch_id") REFERENCES "decision_batch"("id") ON DELETE SET NULL ON UPDATE CASCADE;


-- The dispatchers' queue: applications waiting for a batch, oldest first (partial, so it stays small).
CREATE INDEX "application_received_idx" ON "application"("decision_queue", "created_at", "id") WHERE "status" = 'RECEIVED';

-- Applications an ApplicationWorkflow was verifying when this version came: decided again in a batch.
UPDATE "application" SET "status" = 'RECEIVED' WHERE "status" = 'VERIFYING' AND "decision_batch_id" IS NULL;

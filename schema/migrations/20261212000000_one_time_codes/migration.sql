-- CreateTable
CREATE TABLE "one_time_code" (
    "id" UUID NOT NULL,
    "application_id" UUID NOT NULL,
    "purpose" TEXT NOT NULL,
    "code_hash" TEXT NOT NULL,
    "expires_at" TIMESTAMP(3) NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "used_at" TIMESTAMP(3),
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "one_time_code_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "one_time_code_application_id_purpose_created_at_idx" ON "one_time_code"("application_id", "purpose", "created_at");

-- AddForeignKey
ALTER TABLE "one_time_code" ADD CONSTRAINT "one_time_code_application_id_fkey" FOREIGN KEY ("application_id") REFERENCES "application"("id") ON DELETE RESTRICT ON UPDATE CASCADE;


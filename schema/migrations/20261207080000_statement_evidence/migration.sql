-- A statement file uploaded by hand is evidence only once a second finance user confirms it (four eyes).
-- AlterTable
ALTER TABLE "statement_entry" ADD COLUMN     "evidence_since" TIMESTAMP(3),
ADD COLUMN     "upload_id" UUID;

-- CreateIndex
CREATE INDEX "statement_entry_upload_id_idx" ON "statement_entry"("upload_id");


-- Every line already stored was taken as evidence when it came: it stays so, from then.
UPDATE "statement_entry" SET "evidence_since" = "imported_at";

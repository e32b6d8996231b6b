-- AlterTable
ALTER TABLE "statement_day" ADD COLUMN     "complete" BOOLEAN NOT NULL DEFAULT true,
ADD COLUMN     "full_pages" INTEGER NOT NULL DEFAULT 0;


-- The assessment's outcome, memoized: a local activity run again after a refused workflow task must return the first answer.
-- AlterTable
ALTER TABLE "application" ADD COLUMN     "assessment" JSONB;


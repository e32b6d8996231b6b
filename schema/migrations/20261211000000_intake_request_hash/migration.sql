-- AlterTable
ALTER TABLE "application" ADD COLUMN     "request_hash" TEXT;


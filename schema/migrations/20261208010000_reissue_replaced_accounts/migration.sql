-- The household's account a re-issue item's new account replaces (null: the item pays the household's own
-- account). The change takes effect only once a second person approves the re-issue's account changes.
-- AlterTable
ALTER TABLE "reissue_item" ADD COLUMN     "replaces_account_id" UUID;

-- AddForeignKey
ALTER TABLE "reissue_item" ADD CONSTRAINT "reissue_item_replaces_account_id_fkey" FOREIGN KEY ("replaces_account_id") REFERENCES "payment_account"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- A change is from one account to another: an item never replaces the account it pays to.
ALTER TABLE "reissue_item" ADD CONSTRAINT "reissue_item_replaces_another_account"
  CHECK ("replaces_account_id" IS NULL OR "replaces_account_id" <> "payment_account_id");

-- API tokens of their own: several per user, each with a label, an expiry and a revocation, only a hash stored.
CREATE TABLE "api_token" (
    "id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "label" TEXT NOT NULL,
    "token_hash" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMP(3) NOT NULL,
    "revoked_at" TIMESTAMP(3),
    "last_used_at" TIMESTAMP(3),

    CONSTRAINT "api_token_pkey" PRIMARY KEY ("id"),
    -- A token that expires before it is issued is a mistake, never a way to disable one (revoke it).
    CONSTRAINT "api_token_expires_after_created" CHECK ("expires_at" > "created_at")
);

CREATE UNIQUE INDEX "api_token_token_hash_key" ON "api_token"("token_hash");

CREATE INDEX "api_token_user_id_idx" ON "api_token"("user_id");

ALTER TABLE "api_token" ADD CONSTRAINT "api_token_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "user"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Today's tokens move over and keep working for the default lifetime (90 days from this migration), so
-- scripts and integrations have that long to get a new token instead of stopping on the day of the upgrade.
INSERT INTO "api_token" ("id", "user_id", "label", "token_hash", "created_at", "expires_at")
SELECT gen_random_uuid(), "id", 'issued with the user (moved from user.token_hash)', "token_hash", "created_at", GREATEST(now(), "created_at") + interval '90 days'
  FROM "user";

DROP INDEX "user_token_hash_key";

-- The TOTP second factor: the secret (null: not enrolled) and the last time step accepted (no replay).
ALTER TABLE "user" DROP COLUMN "token_hash",
ADD COLUMN     "totp_last_step" INTEGER,
ADD COLUMN     "totp_secret" TEXT;

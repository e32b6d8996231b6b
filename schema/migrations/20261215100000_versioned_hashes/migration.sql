-- Versioned look-up hashes (lib/pii.ts HashKeys): every keyed hash names the key it was made under,
-- "<key id>.<hex>", so the hash key can be rotated (lib/hash-rotation.ts). Every hash stored until now was
-- made under PII_HASH_KEY, which is hash key hk1 from now on: its hashes get that id. Only values that are
-- such a hash (64 hex digits) are touched: a lapsed application's freed ID ("lapsed:<id>") is no hash.

UPDATE "application" SET "national_id_hash" = 'hk1.' || "national_id_hash" WHERE "national_id_hash" ~ '^[0-9a-f]{64}$';
UPDATE "application" SET "birth_date_hash" = 'hk1.' || "birth_date_hash" WHERE "birth_date_hash" ~ '^[0-9a-f]{64}$';
UPDATE "application" SET "phone_hash" = 'hk1.' || "phone_hash" WHERE "phone_hash" ~ '^[0-9a-f]{64}$';
UPDATE "application" SET "request_hash" = 'hk1.' || "request_hash" WHERE "request_hash" ~ '^[0-9a-f]{64}$';
UPDATE "payment_account" SET "account_key" = 'hk1.' || "account_key" WHERE "account_key" ~ '^[0-9a-f]{64}$';
UPDATE "beneficiary" SET "national_id_hash" = 'hk1.' || "national_id_hash" WHERE "national_id_hash" ~ '^[0-9a-f]{64}$';
UPDATE "beneficiary" SET "account_key" = 'hk1.' || "account_key" WHERE "account_key" ~ '^[0-9a-f]{64}$';
UPDATE "one_time_code" SET "code_hash" = 'hk1.' || "code_hash" WHERE "code_hash" ~ '^[0-9a-f]{64}$';

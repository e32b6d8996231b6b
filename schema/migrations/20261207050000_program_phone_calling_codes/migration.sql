-- Where a program's SMS and payments may go: the country calling codes of the phones and wallets it accepts.
ALTER TABLE "program" ADD COLUMN     "phone_calling_codes" TEXT[] DEFAULT ARRAY[]::TEXT[];

-- Existing programs keep to their own country (empty would mean the same, but explicit reads better).
UPDATE "program" SET "phone_calling_codes" = CASE "country" WHEN 'BR' THEN ARRAY['55'] WHEN 'AR' THEN ARRAY['54'] ELSE ARRAY[]::TEXT[] END;

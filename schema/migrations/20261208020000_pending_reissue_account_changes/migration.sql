-- Re-issues prepared before account changes were a decision of their own, and not approved yet: their new
-- accounts would otherwise be paid without anyone approving them as account changes. Each becomes an
-- account change of the household (the account it has now is the one replaced), proposed by whoever
-- prepared the re-issue and waiting for a second person, as prepareReissue does today.
UPDATE "reissue_item" ri SET "replaces_account_id" = b."payment_account_id"
  FROM "payment_instruction" pi, "beneficiary" b, "payment_cycle" c
 WHERE pi."id" = ri."original_instruction_id" AND b."id" = pi."beneficiary_id" AND c."id" = ri."reissue_cycle_id"
   AND c."status" = 'DRAFT' AND ri."replaces_account_id" IS NULL AND ri."payment_account_id" <> b."payment_account_id";

-- Their proposals, audited like any other (four-eyes.ts propose).
WITH proposed AS (
  INSERT INTO "money_decision" ("id", "kind", "subject_id", "cycle_id", "details", "proposed_by")
  SELECT gen_random_uuid(), 'ACCOUNT_CHANGES', ri."reissue_cycle_id", ri."reissue_cycle_id", jsonb_build_object('accounts', count(*)), c."prepared_by"
    FROM "reissue_item" ri JOIN "payment_cycle" c ON c."id" = ri."reissue_cycle_id"
   WHERE c."status" = 'DRAFT' AND ri."replaces_account_id" IS NOT NULL
     AND NOT EXISTS (SELECT 1 FROM "money_decision" d WHERE d."kind" = 'ACCOUNT_CHANGES' AND d."subject_id" = ri."reissue_cycle_id")
   GROUP BY ri."reissue_cycle_id", c."prepared_by"
  RETURNING "id", "subject_id", "details", "proposed_by"
)
INSERT INTO "audit_event" ("actor", "action", "entity_type", "entity_id", "details")
SELECT "proposed_by"::text, 'cycle.account_changes_proposed', 'money_decision', "id"::text,
       jsonb_build_object('subjectId', "subject_id") || "details" || jsonb_build_object('byMigration', true)
  FROM proposed;

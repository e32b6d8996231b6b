-- Guarantees the database keeps by itself (Prisma's schema language cannot express them).

-- Exactly once per entitlement: at most one instruction per (cycle, beneficiary) that is still alive.
-- A re-issue may create another version only after the previous one FAILED (or was CANCELLED).
CREATE UNIQUE INDEX "payment_instruction_one_live_per_entitlement"
  ON "payment_instruction" ("cycle_id", "beneficiary_id")
  WHERE "status" NOT IN ('FAILED', 'CANCELLED');

-- Double entry: the lines of an entry are written in one INSERT statement, and when that statement
-- ends every entry it touched must sum to zero per currency. Checked per statement, not deferred to
-- COMMIT: an error at COMMIT leaves the Prisma pg adapter with a connection that never returns to the
-- pool, while an error in a statement rolls back cleanly.
-- Function bodies are E-strings with \x3B for each semicolon: the WebAssembly schema engine of Prisma
-- splits migration scripts at every semicolon, even inside dollar quotes (prisma/orm issue 22495).
CREATE FUNCTION "journal_entries_must_balance"() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  IF EXISTS (
    SELECT 1 FROM journal_line l
     WHERE l.entry_id IN (SELECT DISTINCT entry_id FROM new_lines)
     GROUP BY l.entry_id, l.currency HAVING sum(l.amount) <> 0
  ) THEN
    RAISE EXCEPTION ''a journal entry does not balance'' USING ERRCODE = ''check_violation''\x3B
  END IF\x3B
  RETURN NULL\x3B
END';

CREATE TRIGGER "journal_line_balanced"
  AFTER INSERT ON "journal_line"
  REFERENCING NEW TABLE AS new_lines
  FOR EACH STATEMENT EXECUTE FUNCTION "journal_entries_must_balance"();

-- The ledger is append-only: a correction is a new, reversing entry.
CREATE FUNCTION "ledger_is_append_only"() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  RAISE EXCEPTION ''journal lines and entries cannot be changed or deleted: post a reversing entry'' USING ERRCODE = ''check_violation''\x3B
END';

CREATE TRIGGER "journal_line_append_only" BEFORE UPDATE OR DELETE ON "journal_line"
  FOR EACH ROW EXECUTE FUNCTION "ledger_is_append_only"();
CREATE TRIGGER "journal_entry_append_only" BEFORE UPDATE OR DELETE ON "journal_entry"
  FOR EACH ROW EXECUTE FUNCTION "ledger_is_append_only"();

-- CreateEnum
CREATE TYPE "DecisionKind" AS ENUM ('BREAK_RESOLUTION', 'SIGN_OFF', 'STATEMENT_UPLOAD', 'ACCOUNT_CHANGES');

-- CreateEnum
CREATE TYPE "DecisionStatus" AS ENUM ('PROPOSED', 'APPROVED', 'DECLINED');

-- CreateTable
CREATE TABLE "money_decision" (
    "id" UUID NOT NULL,
    "kind" "DecisionKind" NOT NULL,
    "subject_id" UUID NOT NULL,
    "cycle_id" UUID,
    "details" JSONB NOT NULL DEFAULT '{}',
    "status" "DecisionStatus" NOT NULL DEFAULT 'PROPOSED',
    "proposed_by" UUID NOT NULL,
    "proposed_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "decided_by" UUID,
    "decided_at" TIMESTAMP(3),
    "decline_reason" TEXT,

    CONSTRAINT "money_decision_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "money_decision_kind_subject_id_idx" ON "money_decision"("kind", "subject_id");

-- CreateIndex
CREATE INDEX "money_decision_cycle_id_idx" ON "money_decision"("cycle_id");


-- One open proposal per subject: a second person approves that one, not one of several.
CREATE UNIQUE INDEX "money_decision_one_open" ON "money_decision" ("kind", "subject_id") WHERE "status" = 'PROPOSED';

-- Four eyes, held by the database too: whoever proposed a decision cannot be the one who approves it.
ALTER TABLE "money_decision" ADD CONSTRAINT "money_decision_four_eyes"
  CHECK ("status" <> 'APPROVED' OR ("decided_by" IS NOT NULL AND "decided_by" <> "proposed_by"));

-- A decided decision is the trail: it is never changed or removed. (E-string with \x3B for each semicolon:
-- the migration applier splits scripts at every semicolon, see the ledger's migration.)
CREATE FUNCTION "money_decision_decided_is_final"() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  IF TG_OP = ''DELETE'' OR OLD.status <> ''PROPOSED'' THEN
    RAISE EXCEPTION ''a decided decision cannot be changed or deleted'' USING ERRCODE = ''check_violation''\x3B
  END IF\x3B
  RETURN NEW\x3B
END';

CREATE TRIGGER "money_decision_final" BEFORE UPDATE OR DELETE ON "money_decision"
  FOR EACH ROW EXECUTE FUNCTION "money_decision_decided_is_final"();

-- A household leaves its program only by two people: the four-eyes decision kind for it
-- (web/services/household-removal.ts). The beneficiary's REMOVED status and left_at exist already (retention).
ALTER TYPE "DecisionKind" ADD VALUE 'HOUSEHOLD_REMOVAL';

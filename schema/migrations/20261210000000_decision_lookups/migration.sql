-- Other programs' enrolments of a person are looked up by national ID and status together: with the ID
-- alone, a planner working from stale statistics during a surge ANDed in the (program, status) index and
-- read every enrolled application for each applicant.
DROP INDEX "application_national_id_hash_idx";
CREATE INDEX "application_national_id_hash_status_idx" ON "application"("national_id_hash", "status");


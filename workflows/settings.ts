// Fan-out and pacing of workflows. A payment batch's size is program data (Program.batchSize).
/** Applications one decision batch takes at most: one registry search (its limit is 2,000) and one transaction. */
export const DECISION_BATCH_SIZE = 1000;
/**
 * How long the oldest accepted application waits for its batch to fill before a smaller batch is claimed:
 * in a surge batches are full (fewer, cheaper), and a quiet hour's applicant waits about a second more.
 */
export const DECISION_BATCH_FILL_MS = 1000;
/** Decision batches under way at once, across every dispatcher (the sliding window of intake). */
export const DECISION_BATCHES_IN_FLIGHT = 4;
/** Review workflows a decision batch starts at a time. */
export const REVIEW_STARTS_AT_ONCE = 50;
/** Disbursement batches of one cycle running at the same time (the sliding window). */
export const BATCH_WINDOW = 4;
/** Batches one PaymentCycleWorkflow run starts before continuing as new (keeps history far below 51,200 events). */
export const BATCHES_PER_RUN = 400;
/** Status poll when no bank callback arrives: the fallback, not the main path. */
export const STATUS_POLL_INTERVAL_MS = 30_000;
/** How long a batch may wait for final statuses before its open items go to needs-attention. */
export const SETTLEMENT_DEADLINE_MS = 24 * 3600_000;
/** How often a workflow waiting on a person (review, appeal) re-reads the database, in case a signal was lost. */
export const HUMAN_WAIT_RECHECK_MS = 6 * 3600_000;
/** How often a finished cycle's watch asks the rails for new statements and statuses (they report daily). */
export const RECONCILIATION_POLL_MS = 3600_000;
/** How long a cycle is watched for late statement lines when nobody signs it off (statements cover 31 days). */
export const RECONCILIATION_WATCH_MS = 35 * 24 * 3600_000;
/** Polls one watch run makes before continuing as new (about 12 history events each). */
export const WATCH_POLLS_PER_RUN = 500;

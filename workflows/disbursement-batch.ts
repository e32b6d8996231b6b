// DisbursementBatchWorkflow: send one batch to the bank, then follow its items to a final status.
// Bank callbacks arrive as signals (callback → BullMQ → signal); a timer polls when callbacks are lost.
// Its state is counters and IDs; instructions live in PostgreSQL.
import { ActivityFailure, condition, log, patched, proxyActivities, setHandler } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { BatchProgress } from '../activities/disbursement';
import { databaseStep, railCall } from './activity-options';
import { bankReportSignal } from './definitions';
import { SETTLEMENT_DEADLINE_MS, STATUS_POLL_INTERVAL_MS } from './settings';

const { submitBatch, syncBatchStatus, holdUnconfirmedPayments } = proxyActivities<Activities>(railCall);
const { finishBatch } = proxyActivities<Activities>(databaseStep);

export interface DisbursementBatchInput {
  cycleId: string;
  seq: number;
  /** Overrides for tests and drills; production uses the settings defaults. */
  pollIntervalMs?: number;
  settlementDeadlineMs?: number;
}

export async function DisbursementBatchWorkflow(input: DisbursementBatchInput): Promise<BatchProgress> {
  const ref = { cycleId: input.cycleId, seq: input.seq };
  let newsFromBank = false;
  setHandler(bankReportSignal, () => {
    newsFromBank = true;
  });

  // The last look before money leaves: what the rail does not confirm is held back (batches started before
  // this step replay without it). A batch all held has nothing to send.
  if (patched('hold-unconfirmed-payments')) {
    const { sending } = await holdUnconfirmedPayments(ref);
    if (sending === 0) return finishBatch(ref);
  }
  let progress: BatchProgress;
  try {
    progress = await submitBatch(ref);
  } catch (err) {
    // A permanent refusal (envelope exceeded, message refused): close the batch for a person to act on.
    if (!(err instanceof ActivityFailure)) throw err;
    log.warn('batch not submitted', { cycleId: input.cycleId, seq: input.seq, cause: err.cause?.message });
    return finishBatch(ref);
  }
  // Workflow time (Date.now() is deterministic here): the deadline survives replays and worker restarts.
  const deadline = Date.now() + (input.settlementDeadlineMs ?? SETTLEMENT_DEADLINE_MS);
  while (progress.pending > 0 && Date.now() < deadline) {
    await condition(() => newsFromBank, Math.min(input.pollIntervalMs ?? STATUS_POLL_INTERVAL_MS, deadline - Date.now()));
    newsFromBank = false;
    progress = await syncBatchStatus(ref);
  }
  return finishBatch(ref);
}

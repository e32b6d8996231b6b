// RetentionWorkflow: the daily erasure of personal data past its program's retention (domain/retention.ts),
// started by the schedule amparo-retention (workers/retention-schedule.ts). It asks for one batch at a time
// until a batch is not full; a run that has asked for many continues as new, so its history stays short
// however much is due (the first day of a large deployment, say).
import { continueAsNew, proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { databaseStep } from './activity-options';

const { eraseExpiredPersonalData } = proxyActivities<Activities>(databaseStep);

/** Applications one batch erases: one short transaction. */
export const RETENTION_BATCH_SIZE = 500;
/** Batches one run asks for before continuing as new (a few history events each). */
export const RETENTION_BATCHES_PER_RUN = 500;

export interface RetentionInput {
  batchSize?: number;
  /** Erased by the earlier runs of this chain, carried over continue-as-new. */
  erasedBefore?: number;
}

export async function RetentionWorkflow(input: RetentionInput = {}): Promise<{ erased: number }> {
  const batchSize = input.batchSize ?? RETENTION_BATCH_SIZE;
  let erased = input.erasedBefore ?? 0;
  for (let batch = 0; batch < RETENTION_BATCHES_PER_RUN; batch++) {
    const count = await eraseExpiredPersonalData(batchSize);
    erased += count;
    if (count < batchSize) return { erased };
  }
  return continueAsNew<typeof RetentionWorkflow>({ ...input, erasedBefore: erased });
}

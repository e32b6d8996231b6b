// Turns a rail notification into a signal to the batch workflow that owns the message. The edge has
// already checked the rail's signature and coalesced a burst into one job per batch and window
// (web/rails/batch-signal.ts); a signal only makes the workflow read the rail's report once more.
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Job } from 'bullmq';
import type { Db } from '../lib/db';
import { bankReportSignal } from '../workflows/definitions';
import { disbursementBatchWorkflowId } from '../workflows/ids';
import type { BankCallbackJob } from '../lib/queues';

/** A batch in these statuses has its workflow still following it; any other has read its final statuses. */
const FOLLOWED = new Set(['CREATED', 'SUBMITTED']);

export function createBankCallbackProcessor(deps: { temporal: Client; db: Db }) {
  return async (job: Job<BankCallbackJob>): Promise<'signalled' | 'unknown-message' | 'batch-closed'> => {
    const batch = await deps.db.paymentBatch.findUnique({
      where: { messageId: job.data.messageId },
      select: { cycleId: true, seq: true, status: true },
    });
    if (!batch) return 'unknown-message';
    // Late or repeated news of a closed batch is kept (provider_event) and changes nothing: no signal.
    if (!FOLLOWED.has(batch.status)) return 'batch-closed';
    const handle = deps.temporal.workflow.getHandle(disbursementBatchWorkflowId(batch.cycleId, batch.seq));
    try {
      await handle.signal(bankReportSignal, { eventId: job.data.eventId });
      return 'signalled';
    } catch (err) {
      // The batch finished between the read above and the signal: its final statuses were read without this.
      if (err instanceof WorkflowNotFoundError) return 'batch-closed';
      throw err;
    }
  };
}

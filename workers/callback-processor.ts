// Turns a bank notification into a signal to the batch workflow that owns the message.
// The notification was already deduplicated by event ID at the edge; a repeated signal only makes the
// workflow read the bank's status once more, which changes nothing.
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Job } from 'bullmq';
import type { Db } from '../lib/db';
import { bankReportSignal } from '../workflows/definitions';
import { disbursementBatchWorkflowId } from '../workflows/ids';
import type { BankCallbackJob } from '../lib/queues';

export function createBankCallbackProcessor(deps: { temporal: Client; db: Db }) {
  return async (job: Job<BankCallbackJob>): Promise<'signalled' | 'unknown-message' | 'batch-closed'> => {
    const batch = await deps.db.paymentBatch.findUnique({ where: { messageId: job.data.messageId }, select: { cycleId: true, seq: true } });
    if (!batch) return 'unknown-message';
    const handle = deps.temporal.workflow.getHandle(disbursementBatchWorkflowId(batch.cycleId, batch.seq));
    try {
      await handle.signal(bankReportSignal, { eventId: job.data.eventId });
      return 'signalled';
    } catch (err) {
      // The batch already finished: its final statuses were read without this notification.
      if (err instanceof WorkflowNotFoundError) return 'batch-closed';
      throw err;
    }
  };
}

// When a notification becomes a signal to its batch workflow. Each one would add events to the workflow's
// history, so a burst (a rail resending, a rail with many small updates, a leaked key) must not grow it
// without bound: a batch is signalled at most once per window. The first notification of a window queues
// one job for the batch and that window, delayed to the window's end; later ones in the window find the
// job's id taken and add nothing. The delay is what lets the last notification of a burst still lead to a
// signal: the workflow reads the rail's report after everything the window brought.
import type { BankCallbackJob, Queues } from '../../lib/queues';

export const SIGNAL_WINDOW_MS = 5_000;

export async function signalBatchSoon(queue: Queues['bankCallbacks'], job: BankCallbackJob, now = Date.now()): Promise<void> {
  const window = Math.floor(now / SIGNAL_WINDOW_MS);
  // A message id may hold characters BullMQ reserves in job ids (':'): encoded, it cannot.
  const jobId = `notify-${encodeURIComponent(job.messageId)}-${window}`;
  await queue.add('notify', job, { jobId, delay: (window + 1) * SIGNAL_WINDOW_MS - now });
}

// What the edge does with a rail's verified notification, the same for every rail: keep it (provider_event,
// one row per event id, for the record) and have its batch signalled soon (batch-signal.ts). Nothing in it
// is trusted: the signal only makes the batch workflow pull the rail's own report.
import type { Prisma } from '../../lib/db';
import type { WebContext } from '../http/context';
import { signalBatchSoon } from './batch-signal';

export interface Notification {
  provider: string;
  eventId: string;
  /** Our batch's message id (the pain.001 MsgId, the wallet batch's X-CorrelationID). */
  messageId: string;
  kind: string;
  payload: Prisma.InputJsonObject;
}

/** Whether the event id was new. */
export async function receiveNotification(ctx: WebContext, n: Notification): Promise<{ duplicate: boolean }> {
  const stored = await ctx.db.providerEvent.createMany({ data: [n], skipDuplicates: true });
  // Queued even when the event was already stored: a crash between the two steps must not lose the signal.
  await signalBatchSoon(ctx.queues.bankCallbacks, { eventId: n.eventId, messageId: n.messageId });
  return { duplicate: stored.count === 0 };
}

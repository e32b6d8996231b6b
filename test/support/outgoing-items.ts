// What a cycle's batches would send, read as the send reads it (activities/outgoing-items.ts) but without
// running the send: for tests of what reaches a rail, whatever the workflow checks before a batch leaves.
import { MockActivityEnvironment } from '@temporalio/testing';
import { loadOutgoingItems } from '../../activities/outgoing-items';
import { loadConfig } from '../../lib/config';
import type { Db } from '../../lib/db';
import type { RailOutgoingItem } from '../../rails/rail';
import type { RailsHarness } from './rails-harness';

/** The cycle started and snapshotted into batches, each batch's items marked sent and loaded for its rail. */
export async function outgoingItemsOf(
  db: Db,
  activities: RailsHarness['activities'],
  cycleId: string,
): Promise<Array<{ provider: string; messageId: string; items: RailOutgoingItem[] }>> {
  const env = new MockActivityEnvironment();
  await env.run(() => activities.startCycle(cycleId));
  await env.run(() => activities.snapshotCycle(cycleId));
  const batches = await db.paymentBatch.findMany({ where: { cycleId }, orderBy: { seq: 'asc' } });
  // The items leave once SUBMITTED: as the send's reservation would have marked them.
  await db.paymentInstruction.updateMany({ where: { cycleId }, data: { status: 'SUBMITTED' } });
  return Promise.all(
    batches.map(async (b) => ({
      provider: b.provider,
      messageId: b.messageId,
      items: await loadOutgoingItems({ db, config: loadConfig() }, b.id),
    })),
  );
}

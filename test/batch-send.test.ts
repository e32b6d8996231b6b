// What a batch sends, and when: it is reserved only from CREATED (a batch cancelled while its reservation
// waited is left cancelled, nothing moved, nothing sent), and it sends only instructions still SUBMITTED;
// when that would change its count or sum from its control totals (a resolution failed one while the
// batch was being retried), it stops for a person to decide instead of sending.
import { MockActivityEnvironment } from '@temporalio/testing';
import { ApplicationFailure } from '@temporalio/common';
import { afterAll, describe, expect, it } from 'vitest';
import type { RailBatch, RailClient } from '../rails/rail';
import { createCycleActivities } from '../activities/cycle';
import { createDisbursementActivities } from '../activities/disbursement';
import { loadConfig } from '../lib/config';
import { createDb } from '../lib/db';
import { balances } from '../lib/ledger';
import { approvedCycle, createProgram, enrollBeneficiaries } from './support/fixtures';
import { waitFor } from './support/util';

const db = createDb(loadConfig().DATABASE_URL, 6);
afterAll(() => db.$disconnect());

/** A funded cycle of three bank payments in one batch, not yet sent. */
async function fundedBatch() {
  const program = await createProgram(db, { batchSize: 10 });
  await enrollBeneficiaries(db, program.id, 3);
  const cycle = await approvedCycle(db, program.id);
  const cycles = createCycleActivities({ db });
  await cycles.startCycle(cycle.id);
  await new MockActivityEnvironment().run(() => cycles.snapshotCycle(cycle.id));
  await cycles.fundCycle(cycle.id);
  const batch = await db.paymentBatch.findFirstOrThrow({ where: { cycleId: cycle.id } });
  return { program, ref: { cycleId: cycle.id, seq: 1 }, batch };
}

/** A bank that never received anything and records what it is sent (or loses every send, like a timeout). */
function bank(opts: { losesSends?: boolean } = {}) {
  const sent: RailBatch[] = [];
  const rail: RailClient = {
    provider: 'bank-sim',
    findBatch: () => Promise.resolve(null),
    submitBatch: (b) => (opts.losesSends ? Promise.reject(new Error('timeout')) : Promise.resolve(void sent.push(b))),
  };
  return {
    sent,
    activities: createDisbursementActivities({
      db,
      config: loadConfig(),
      rails: { 'bank-sim': rail },
      callbackUrl: () => 'http://127.0.0.1:1/cb',
    }),
  };
}

describe('reserving a batch', () => {
  it('leaves a batch cancelled while its reservation waited cancelled: nothing moved, nothing sent', async () => {
    const { program, ref, batch } = await fundedBatch();
    const before = await balances(db, program.id);
    const { sent, activities } = bank();
    let submitting: Promise<unknown> | undefined;
    // The cycle's cancel holds the batch's row while the send's reservation reaches it.
    await db.$transaction(
      async (tx) => {
        await tx.$executeRaw`UPDATE payment_batch SET status = 'CANCELLED', completed_at = now() WHERE id = ${batch.id}::uuid`;
        await tx.$executeRaw`UPDATE payment_instruction SET status = 'CANCELLED' WHERE batch_id = ${batch.id}::uuid`;
        submitting = new MockActivityEnvironment().run(() => activities.submitBatch(ref)).catch((err: unknown) => err);
        await waitFor(async () => {
          const [row] = await db.$queryRaw<Array<{ waiting: number }>>`
            SELECT count(*)::int AS waiting FROM pg_stat_activity
             WHERE datname = current_database() AND wait_event_type = 'Lock' AND query ILIKE '%payment_batch%'`;
          return (row?.waiting ?? 0) > 0;
        }, 20_000);
      },
      { timeout: 30_000 },
    );
    await submitting;

    expect(sent).toEqual([]);
    expect(await db.paymentBatch.findUniqueOrThrow({ where: { id: batch.id } })).toMatchObject({ status: 'CANCELLED' });
    expect(await db.paymentInstruction.count({ where: { batchId: batch.id, status: { not: 'CANCELLED' } } })).toBe(0);
    expect(await db.journalEntry.count({ where: { reference: `batch-sent:${batch.id}` } })).toBe(0);
    expect(await balances(db, program.id)).toEqual(before);
  });
});

describe('sending a batch', () => {
  it('retried after one of its payments was failed, stops for a person instead of sending', async () => {
    const { ref, batch } = await fundedBatch();
    const env = new MockActivityEnvironment();
    // First attempt: reserved, then the send is lost on the way.
    await expect(env.run(() => bank({ losesSends: true }).activities.submitBatch(ref))).rejects.toThrow('timeout');
    // Meanwhile finance marks one payment FAILED (a resolution), so that a re-issue may pay it.
    const [failed] = await db.paymentInstruction.findMany({ where: { batchId: batch.id }, orderBy: { paymentKey: 'asc' }, take: 1 });
    await db.paymentInstruction.update({ where: { id: failed!.id }, data: { status: 'FAILED' } });

    const { sent, activities } = bank();
    const retry = await env.run(() => activities.submitBatch(ref)).catch((err: unknown) => err);
    expect(retry).toBeInstanceOf(ApplicationFailure);
    expect(retry).toMatchObject({ type: 'BatchTotalsChanged', nonRetryable: true });
    expect(sent).toEqual([]);

    // The batch workflow then closes it for a person: the cycle page shows it needing attention.
    await activities.finishBatch(ref);
    expect(await db.paymentBatch.findUniqueOrThrow({ where: { id: batch.id } })).toMatchObject({ status: 'NEEDS_ATTENTION' });
    const statuses = await db.paymentInstruction.findMany({ where: { batchId: batch.id }, orderBy: { paymentKey: 'asc' } });
    expect(statuses.map((s) => s.status)).toEqual(['FAILED', 'NEEDS_ATTENTION', 'NEEDS_ATTENTION']);
  });

  it('sends only instructions still SUBMITTED', async () => {
    const { ref, batch } = await fundedBatch();
    const { sent, activities } = bank();
    await new MockActivityEnvironment().run(() => activities.submitBatch(ref));
    const keys = (await db.paymentInstruction.findMany({ where: { batchId: batch.id }, orderBy: { paymentKey: 'asc' } })).map(
      (i) => i.paymentKey,
    );
    expect(sent.map((b) => [b.count, b.controlSum, b.items.map((i) => i.key)])).toEqual([[3, '1800.00', keys]]);
  });
});

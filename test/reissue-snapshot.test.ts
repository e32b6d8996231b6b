// A re-issue cycle instructs every payment chosen for it, whatever happens to its snapshot: an attempt
// that fails after writing its first batch is resumed with the payments that have no instruction yet, and
// a re-issue goes on to pay only when what it instructed is exactly what was approved.
import { randomUUID } from 'node:crypto';
import { MockActivityEnvironment } from '@temporalio/testing';
import Decimal from 'decimal.js';
import { afterAll, describe, expect, it } from 'vitest';
import { createCycleActivities } from '../activities/cycle';
import { loadConfig } from '../lib/config';
import { createDb, type Db } from '../lib/db';
import { craftedCycle, type PaymentState } from './support/reconciliation-fixture';

const db = createDb(loadConfig().DATABASE_URL, 5);
afterAll(() => db.$disconnect());

/** A cycle of `failed` failed bank payments and an approved re-issue of all of them, `batchSize` per batch. */
async function approvedReissue(failed: number, batchSize: number, approved: { count?: number } = {}) {
  const parent = await craftedCycle(
    db,
    Array.from({ length: failed }, (): PaymentState => ({ ours: 'FAILED', rail: 'FAILED' })),
  );
  await db.program.update({ where: { id: parent.programId }, data: { batchSize } });
  const originals = await db.paymentInstruction.findMany({ where: { cycleId: parent.cycleId } });
  const amount = originals.reduce((s, o) => s.plus(o.amount.toString()), new Decimal(0)).toFixed(2);
  const last = await db.paymentCycle.count({ where: { programId: parent.programId } });
  const reissue = await db.paymentCycle.create({
    data: {
      programId: parent.programId,
      number: last + 1,
      kind: 'REISSUE',
      parentCycleId: parent.cycleId,
      status: 'APPROVED',
      currency: 'BRL',
      preparedBy: randomUUID(),
      approvedBy: randomUUID(),
      previewCount: failed,
      previewAmount: amount,
      approvedCount: approved.count ?? failed,
      approvedAmount: amount,
      approvedAt: new Date(),
    },
  });
  await db.reissueItem.createMany({
    data: originals.map((o) => ({
      reissueCycleId: reissue.id,
      originalInstructionId: o.id,
      paymentAccountId: o.paymentAccountId,
      createdBy: reissue.preparedBy,
    })),
  });
  return { parent, reissueId: reissue.id, originals };
}

/** The database, except that its `n`th transaction fails as a dropped connection would. */
function failingAtTransaction(real: Db, n: number): Db {
  let calls = 0;
  return new Proxy(real, {
    get(target, prop) {
      const value: unknown = Reflect.get(target, prop, target);
      if (typeof value !== 'function') return value;
      if (prop !== '$transaction') return (value as (...a: unknown[]) => unknown).bind(target);
      return (...args: unknown[]) => {
        if (++calls === n) return Promise.reject(new Error('connection lost'));
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

describe('the re-issue snapshot', () => {
  it('retried after writing its first batch, instructs every payment chosen, once', async () => {
    const { reissueId, originals } = await approvedReissue(5, 2);
    const env = new MockActivityEnvironment();
    await createCycleActivities({ db }).startCycle(reissueId);

    // First attempt: the first batch (two payments) is written, then the connection drops.
    await expect(env.run(() => createCycleActivities({ db: failingAtTransaction(db, 2) }).snapshotCycle(reissueId))).rejects.toThrow(
      'connection lost',
    );
    expect(await db.paymentInstruction.count({ where: { batch: { cycleId: reissueId } } })).toBe(2);

    // Temporal retries it.
    const cycles = createCycleActivities({ db });
    const snapshot = await env.run(() => cycles.snapshotCycle(reissueId));
    expect(snapshot).toMatchObject({ instructedCount: 5, instructedAmount: '3000.00', batchCount: 3 });
    const instructed = await db.paymentInstruction.findMany({ where: { batch: { cycleId: reissueId } } });
    expect(instructed.map((i) => `${i.beneficiaryId}:${i.entitlementVersion}`).sort()).toEqual(
      originals.map((o) => `${o.beneficiaryId}:${o.entitlementVersion + 1}`).sort(),
    );
    expect(await cycles.checkControlTotals(reissueId)).toEqual({ withinEnvelope: true });

    // A third attempt (its answer lost) changes nothing.
    expect(await env.run(() => cycles.snapshotCycle(reissueId))).toEqual(snapshot);
    expect(await db.paymentInstruction.count({ where: { batch: { cycleId: reissueId } } })).toBe(5);
  });

  it('goes on to pay only when it instructed exactly what was approved', async () => {
    // Approved for six payments, but only five were chosen: something is wrong, nothing is paid.
    const { reissueId } = await approvedReissue(5, 2, { count: 6 });
    const env = new MockActivityEnvironment();
    const cycles = createCycleActivities({ db });
    await cycles.startCycle(reissueId);
    expect(await env.run(() => cycles.snapshotCycle(reissueId))).toMatchObject({ instructedCount: 5 });
    expect(await cycles.checkControlTotals(reissueId)).toEqual({ withinEnvelope: false, reason: 'COUNT_BELOW_APPROVED' });
  });
});

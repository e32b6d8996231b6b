// Three-way matching on crafted data: our instructions and ledger, the rail's report, and statement files
// uploaded as finance would. Each break class is produced exactly once; a re-run changes nothing; a late
// line clears a break; every resolution moves the payment and the ledger as documented.
import { randomUUID } from 'node:crypto';
import Decimal from 'decimal.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../lib/config';
import { createDb } from '../lib/db';
import { balances } from '../lib/ledger';
import { BREAK_CLASSES } from '../domain/reconciliation-classes';
import { proposeResolution } from '../web/services/break-resolutions';
import { resolveAsTwo, uploadAsTwo } from './support/four-eyes';
import { camt053, craftedCycle, reconcileNow, type CraftedCycle, type PaymentState } from './support/reconciliation-fixture';
import { uid } from './support/util';

const db = createDb(loadConfig().DATABASE_URL, 5);
afterAll(() => db.$disconnect());

// One payment per outcome and per break class (NOT_INSTRUCTED is a statement line of no payment of ours).
const STATES: Record<string, PaymentState> = {
  MATCHED: { ours: 'PAID', rail: 'PAID' },
  CREDITED_TWICE: { ours: 'PAID', rail: 'PAID' },
  REVERSED_AFTER_PAYMENT: { ours: 'PAID', rail: 'PAID' },
  AMOUNT_MISMATCH: { ours: 'PAID', rail: 'PAID' },
  RAIL_FAILED_OURS_PAID: { ours: 'PAID', rail: 'FAILED' },
  RAIL_PAID_OURS_NOT: { ours: 'FAILED', rail: 'PAID' },
  UNKNOWN_TO_RAIL: { ours: 'SUBMITTED', rail: 'UNKNOWN' },
  PENDING_PAST_DEADLINE: { ours: 'NEEDS_ATTENTION', rail: 'PENDING' },
  FAILED: { ours: 'FAILED', rail: 'FAILED' },
};
const NAMES = Object.keys(STATES);

let c: CraftedCycle;
let firstFile: string;
const key = (name: string) => c.payments[NAMES.indexOf(name)]!.key;
/** A statement file uploaded by one finance user and confirmed by another (four eyes), so its lines are evidence. */
const uploadFile = (body: string) =>
  uploadAsTwo(db, { provider: 'bank-sim', contentType: 'application/xml', body, uploader: randomUUID(), confirmer: randomUUID() });
const upload = (lines: Parameters<typeof camt053>[1]) => uploadFile(camt053(c.account, lines));
const breakRows = () =>
  db.reconciliationBreak.findMany({
    where: { cycleId: c.cycleId },
    orderBy: [{ breakClass: 'asc' }],
    select: {
      id: true,
      paymentKey: true,
      breakClass: true,
      status: true,
      expectedAmount: true,
      statementAmount: true,
      statementLines: true,
      ourStatus: true,
      railStatus: true,
      resolution: true,
    },
  });

beforeAll(async () => {
  c = await craftedCycle(db, Object.values(STATES));
  // The batch closed two days ago: past the settlement deadline, so the rail's silence about UNKNOWN_TO_RAIL
  // counts, and a re-issue has the evidence it needs (domain/payment-transitions.ts).
  await db.paymentBatch.updateMany({
    where: { cycleId: c.cycleId },
    data: { status: 'COMPLETED', completedAt: new Date(), submittedAt: new Date(Date.now() - 48 * 3600_000) },
  });
  const ref = () => uid('NTRY');
  firstFile = camt053(c.account, [
    { ref: ref(), key: key('MATCHED'), amount: '600.00' },
    { ref: ref(), key: key('CREDITED_TWICE'), amount: '600.00' },
    { ref: ref(), key: key('CREDITED_TWICE'), amount: '600.00' },
    { ref: ref(), key: key('REVERSED_AFTER_PAYMENT'), amount: '600.00' },
    { ref: ref(), key: key('REVERSED_AFTER_PAYMENT'), amount: '600.00', reversal: true },
    { ref: ref(), key: key('AMOUNT_MISMATCH'), amount: '600.01' },
    { ref: ref(), key: `NOT-OURS-${randomUUID().slice(0, 8)}`, amount: '123.45' },
  ]);
  expect(await uploadFile(firstFile)).toMatchObject({
    lines: 7,
    imported: 7,
    cycleIds: [c.cycleId],
  });
}, 60_000);

describe('a reconciliation run on crafted statements', () => {
  it('finds each break class exactly once, and the control totals balance', async () => {
    const run = await reconcileNow(db, c.cycleId, randomUUID());
    const rows = await breakRows();
    expect(rows.map((r) => r.breakClass).sort()).toEqual([...BREAK_CLASSES].sort());
    for (const r of rows.filter((r) => r.breakClass !== 'NOT_INSTRUCTED')) expect(r.paymentKey).toBe(key(r.breakClass));
    expect(run).toMatchObject({
      instructed: { count: 9, amount: '5400.00' },
      matched: { count: 1, amount: '600.00' },
      failed: { count: 1 },
      pending: { count: 0 },
      breaks: { count: 8, amount: '4323.45' },
      balanced: true,
      openBreaks: 8,
    });
    expect(Object.values(run.breaksByClass)).toEqual(Array(8).fill(1));
    const [bank] = run.totals;
    expect(bank).toMatchObject({
      provider: 'bank-sim',
      instructed: { count: 9 },
      breaks: { count: 7, amount: '4200.00' },
      notInstructed: { count: 1, amount: '123.45' },
      balanced: true,
    });
    expect(rows.find((r) => r.breakClass === 'CREDITED_TWICE')).toMatchObject({ statementLines: 2 });
    expect(rows.find((r) => r.breakClass === 'REVERSED_AFTER_PAYMENT')?.statementAmount?.toFixed(2)).toBe('0.00');
  });

  it('changes nothing when run again, nor when the same file is uploaded again', async () => {
    const before = await breakRows();
    const ledger = await balances(db, c.programId);
    expect(await uploadFile(firstFile)).toMatchObject({ lines: 7, imported: 0 });
    const first = await reconcileNow(db, c.cycleId, randomUUID());
    const second = await reconcileNow(db, c.cycleId, randomUUID());
    expect({ ...second, runId: '' }).toEqual({ ...first, runId: '' });
    expect(await breakRows()).toEqual(before);
    expect(await balances(db, c.programId)).toEqual(ledger);
  });

  it('clears a break when a late line settles it, and opens it again if it comes back', async () => {
    await db.railReport.update({ where: { paymentKey: key('RAIL_FAILED_OURS_PAID') }, data: { status: 'PAID' } });
    await upload([{ ref: uid('NTRY'), key: key('RAIL_FAILED_OURS_PAID'), amount: '600.00' }]);
    const run = await reconcileNow(db, c.cycleId, randomUUID());
    expect(run).toMatchObject({ matched: { count: 2 }, breaks: { count: 7 }, balanced: true });
    expect((await breakRows()).find((r) => r.breakClass === 'RAIL_FAILED_OURS_PAID')).toMatchObject({ status: 'CLEARED' });
    await db.railReport.update({ where: { paymentKey: key('RAIL_FAILED_OURS_PAID') }, data: { status: 'FAILED' } });
    await reconcileNow(db, c.cycleId, randomUUID());
    expect((await breakRows()).find((r) => r.breakClass === 'RAIL_FAILED_OURS_PAID')).toMatchObject({ status: 'OPEN' });
  });
});

describe('resolving breaks', () => {
  const actor = randomUUID();
  const second = randomUUID();
  const find = async (cls: string) => (await breakRows()).find((r) => r.breakClass === cls)!;
  const resolve = async (cls: string, resolution: 'CONFIRM' | 'REISSUE' | 'REQUEST_RETURN' | 'WRITE_OFF', reason?: string) =>
    resolveAsTwo(db, { breakId: (await find(cls)).id, resolution, reason, proposer: actor, approver: second });

  it('refuses what the class does not allow, and a write-off without a reason', async () => {
    await expect(resolve('UNKNOWN_TO_RAIL', 'CONFIRM')).rejects.toMatchObject({ kind: 'unprocessable', code: 'resolution_not_allowed' });
    await expect(resolve('NOT_INSTRUCTED', 'WRITE_OFF', '  ')).rejects.toMatchObject({
      kind: 'invalid',
      code: 'reason_required',
      fields: { reason: 'a write-off needs a reason' },
    });
    await expect(proposeResolution(db, { breakId: randomUUID(), resolution: 'CONFIRM', actor })).rejects.toMatchObject({
      kind: 'not_found',
    });
    expect((await find('NOT_INSTRUCTED')).status).toBe('OPEN');
  });

  it('moves the payment and the ledger as each resolution says, once', async () => {
    const before = await balances(db, c.programId);
    const delta = (after: Record<string, string>, code: string) => new Decimal(after[code] ?? 0).minus(before[code] ?? 0).toFixed(2);

    expect(await resolve('CREDITED_TWICE', 'REQUEST_RETURN')).toMatchObject({ posted: '600.00' });
    expect(await resolve('AMOUNT_MISMATCH', 'WRITE_OFF', 'one cent, not worth a recall')).toMatchObject({ posted: '0.01' });
    expect(await resolve('NOT_INSTRUCTED', 'REQUEST_RETURN')).toMatchObject({ posted: '123.45' });
    expect(await resolve('RAIL_PAID_OURS_NOT', 'CONFIRM')).toMatchObject({ posted: '600.00' });
    expect(await resolve('REVERSED_AFTER_PAYMENT', 'REISSUE')).toMatchObject({ posted: '600.00' });
    expect(await resolve('UNKNOWN_TO_RAIL', 'REISSUE')).toMatchObject({ posted: '600.00' });

    const after = await balances(db, c.programId);
    expect(delta(after, 'returns_receivable:bank-sim')).toBe('723.45');
    expect(delta(after, 'written_off')).toBe('0.01');
    expect(delta(after, 'appropriation')).toBe('-723.46');
    // CONFIRM: payable → paid; REISSUE of the reversed one: paid → payable; of the unknown one: in transit → payable.
    expect(delta(after, 'paid')).toBe('0.00');
    expect(delta(after, 'payable')).toBe('600.00');
    expect(delta(after, 'in_transit:bank-sim')).toBe('-600.00');
    expect(
      Object.values(after)
        .reduce((s, b) => s.plus(b), new Decimal(0))
        .toFixed(2),
    ).toBe('0.00');
    const statuses = await db.paymentInstruction.findMany({
      where: { paymentKey: { in: [key('RAIL_PAID_OURS_NOT'), key('REVERSED_AFTER_PAYMENT'), key('UNKNOWN_TO_RAIL')] } },
    });
    expect(Object.fromEntries(statuses.map((s) => [s.paymentKey, s.status]))).toEqual({
      [key('RAIL_PAID_OURS_NOT')]: 'PAID',
      [key('REVERSED_AFTER_PAYMENT')]: 'FAILED',
      [key('UNKNOWN_TO_RAIL')]: 'FAILED',
    });
    await expect(resolve('CREDITED_TWICE', 'WRITE_OFF', 'again')).rejects.toMatchObject({ kind: 'conflict', code: 'break_not_open' });
    // Each proposed by one person and carried out on the approval of another.
    expect(await db.auditEvent.count({ where: { actor, action: 'break.resolution_proposed' } })).toBe(6);
    expect(await db.auditEvent.count({ where: { actor: second, action: 'break.resolved' } })).toBe(6);

    // The next run sees the new statuses; the resolved breaks stay resolved, and the totals still balance.
    const run = await reconcileNow(db, c.cycleId, randomUUID());
    expect(run.balanced).toBe(true);
    const rows = await breakRows();
    expect(rows.filter((r) => r.status === 'RESOLVED')).toHaveLength(6);
    // The confirmed payment is paid in our books and the rail's, but on no statement two days on: that is a
    // break of its own (PENDING_PAST_DEADLINE), next to the two never resolved.
    expect(
      rows
        .filter((r) => r.status === 'OPEN')
        .map((r) => [r.breakClass, r.paymentKey === key('RAIL_PAID_OURS_NOT')])
        .sort(),
    ).toEqual([
      ['PENDING_PAST_DEADLINE', false],
      ['PENDING_PAST_DEADLINE', true],
      ['RAIL_FAILED_OURS_PAID', false],
    ]);
  });
});

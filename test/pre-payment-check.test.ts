// The last look before money leaves: every account of a batch is checked with its rail just before the
// batch is sent, and a payment the rail does not confirm (or to a household whose identity is disputed)
// is held back with its reason, never sent; the batch leaves without it, reconciliation counts it as held
// back, and a re-issue may pay it once the account is corrected. Real Temporal, database and simulators.
import { MockActivityEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../lib/config';
import { createDb } from '../lib/db';
import { PaymentCycleWorkflow } from '../workflows';
import { disbursementBatchWorkflowId, paymentCycleWorkflowId } from '../workflows/ids';
import { entryCounts } from './support/bank';
import { approvedCycle, createProgram } from './support/fixtures';
import { enrolPopulationHouseholds } from './support/population-households';
import { startRails, type RailsHarness } from './support/rails-harness';
import { recordHistory } from './support/temporal';
import { creditCounts } from './support/wallet';

const config = loadConfig();
const db = createDb(config.DATABASE_URL, 5);
let rails: RailsHarness;

beforeAll(async () => {
  rails = await startRails(db);
}, 60_000);
afterAll(async () => {
  await rails?.close();
  await db.$disconnect();
});

async function runCycle(harness: RailsHarness, cycleId: string, history?: string) {
  const handle = await harness.temporal.client.workflow.start(PaymentCycleWorkflow, {
    workflowId: paymentCycleWorkflowId(cycleId),
    taskQueue: harness.temporal.taskQueue,
    args: [{ cycleId, batch: { pollIntervalMs: 200 } }],
  });
  const result = await handle.result();
  if (history) await recordHistory(harness.temporal.client.workflow.getHandle(disbursementBatchWorkflowId(cycleId, 1)), history);
  return result;
}

describe('pre-payment account check', () => {
  it('holds back the 1% of payments whose accounts the rails do not confirm, pays the rest, and reconciliation explains it', async () => {
    const program = await createProgram(db, { batchSize: 100, baseAmount: '600.00' });
    // 200 households, a third paid by wallet; one bank account closed and one wallet held by someone else.
    const dirt = (i: number) => (i === 10 ? 'closed' : i === 14 ? 'holder_mismatch' : 'none');
    const { beneficiaryIds } = await enrolPopulationHouseholds(db, program.id, 200, { wallet: (i) => i % 3 === 2, dirt });
    const cycle = await approvedCycle(db, program.id);
    const result = await runCycle(rails, cycle.id, 'disbursement-batch-held');

    const held = await db.paymentInstruction.findMany({ where: { cycleId: cycle.id, status: 'HELD' }, orderBy: { paymentKey: 'asc' } });
    expect(held.map((h) => h.beneficiaryId).sort()).toEqual([beneficiaryIds[10], beneficiaryIds[14]].sort());
    expect(held.map((h) => h.failureReason).sort()).toEqual(['ACCOUNT_CLOSED', 'ACCOUNT_HOLDER_MISMATCH']);
    expect(result.progress).toMatchObject({ paid: 198, failed: 0, needsAttention: 0 });

    // Nothing reached the held households: neither rail has a credit for their payment keys.
    const bankCredits = await entryCounts(rails.bank.pool, program.fundingAccount);
    const walletCredits = await creditCounts(rails.wallet.pool, program.fundingAccount);
    for (const h of held) expect(bankCredits.get(h.paymentKey) ?? walletCredits.get(h.paymentKey) ?? 0).toBe(0);
    expect(bankCredits.size + walletCredits.size).toBe(198);

    // The approved envelope is unchanged; the control totals count the held payments as their own term.
    const stored = await db.paymentCycle.findUniqueOrThrow({ where: { id: cycle.id } });
    expect(stored.approvedCount).toBe(200);
    expect(result.reconciliation).toMatchObject({
      instructed: { count: 200, amount: '120000.00' },
      matched: { count: 198, amount: '118800.00' },
      breaks: { count: 0 },
      balanced: true,
    });
    const heldBack = result.reconciliation!.totals.map((t) => t.heldBack);
    expect(heldBack.reduce((n, t) => n + t.count, 0)).toBe(2);
    const audits = await db.auditEvent.findMany({ where: { action: 'batch.payments_held', entityId: { in: await batchIds(cycle.id) } } });
    expect(audits.reduce((n, a) => n + (a.details as { held: number }).held, 0)).toBe(2);
    // The held payments' money is still owed: payable, not in transit, not paid.
    const ledger = await db.$queryRaw<Array<{ code: string; balance: string }>>`
      SELECT a.code, sum(l.amount)::text AS balance FROM journal_line l JOIN journal_entry e ON e.id = l.entry_id
        JOIN ledger_account a ON a.id = l.account_id WHERE e.cycle_id = ${cycle.id}::uuid GROUP BY a.code`;
    expect(ledger.find((l) => l.code === 'payable')?.balance).toBe('1200.00');
  });

  it('holds a payment to a household whose identity was disputed after the snapshot, without asking the rail; run again, it asks nothing', async () => {
    const program = await createProgram(db, { batchSize: 50 });
    const { beneficiaryIds } = await enrolPopulationHouseholds(db, program.id, 5, { dirt: (i) => (i === 4 ? 'unknown' : 'none') });
    const cycle = await approvedCycle(db, program.id);
    const env = new MockActivityEnvironment();
    await env.run(() => rails.activities.startCycle(cycle.id));
    await env.run(() => rails.activities.snapshotCycle(cycle.id));
    // Disputed after the snapshot took it, before the batch leaves.
    await db.beneficiary.update({ where: { id: beneficiaryIds[2]! }, data: { status: 'SUSPENDED' } });
    const ref = { cycleId: cycle.id, seq: 1 };
    expect(await env.run(() => rails.activities.holdUnconfirmedPayments(ref))).toEqual({ held: 2, heldAmount: '1200.00', sending: 3 });
    const byBeneficiary = new Map(
      (await db.paymentInstruction.findMany({ where: { cycleId: cycle.id } })).map((i) => [i.beneficiaryId, [i.status, i.failureReason]]),
    );
    expect(byBeneficiary.get(beneficiaryIds[2]!)).toEqual(['HELD', 'IDENTITY_DISPUTED']);
    expect(byBeneficiary.get(beneficiaryIds[4]!)).toEqual(['HELD', 'ACCOUNT_UNKNOWN']);
    // A retried check (the batch marked checked) asks nothing and changes nothing, even if the rail would now say otherwise.
    await db.beneficiary.update({ where: { id: beneficiaryIds[0]! }, data: { status: 'SUSPENDED' } });
    expect(await env.run(() => rails.activities.holdUnconfirmedPayments(ref))).toEqual({ held: 2, heldAmount: '1200.00', sending: 3 });
  });

  it('holds a payment to a household that left the program after the snapshot, without asking the rail', async () => {
    const program = await createProgram(db, { batchSize: 50 });
    const { beneficiaryIds } = await enrolPopulationHouseholds(db, program.id, 3);
    const cycle = await approvedCycle(db, program.id);
    const env = new MockActivityEnvironment();
    await env.run(() => rails.activities.startCycle(cycle.id));
    await env.run(() => rails.activities.snapshotCycle(cycle.id));
    // Removed by two people (web/services/household-removal.ts) after the snapshot took it, before the batch leaves.
    await db.beneficiary.update({ where: { id: beneficiaryIds[1]! }, data: { status: 'REMOVED', leftAt: new Date() } });
    expect(await env.run(() => rails.activities.holdUnconfirmedPayments({ cycleId: cycle.id, seq: 1 }))).toEqual({
      held: 1,
      heldAmount: '600.00',
      sending: 2,
    });
    const held = await db.paymentInstruction.findMany({ where: { cycleId: cycle.id, status: 'HELD' } });
    expect(held.map((i) => [i.beneficiaryId, i.failureReason])).toEqual([[beneficiaryIds[1]!, 'HOUSEHOLD_REMOVED']]);
  });

  it('with the check off, the same dirty account leaves and its rail refuses it', async () => {
    const own = await startRails(db, { prePaymentCheck: 'off' });
    try {
      const program = await createProgram(db, { batchSize: 10 });
      await enrolPopulationHouseholds(db, program.id, 4, { dirt: (i) => (i === 1 ? 'closed' : 'none') });
      const cycle = await approvedCycle(db, program.id);
      const result = await runCycle(own, cycle.id);
      expect(result.progress).toMatchObject({ paid: 3, failed: 1 });
      expect(await db.paymentInstruction.count({ where: { cycleId: cycle.id, status: 'HELD' } })).toBe(0);
    } finally {
      await own.close();
    }
  });
});

async function batchIds(cycleId: string): Promise<string[]> {
  return (await db.paymentBatch.findMany({ where: { cycleId }, select: { id: true } })).map((b) => b.id);
}

// PaymentCycleWorkflow → DisbursementBatchWorkflows → ReconciliationWorkflow on the real Temporal server,
// the test database and the rail simulators (every household here is paid by bank, a registry population
// person paid to their own account). The bank's own ledger is the judge: one credit per payment key.
import { MockActivityEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../lib/config';
import { balances } from '../lib/ledger';
import { createDb } from '../lib/db';
import { PaymentCycleWorkflow } from '../workflows';
import type { PaymentCycleInput } from '../workflows/payment-cycle';
import { disbursementBatchWorkflowId, paymentCycleWorkflowId, reconciliationWorkflowId } from '../workflows/ids';
import { entryCounts, type BankOptions, type TestBank } from './support/bank';
import { startRails, type RailsHarness } from './support/rails-harness';
import { approvedCycle, createProgram } from './support/fixtures';
import { enrolPopulationHouseholds } from './support/population-households';
import { recordHistory, type TestTemporal } from './support/temporal';

const config = loadConfig();
const db = createDb(config.DATABASE_URL, 5);
let rails: RailsHarness;
let bank: TestBank;
let temporal: TestTemporal;

beforeAll(async () => {
  // The rails' own answers are the subject: dirty accounts leave (test/pre-payment-check.test.ts holds them).
  rails = await startRails(db, { prePaymentCheck: 'off' });
  ({ bank, temporal } = rails);
}, 60_000);
afterAll(async () => {
  await rails?.close();
  await db.$disconnect();
});

async function runCycle(cycleId: string, overrides: Omit<PaymentCycleInput, 'cycleId'> = {}, history?: string) {
  const handle = await temporal.client.workflow.start(PaymentCycleWorkflow, {
    workflowId: paymentCycleWorkflowId(cycleId),
    taskQueue: temporal.taskQueue,
    args: [{ cycleId, ...overrides }],
  });
  const result = await handle.result();
  if (history) {
    await recordHistory(handle, history);
    await recordHistory(temporal.client.workflow.getHandle(disbursementBatchWorkflowId(cycleId, 1)), `${history}-batch`);
    await recordHistory(temporal.client.workflow.getHandle(reconciliationWorkflowId(cycleId, 'cycle-end')), `${history}-reconciliation`);
  }
  return result;
}

/** Rails of the test's own, the bank with the given faults, and a worker that pays through them. */
async function withOwnBank(faults: BankOptions['faults'], test: (bank: TestBank, worker: TestTemporal) => Promise<void>): Promise<void> {
  const own = await startRails(db, { bankFaults: faults ?? {} });
  try {
    await test(own.bank, own.temporal);
  } finally {
    await own.close();
  }
}

const keysOf = async (cycleId: string) =>
  (await db.paymentInstruction.findMany({ where: { cycleId }, select: { paymentKey: true } })).map((i) => i.paymentKey);

describe('PaymentCycleWorkflow', () => {
  it('pays every beneficiary exactly once across batches, driven by bank callbacks, and reconciles to the cent', async () => {
    const program = await createProgram(db, { batchSize: 10, baseAmount: '600.10' });
    await enrolPopulationHouseholds(db, program.id, 35);
    const cycle = await approvedCycle(db, program.id);
    // A 10-minute poll: only the callback → signal path can finish this test in time.
    const result = await runCycle(cycle.id, { batch: { pollIntervalMs: 600_000 } }, 'payment-cycle');

    expect(result.progress).toMatchObject({ phase: 'completed', batchCount: 4, batchesDone: 4, paid: 35, failed: 0, needsAttention: 0 });
    expect(rails.callbacksReceived()).toBeGreaterThanOrEqual(4);
    expect(rails.callbacksRefused()).toBe(0);
    const credits = await entryCounts(bank.pool, program.fundingAccount);
    const keys = await keysOf(cycle.id);
    expect(keys).toHaveLength(35);
    expect(keys.map((k) => credits.get(k))).toEqual(keys.map(() => 1));
    expect(credits.size).toBe(35);
    expect(result.reconciliation).toMatchObject({
      instructed: { count: 35, amount: '21003.50' },
      matched: { count: 35, amount: '21003.50' },
      statement: { count: 35, amount: '21003.50' },
      breaks: { count: 0, amount: '0.00' },
    });
    expect(await db.paymentCycle.findUniqueOrThrow({ where: { id: cycle.id } })).toMatchObject({
      status: 'COMPLETED',
      instructedCount: 35,
    });
  });

  it("records the bank's reason for a failed payment and keeps control totals whole", async () => {
    const program = await createProgram(db, { batchSize: 10 });
    // Household 3's account is closed at the bank (the registry population's, as the bank holds it).
    await enrolPopulationHouseholds(db, program.id, 12, { dirt: (i) => (i === 3 ? 'closed' : 'none') });
    const cycle = await approvedCycle(db, program.id);
    const result = await runCycle(cycle.id, { batch: { pollIntervalMs: 200 } });

    expect(result.progress).toMatchObject({ paid: 11, failed: 1 });
    const failed = await db.paymentInstruction.findMany({ where: { cycleId: cycle.id, status: 'FAILED' } });
    expect(failed.map((f) => f.failureReason)).toEqual(['AC04']);
    expect(result.reconciliation).toMatchObject({
      instructed: { count: 12, amount: '7200.00' },
      matched: { count: 11, amount: '6600.00' },
      failed: { count: 1, amount: '600.00' },
      breaks: { count: 0 },
    });
  });

  it('finishes by polling when every callback is lost', async () => {
    await withOwnBank({ lostCallbackRate: 1 }, async (ownBank, worker) => {
      const program = await createProgram(db, { batchSize: 5 });
      await enrolPopulationHouseholds(db, program.id, 8);
      const cycle = await approvedCycle(db, program.id);
      const result = await worker.client.workflow.execute(PaymentCycleWorkflow, {
        workflowId: paymentCycleWorkflowId(cycle.id),
        taskQueue: worker.taskQueue,
        args: [{ cycleId: cycle.id, batch: { pollIntervalMs: 300 } }],
      });
      expect(result.progress).toMatchObject({ paid: 8, batchesDone: 2 });
      expect([...(await entryCounts(ownBank.pool, program.fundingAccount)).values()]).toEqual(Array(8).fill(1));
    });
  });

  it('moves what the bank never confirms to needs-attention at the deadline, its money still in transit', async () => {
    await withOwnBank({ settleDelayMs: 3_600_000 }, async (_bank, worker) => {
      const program = await createProgram(db, { batchSize: 5 });
      await enrolPopulationHouseholds(db, program.id, 6);
      const cycle = await approvedCycle(db, program.id);
      const result = await worker.client.workflow.execute(PaymentCycleWorkflow, {
        workflowId: paymentCycleWorkflowId(cycle.id),
        taskQueue: worker.taskQueue,
        args: [{ cycleId: cycle.id, batch: { pollIntervalMs: 300, settlementDeadlineMs: 1_500 } }],
      });
      expect(result.progress).toMatchObject({ batchesDone: 2, paid: 0, failed: 0, needsAttention: 6 });
      expect(await db.paymentInstruction.count({ where: { cycleId: cycle.id, status: 'NEEDS_ATTENTION' } })).toBe(6);
      expect((await db.paymentBatch.findMany({ where: { cycleId: cycle.id } })).map((b) => b.status)).toEqual([
        'NEEDS_ATTENTION',
        'NEEDS_ATTENTION',
      ]);
      expect((await balances(db, program.id))['in_transit:bank-sim']).toBe('3600.00');
    });
  });

  it('continues as new between groups of batches without losing progress', async () => {
    const program = await createProgram(db, { batchSize: 3 });
    await enrolPopulationHouseholds(db, program.id, 13);
    const cycle = await approvedCycle(db, program.id);
    const handle = await temporal.client.workflow.start(PaymentCycleWorkflow, {
      workflowId: paymentCycleWorkflowId(cycle.id),
      taskQueue: temporal.taskQueue,
      args: [{ cycleId: cycle.id, batchesPerRun: 2, batch: { pollIntervalMs: 200 } }],
    });
    const result = await handle.result();
    expect(result.progress).toMatchObject({ batchCount: 5, batchesDone: 5, paid: 13 });
    const first = await temporal.client.workflow.getHandle(handle.workflowId, handle.firstExecutionRunId).describe();
    expect(first.status.name).toBe('CONTINUED_AS_NEW');
    expect([...(await entryCounts(bank.pool, program.fundingAccount)).values()]).toEqual(Array(13).fill(1));
  });

  it('sends nothing when the snapshot exceeds the approved envelope', async () => {
    const program = await createProgram(db);
    await enrolPopulationHouseholds(db, program.id, 5);
    const cycle = await approvedCycle(db, program.id, { count: 4, amount: '2400.00' });
    const result = await runCycle(cycle.id);

    expect(result.failureReason).toBe('COUNT_ABOVE_APPROVED');
    expect(await db.paymentCycle.findUniqueOrThrow({ where: { id: cycle.id } })).toMatchObject({
      status: 'FAILED',
      failureReason: 'COUNT_ABOVE_APPROVED',
    });
    expect(await db.paymentBatch.count({ where: { cycleId: cycle.id, status: { not: 'CREATED' } } })).toBe(0);
    expect((await entryCounts(bank.pool, program.fundingAccount)).size).toBe(0);
  });

  it('refuses to send a batch that would exceed the approved control totals', async () => {
    const program = await createProgram(db, { batchSize: 10 });
    await enrolPopulationHouseholds(db, program.id, 4);
    const cycle = await approvedCycle(db, program.id);
    const { activities } = rails;
    const env = new MockActivityEnvironment();
    await env.run(() => activities.startCycle(cycle.id));
    await env.run(() => activities.snapshotCycle(cycle.id));
    // Altered after approval: one payment raised by a cent, its batch total with it.
    const [one] = await db.paymentInstruction.findMany({ where: { cycleId: cycle.id }, take: 1 });
    await db.paymentInstruction.update({ where: { id: one!.id }, data: { amount: { increment: '0.01' } } });
    await db.paymentBatch.updateMany({ where: { cycleId: cycle.id }, data: { totalAmount: { increment: '0.01' } } });

    await expect(env.run(() => activities.submitBatch({ cycleId: cycle.id, seq: 1 }))).rejects.toMatchObject({
      type: 'ControlTotalsExceeded',
    });
    expect(await db.paymentBatch.findFirstOrThrow({ where: { cycleId: cycle.id } })).toMatchObject({ status: 'CREATED' });
    expect((await entryCounts(bank.pool, program.fundingAccount)).size).toBe(0);
  });

  it('does not pay twice when a send reached the bank but its answer was lost', async () => {
    const program = await createProgram(db, { batchSize: 10 });
    await enrolPopulationHouseholds(db, program.id, 6);
    const cycle = await approvedCycle(db, program.id);
    const { activities } = rails;
    const env = new MockActivityEnvironment();
    await env.run(() => activities.startCycle(cycle.id));
    await env.run(() => activities.snapshotCycle(cycle.id));
    // The first attempt delivered the batch; then the worker "crashed" before recording anything else.
    await env.run(() => activities.submitBatch({ cycleId: cycle.id, seq: 1 }));
    await db.paymentInstruction.updateMany({ where: { cycleId: cycle.id }, data: { status: 'CREATED' } });
    await db.paymentBatch.updateMany({ where: { cycleId: cycle.id }, data: { status: 'CREATED' } });

    const result = await runCycle(cycle.id, { batch: { pollIntervalMs: 200 } });
    expect(result.progress).toMatchObject({ paid: 6 });
    const credits = await entryCounts(bank.pool, program.fundingAccount);
    expect([...credits.values()]).toEqual(Array(6).fill(1));
    expect(result.reconciliation).toMatchObject({ matched: { count: 6 }, breaks: { count: 0 } });
  });
});

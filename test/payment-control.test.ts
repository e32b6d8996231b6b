// Operators' controls over a running cycle (pause, resume, cancel) and the re-issue of failed payments,
// on the real Temporal server with both rail simulators. Judged by the rails' ledgers and our ledger.
import { randomUUID } from 'node:crypto';
import Decimal from 'decimal.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../lib/config';
import { createDb } from '../lib/db';
import { balances } from '../lib/ledger';
import { createLogger } from '../lib/logger';
import { approveCycle } from '../web/services/cycles';
import { approveDecision } from '../web/services/decisions';
import { prepareReissue } from '../web/services/reissues';
import { bankAccountNumberOf, HOLDER_BANK_CODE } from '../simulators/shared/account-holders';
import { PaymentCycleWorkflow } from '../workflows';
import { cancelCycleSignal, cycleProgressQuery, pauseCycleSignal, resumeCycleSignal } from '../workflows/definitions';
import { paymentCycleWorkflowId } from '../workflows/ids';
import { entryCounts, type TestBank } from './support/bank';
import { approvedCycle, createProgram } from './support/fixtures';
import { enrolPopulationHouseholds } from './support/population-households';
import { startRails, type RailsHarness } from './support/rails-harness';
import { recordHistory, type TestTemporal } from './support/temporal';
import { waitFor } from './support/util';
import { creditCounts, type TestWallet } from './support/wallet';

const config = loadConfig();
const db = createDb(config.DATABASE_URL, 5);
let rails: RailsHarness;
let bank: TestBank;
let wallet: TestWallet;
let temporal: TestTemporal;

beforeAll(async () => {
  // Failed payments are the re-issue's subject: dirty accounts leave and their rails refuse them
  // (held back before leaving, test/pre-payment-check.test.ts).
  rails = await startRails(db, { prePaymentCheck: 'off' });
  ({ bank, wallet, temporal } = rails);
}, 60_000);
afterAll(async () => {
  await rails?.close();
  await db.$disconnect();
});

const start = (cycleId: string) =>
  temporal.client.workflow.start(PaymentCycleWorkflow, {
    workflowId: paymentCycleWorkflowId(cycleId),
    taskQueue: temporal.taskQueue,
    args: [{ cycleId, batch: { pollIntervalMs: 500 } }],
  });

/** Nine households in three batches, the cycle paused by signal before any batch starts. */
async function startPaused() {
  const program = await createProgram(db, { batchSize: 3 });
  await enrolPopulationHouseholds(db, program.id, 9);
  const cycle = await approvedCycle(db, program.id);
  const handle = await start(cycle.id);
  await handle.signal(pauseCycleSignal);
  await waitFor(async () => (await db.paymentCycle.findUniqueOrThrow({ where: { id: cycle.id } })).status === 'PAUSED', 30_000);
  return { program, cycle, handle };
}

describe('pause, resume and cancel', () => {
  it('sends nothing while paused, and a cancel returns the unsent money to the budget', async () => {
    const { program, cycle, handle } = await startPaused();
    expect(await db.paymentBatch.count({ where: { cycleId: cycle.id, status: { not: 'CREATED' } } })).toBe(0);

    await handle.signal(cancelCycleSignal);
    const result = await handle.result();
    await recordHistory(handle, 'payment-cycle-paused-cancelled');
    expect(result.progress.phase).toBe('cancelled');
    expect(await db.paymentCycle.findUniqueOrThrow({ where: { id: cycle.id } })).toMatchObject({ status: 'CANCELLED' });
    expect(await db.paymentInstruction.count({ where: { cycleId: cycle.id, status: { not: 'CANCELLED' } } })).toBe(0);
    expect((await entryCounts(bank.pool, program.fundingAccount)).size).toBe(0);
    const ledger = await balances(db, program.id);
    expect(new Decimal(ledger.budget ?? 0).eq('5400.00') && new Decimal(ledger.payable ?? 0).isZero()).toBe(true);
  });

  it('pays everything once resumed', async () => {
    const { program, handle } = await startPaused();
    await handle.signal(resumeCycleSignal);
    const result = await handle.result();
    expect(result.progress).toMatchObject({ phase: 'completed', paid: 9, batchesDone: 3 });
    expect([...(await entryCounts(bank.pool, program.fundingAccount)).values()]).toEqual(Array(9).fill(1));
  });
});

describe('a staggered schedule', () => {
  it("pays the wave due today and waits for the next wave's date", async () => {
    const program = await createProgram(db, { batchSize: 5 });
    const today = new Date().toISOString().slice(0, 10);
    await db.program.update({
      where: { id: program.id },
      data: {
        schedule: {
          waves: [
            { lastDigits: [0, 1, 2, 3, 4], payOn: today },
            { lastDigits: [5, 6, 7, 8, 9], payOn: '2099-01-01' },
          ],
        },
      },
    });
    await enrolPopulationHouseholds(db, program.id, 10); // ID last digit = i % 10: five per wave
    const cycle = await approvedCycle(db, program.id);
    const handle = await start(cycle.id);
    const waiting = await waitFor(async () => {
      const p = await handle.query(cycleProgressQuery);
      return p.phase === 'waiting' && p.wave === 2 && p.batchesDone === 1 ? p : null;
    }, 30_000);
    expect(waiting).toMatchObject({ paid: 5, batchCount: 2 });
    const batches = await db.paymentBatch.findMany({ where: { cycleId: cycle.id }, orderBy: { seq: 'asc' } });
    expect(batches.map((b) => [b.wave, b.status, b.payOn?.toISOString().slice(0, 10)])).toEqual([
      [1, 'COMPLETED', today],
      [2, 'CREATED', '2099-01-01'],
    ]);

    await handle.signal(cancelCycleSignal); // cuts the timer short: the second wave is never sent
    expect((await handle.result()).progress).toMatchObject({ phase: 'cancelled', paid: 5 });
    expect(await db.paymentInstruction.count({ where: { cycleId: cycle.id, status: 'CANCELLED' } })).toBe(5);
  });
});

describe('re-issue of failed payments', () => {
  it('pays a failed entitlement again, to a corrected account or the other rail, approved by a second person, once', async () => {
    const program = await createProgram(db, { batchSize: 5 });
    // 0-2 by bank (1 closed), 3-5 by wallet (4 unknown to the provider); each one's other account is open.
    const { persons } = await enrolPopulationHouseholds(db, program.id, 6, {
      wallet: (i) => i >= 3,
      dirt: (i) => (i === 1 ? 'closed' : i === 4 ? 'unknown' : 'none'),
    });
    const cycle = await approvedCycle(db, program.id);
    expect((await (await start(cycle.id)).result()).progress).toMatchObject({ paid: 4, failed: 2 });
    const failed = await db.paymentInstruction.findMany({
      where: { cycleId: cycle.id, status: 'FAILED' },
      include: { paymentAccount: true },
      orderBy: { createdAt: 'asc' },
    });
    const [closed, unknown] = [
      failed.find((f) => f.paymentAccount.rail === 'BANK')!,
      failed.find((f) => f.paymentAccount.rail === 'WALLET')!,
    ];
    const paid = await db.paymentInstruction.findFirstOrThrow({ where: { cycleId: cycle.id, status: 'PAID' } });

    const [maker, checker] = [randomUUID(), randomUUID()];
    const ctx = { db, config, log: createLogger('test', 'error'), temporal: temporal.client };
    await expect(prepareReissue(ctx, cycle.id, maker, { items: [{ instructionId: paid.id }] })).rejects.toMatchObject({ kind: 'conflict' });
    const reissue = await prepareReissue(ctx, cycle.id, maker, {
      items: [
        // A corrected account at another bank, and the wallet's household to its own (open) bank account.
        { instructionId: closed.id, account: { rail: 'BANK', bankCode: '237', accountNumber: '720000001' } },
        {
          instructionId: unknown.id,
          account: { rail: 'BANK', bankCode: HOLDER_BANK_CODE, accountNumber: bankAccountNumberOf(persons[4]!.nationalId) },
        }, // wallet → bank
      ],
    });
    await expect(prepareReissue(ctx, cycle.id, maker, { items: [{ instructionId: closed.id }] })).rejects.toMatchObject({
      kind: 'conflict',
    });
    const totals = { approvedCount: 2, approvedAmount: '1200.00' };
    await expect(approveCycle(ctx, reissue.id, maker, totals)).rejects.toMatchObject({ kind: 'forbidden', code: 'maker_cannot_approve' });
    // Both payments go to new accounts: a second person approves those changes first, then the cycle.
    await expect(approveCycle(ctx, reissue.id, checker, totals)).rejects.toMatchObject({ code: 'account_changes_not_approved' });
    const changes = await db.moneyDecision.findFirstOrThrow({ where: { kind: 'ACCOUNT_CHANGES', subjectId: reissue.id } });
    await approveDecision(ctx, changes.id, { id: checker, role: 'APPROVER' });
    await approveCycle(ctx, reissue.id, checker, totals);

    expect((await (await start(reissue.id)).result()).progress).toMatchObject({ phase: 'completed', paid: 2, failed: 0 });
    // Per household: exactly one PAID instruction across the cycle and its re-issue, credited once at its rail.
    const all = await db.paymentInstruction.findMany({ where: { cycleId: cycle.id } });
    const paidPerHousehold = new Map<string, number>();
    for (const i of all.filter((x) => x.status === 'PAID'))
      paidPerHousehold.set(i.beneficiaryId, (paidPerHousehold.get(i.beneficiaryId) ?? 0) + 1);
    expect([...paidPerHousehold.values()]).toEqual(Array(6).fill(1));
    const credits = new Map([
      ...(await entryCounts(bank.pool, program.fundingAccount)),
      ...(await creditCounts(wallet.pool, program.fundingAccount)),
    ]);
    expect(all.filter((x) => x.status === 'PAID').map((i) => credits.get(i.paymentKey))).toEqual(Array(6).fill(1));
    expect(credits.size).toBe(6);
    const ledger = await balances(db, program.id);
    expect(new Decimal(ledger.paid ?? 0).eq('3600.00') && new Decimal(ledger.payable ?? 0).isZero()).toBe(true);
  }, 120_000);
});

// A cycle across both rails (the bank's ISO 20022 API, the wallet's GSMA-style bulk API) while both
// misbehave: 5xx, answers lost after commit, duplicate and out-of-order callbacks, partial acceptance,
// closed accounts and unknown wallets. Judged by the rails' own ledgers: every payment key is credited
// at most once, every PAID one exactly once, and our ledger and reconciliation agree to the cent.
import Decimal from 'decimal.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../lib/config';
import { createDb } from '../lib/db';
import { balances } from '../lib/ledger';
import { PaymentCycleWorkflow } from '../workflows';
import { paymentCycleWorkflowId } from '../workflows/ids';
import { bankAccountNumberOf, walletMsisdnOf } from '../simulators/shared/account-holders';
import { entryCounts, type TestBank } from './support/bank';
import { approvedCycle, createProgram } from './support/fixtures';
import { enrolPopulationHouseholds } from './support/population-households';
import { startRails, type RailsHarness } from './support/rails-harness';
import type { TestTemporal } from './support/temporal';
import { creditCounts, type TestWallet } from './support/wallet';
import { testPersonalData } from './support/personal-data';

const config = loadConfig();
const db = createDb(config.DATABASE_URL, 5);
let rails: RailsHarness;
let bank: TestBank;
let wallet: TestWallet;
let temporal: TestTemporal;

beforeAll(async () => {
  // Answers held past the client's 2 s timeout, then dropped: the send was committed, the client never knows.
  const common = {
    seed: 42,
    errorRate: { submit: 0.2, status: 0.1 },
    timeoutAfterCommitRate: 0.3,
    duplicateCallbackRate: 1,
    outOfOrderCallbacks: true,
    partialAcceptanceRate: 0.1,
  };
  rails = await startRails(db, {
    bankFaults: { ...common, timeoutHoldMs: 3_000, callbackJitterMs: 300 },
    walletFaults: common,
    railTimeoutMs: 2_000,
    // The rails' own refusals are the subject: dirty accounts leave (test/pre-payment-check.test.ts holds them).
    prePaymentCheck: 'off',
  });
  ({ bank, wallet, temporal } = rails);
}, 60_000);
afterAll(async () => {
  await rails?.close();
  await db.$disconnect();
});

const sumOf = (amounts: Array<{ toString(): string }>) => amounts.reduce<Decimal>((s, a) => s.plus(a.toString()), new Decimal(0));

describe('a cycle across the bank and the wallet, with faults on', () => {
  it('pays every beneficiary at most once, records each refusal, and balances the ledger', async () => {
    const program = await createProgram(db, { batchSize: 8, baseAmount: '150.25' });
    // Even households by wallet, odd by bank; one closed account and one unknown wallet among them.
    const { persons } = await enrolPopulationHouseholds(db, program.id, 48, {
      wallet: (i) => i % 2 === 0,
      dirt: (i) => (i === 7 ? 'closed' : i === 10 ? 'unknown' : 'none'),
    });
    const closedAccount = bankAccountNumberOf(persons[7]!.nationalId);
    const unknownWallet = walletMsisdnOf(persons[10]!.nationalId, 'BR');
    const cycle = await approvedCycle(db, program.id);
    const result = await temporal.client.workflow.execute(PaymentCycleWorkflow, {
      workflowId: paymentCycleWorkflowId(cycle.id),
      taskQueue: temporal.taskQueue,
      args: [{ cycleId: cycle.id, batch: { pollIntervalMs: 1_000 } }],
    });

    const instructions = await db.paymentInstruction.findMany({ where: { cycleId: cycle.id }, include: { batch: true } });
    expect(instructions).toHaveLength(48);
    expect(new Set(instructions.map((i) => i.batch.provider))).toEqual(new Set(['bank-sim', 'wallet-sim']));
    expect(result.progress).toMatchObject({ phase: 'completed', batchesDone: result.progress.batchCount, needsAttention: 0 });
    expect(result.progress.paid + result.progress.failed).toBe(48);

    // The rails' ledgers: PAID exactly once, FAILED never.
    const bankCredits = await entryCounts(bank.pool, program.fundingAccount);
    const walletCredits = await creditCounts(wallet.pool, program.fundingAccount);
    for (const i of instructions) {
      const credits = (i.batch.provider === 'bank-sim' ? bankCredits : walletCredits).get(i.paymentKey) ?? 0;
      expect({ key: i.paymentKey, status: i.status, credits }).toEqual({
        key: i.paymentKey,
        status: i.status,
        credits: i.status === 'PAID' ? 1 : 0,
      });
    }
    expect(bankCredits.size + walletCredits.size).toBe(result.progress.paid);

    // Each refusal carries the rail's reason: AC04 for the closed account, the wallet's for the unknown number.
    const failed = instructions.filter((i) => i.status === 'FAILED');
    // Accounts are sealed: each instruction's is opened to find the one paid to this number.
    const pd = await testPersonalData(db);
    const paidTo = await db.paymentInstruction.findMany({ where: { cycleId: cycle.id }, include: { paymentAccount: true } });
    const reasonOf = (number: string) =>
      paidTo.find((i) => Object.values(pd.openAccount(i.paymentAccount)).includes(number))?.failureReason;
    // The payment names its creditor, so the bank judges the account before its partial-acceptance fault.
    expect(reasonOf(closedAccount)).toBe('AC04');
    // The wallet's own reason; one in ten items is refused at acceptance already (partial acceptance), before
    // the wallet lookup, and may be this one.
    expect(reasonOf(unknownWallet)).toMatch(/^(unknownWallet|transactionNotAccepted)$/);
    expect(failed.length).toBeGreaterThan(2); // partial acceptance refused some more
    expect(failed.every((f) => f.failureReason)).toBe(true);

    // Double entry: what left is paid, what failed is payable again, nothing stuck in transit.
    const paidSum = sumOf(instructions.filter((i) => i.status === 'PAID').map((i) => i.amount));
    const failedSum = sumOf(failed.map((i) => i.amount));
    const ledger = await balances(db, program.id);
    expect(new Decimal(ledger.paid ?? 0).eq(paidSum)).toBe(true);
    expect(new Decimal(ledger.payable ?? 0).eq(failedSum)).toBe(true);
    expect(new Decimal(ledger['in_transit:bank-sim'] ?? 0).isZero() && new Decimal(ledger['in_transit:wallet-sim'] ?? 0).isZero()).toBe(
      true,
    );
    expect(
      Object.values(ledger)
        .reduce((s, b) => s.plus(b), new Decimal(0))
        .isZero(),
    ).toBe(true);

    expect(result.reconciliation).toMatchObject({
      instructed: { count: 48 },
      matched: { count: result.progress.paid, amount: paidSum.toFixed(2) },
      failed: { count: result.progress.failed },
      breaks: { count: 0 },
      balanced: true,
    });
  }, 240_000);
});

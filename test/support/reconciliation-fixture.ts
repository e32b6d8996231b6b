// A cycle written straight to the database, in the state a test chooses for each payment (ours, the
// rail's report), with the ledger postings the disbursement would have made, so a reconciliation run can
// be tested against crafted statements without paying through the simulators.
import { MockActivityEnvironment } from '@temporalio/testing';
import Decimal from 'decimal.js';
import { buildCamt053, type Camt053Entry } from '../../lib/iso20022/camt053';
import type { Db } from '../../lib/db';
import { ACCOUNTS, post } from '../../lib/ledger';
import { createCycleActivities } from '../../activities/cycle';
import { createReconciliationActivities, type ReconciliationSummary } from '../../activities/reconciliation';
import { approvedCycle, createProgram, enrollBeneficiaries } from './fixtures';

export interface PaymentState {
  ours: 'PAID' | 'FAILED' | 'SUBMITTED' | 'NEEDS_ATTENTION';
  rail: 'PAID' | 'FAILED' | 'PENDING' | 'UNKNOWN';
}

export interface CraftedCycle {
  programId: string;
  cycleId: string;
  account: string;
  /** Payment keys in the order of `states`, with their amounts. */
  payments: Array<{ key: string; amount: string; batchId: string }>;
}

/** One bank batch (all households by bank), every payment sent an hour ago, in the states given. */
export async function craftedCycle(db: Db, states: PaymentState[]): Promise<CraftedCycle> {
  const program = await createProgram(db, { batchSize: 100, baseAmount: '600.00' });
  await enrollBeneficiaries(db, program.id, states.length);
  const cycle = await approvedCycle(db, program.id);
  const cycles = createCycleActivities({ db });
  const env = new MockActivityEnvironment();
  await cycles.startCycle(cycle.id);
  await env.run(() => cycles.snapshotCycle(cycle.id));
  await cycles.fundCycle(cycle.id);
  const sentAt = new Date(Date.now() - 3600_000);
  const batches = await db.paymentBatch.findMany({ where: { cycleId: cycle.id } });
  for (const b of batches) {
    await db.paymentBatch.update({ where: { id: b.id }, data: { status: 'SUBMITTED', submittedAt: sentAt } });
    await post(db, {
      reference: `test-reserve:${b.id}`,
      description: 'sent',
      programId: program.id,
      currency: b.currency,
      cycleId: cycle.id,
      batchId: b.id,
      movements: [{ from: ACCOUNTS.payable, to: ACCOUNTS.inTransit(b.provider), amount: b.totalAmount.toString() }],
    });
  }
  const instructions = await db.paymentInstruction.findMany({
    where: { cycleId: cycle.id },
    include: { batch: true },
    orderBy: { paymentKey: 'asc' },
  });
  for (const [i, pi] of instructions.entries()) {
    const s = states[i]!;
    await db.paymentInstruction.update({ where: { id: pi.id }, data: { status: s.ours } });
    await db.railReport.create({
      data: { paymentKey: pi.paymentKey, cycleId: cycle.id, provider: pi.batch.provider, status: s.rail, reportedAt: sentAt },
    });
    const to = s.ours === 'PAID' ? ACCOUNTS.paid : s.ours === 'FAILED' ? ACCOUNTS.payable : null;
    if (to) {
      await post(db, {
        reference: `test-status:${pi.id}`,
        description: s.ours,
        programId: program.id,
        currency: pi.currency,
        cycleId: cycle.id,
        batchId: pi.batchId,
        movements: [{ from: ACCOUNTS.inTransit(pi.batch.provider), to, amount: pi.amount.toString() }],
      });
    }
  }
  return {
    programId: program.id,
    cycleId: cycle.id,
    account: program.fundingAccount,
    payments: instructions.map((pi) => ({ key: pi.paymentKey, amount: pi.amount.toFixed(2), batchId: pi.batchId })),
  };
}

/** A camt.053 of the funding account for today with the given lines (DBIT payments, CRDT reversals). */
export function camt053(
  account: string,
  lines: Array<{ ref: string; key: string; amount: string; reversal?: boolean; currency?: string }>,
): string {
  const today = new Date().toISOString().slice(0, 10);
  const entries: Camt053Entry[] = lines.map((l) => ({
    ...(l.ref ? { reference: l.ref } : {}),
    amount: l.amount,
    currency: l.currency ?? 'BRL',
    creditDebit: l.reversal ? 'CRDT' : 'DBIT',
    ...(l.reversal ? { reversal: true } : {}),
    status: 'BOOK',
    bookingDate: today,
    valueDate: today,
    details: [{ endToEndId: l.key }],
  }));
  // Opening at zero; the closing balance is what the lines moved (debits out, reversals back in).
  const moved = lines.reduce((sum, l) => (l.reversal ? sum.plus(l.amount) : sum.minus(l.amount)), new Decimal(0));
  const balance = (type: string, amount: Decimal) => ({
    type,
    amount: amount.abs().toFixed(2),
    currency: 'BRL',
    creditDebit: amount.isNegative() ? ('DBIT' as const) : ('CRDT' as const),
    date: today,
  });
  return buildCamt053({
    messageId: `UPLOAD-${lines[0]?.ref ?? 'EMPTY'}`,
    createdAt: new Date().toISOString(),
    statements: [
      {
        id: `STMT-${today}`,
        createdAt: new Date().toISOString(),
        fromDateTime: `${today}T00:00:00.000Z`,
        toDateTime: `${today}T23:59:59.999Z`,
        account,
        currency: 'BRL',
        balances: [balance('OPBD', new Decimal(0)), balance('CLBD', moved)],
        entries,
      },
    ],
  });
}

/** Runs the matching step alone (statements and rail reports are already in the database). */
export async function reconcileNow(
  db: Db,
  cycleId: string,
  runId: string,
  settlementDeadlineMs = 6 * 3600_000,
): Promise<ReconciliationSummary> {
  const env = new MockActivityEnvironment();
  return env.run(() => createReconciliationActivities({ db }).reconcileCycle({ cycleId, runId, trigger: 'test', settlementDeadlineMs }));
}

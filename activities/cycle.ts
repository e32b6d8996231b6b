// Activities of the PaymentCycleWorkflow: take the immutable snapshot, check the envelope and budget,
// fund the cycle in the ledger, record pauses, cancel what was not sent, close the cycle.
import { ApplicationFailure, heartbeat } from '@temporalio/activity';
import Decimal from 'decimal.js';
import { audit } from '../lib/audit';
import type { Db } from '../lib/db';
import { ACCOUNTS, post, statusMovement } from '../lib/ledger';
import { TRANSITIONS } from '../domain/payment-transitions';
import { formatAmount, money } from '../domain/money';
import { snapshotRegular, snapshotReissue } from './snapshot';

/** Cancelling moves instructions not yet sent, and their money, as domain/payment-transitions.ts says. */
const CANCEL = TRANSITIONS.cancel;

export interface WaveBatches {
  wave: number;
  /** YYYY-MM-DD, or null: as soon as the cycle runs. */
  payOn: string | null;
  firstSeq: number;
  lastSeq: number;
}

export interface CycleSnapshot {
  batchCount: number;
  waves: WaveBatches[];
  instructedCount: number;
  instructedAmount: string;
  currency: string;
}

const ACTOR = 'system:payment-cycle-workflow';

export function createCycleActivities(deps: { db: Db }) {
  const { db } = deps;

  async function setStatus(
    cycleId: string,
    from: Array<'APPROVED' | 'RUNNING' | 'PAUSED'>,
    to: 'RUNNING' | 'PAUSED' | 'COMPLETED' | 'CANCELLED',
    action: string,
  ) {
    const updated = await db.paymentCycle.updateMany({
      where: { id: cycleId, status: { in: from } },
      data: {
        status: to,
        ...(to === 'RUNNING' && from.includes('APPROVED') ? { launchedAt: new Date() } : {}),
        ...(to === 'COMPLETED' || to === 'CANCELLED' ? { completedAt: new Date() } : {}),
      },
    });
    if (updated.count === 1) await audit(db, { actor: ACTOR, action, entityType: 'payment_cycle', entityId: cycleId });
    return updated.count === 1;
  }

  return {
    async startCycle(cycleId: string): Promise<void> {
      await setStatus(cycleId, ['APPROVED'], 'RUNNING', 'cycle.started');
      const cycle = await db.paymentCycle.findUnique({ where: { id: cycleId }, select: { status: true } });
      if (!cycle || !['RUNNING', 'PAUSED', 'COMPLETED', 'CANCELLED'].includes(cycle.status)) {
        throw ApplicationFailure.nonRetryable(`cycle ${cycleId} is ${cycle?.status ?? 'missing'}, not approved`, 'CycleNotApproved');
      }
    },

    /** Creates batches and instructions (paged; resumes where a previous attempt stopped). */
    async snapshotCycle(cycleId: string): Promise<CycleSnapshot> {
      const cycle = await db.paymentCycle.findUniqueOrThrow({ where: { id: cycleId }, include: { program: true } });
      await (cycle.kind === 'REISSUE' ? snapshotReissue(db, cycle) : snapshotRegular(db, cycle, (seq) => heartbeat({ seq })));
      const totals = await db.paymentInstruction.aggregate({ where: { batch: { cycleId } }, _count: true, _sum: { amount: true } });
      const instructedAmount = formatAmount(money(totals._sum.amount?.toString() ?? '0', cycle.currency));
      await db.paymentCycle.update({ where: { id: cycleId }, data: { instructedCount: totals._count, instructedAmount } });
      const waves = await db.$queryRaw<Array<{ wave: number; pay_on: Date | null; first: number; last: number }>>`
        SELECT wave, pay_on, min(seq)::int AS first, max(seq)::int AS last FROM payment_batch WHERE cycle_id = ${cycleId}::uuid GROUP BY wave, pay_on ORDER BY wave`;
      return {
        batchCount: waves.reduce((n, w) => Math.max(n, w.last), 0),
        waves: waves.map((w) => ({
          wave: w.wave,
          payOn: w.pay_on ? w.pay_on.toISOString().slice(0, 10) : null,
          firstSeq: w.first,
          lastSeq: w.last,
        })),
        instructedCount: totals._count,
        instructedAmount,
        currency: cycle.currency,
      };
    },

    /**
     * The envelope and the budget: the snapshot may not exceed what the approver signed for, nor the program's
     * budget; a re-issue's must be exactly what was approved.
     */
    async checkControlTotals(cycleId: string): Promise<{ withinEnvelope: boolean; reason?: string }> {
      const c = await db.paymentCycle.findUniqueOrThrow({
        where: { id: cycleId },
        include: { program: { select: { budgetPerCycle: true } } },
      });
      if (c.approvedCount === null || c.approvedAmount === null) return { withinEnvelope: false, reason: 'NOT_APPROVED' };
      const amount = new Decimal((c.instructedAmount ?? 0).toString());
      if ((c.instructedCount ?? 0) > c.approvedCount) return { withinEnvelope: false, reason: 'COUNT_ABOVE_APPROVED' };
      if (amount.greaterThan(c.approvedAmount.toString())) return { withinEnvelope: false, reason: 'AMOUNT_ABOVE_APPROVED' };
      // A re-issue pays exactly the payments chosen and approved: fewer means some were never instructed, and
      // completing it would leave them unpaid while the cycle says done.
      if (c.kind === 'REISSUE' && (c.instructedCount ?? 0) < c.approvedCount)
        return { withinEnvelope: false, reason: 'COUNT_BELOW_APPROVED' };
      if (c.kind === 'REISSUE' && amount.lessThan(c.approvedAmount.toString()))
        return { withinEnvelope: false, reason: 'AMOUNT_BELOW_APPROVED' };
      if (c.kind === 'REGULAR' && c.program.budgetPerCycle && amount.greaterThan(c.program.budgetPerCycle.toString()))
        return { withinEnvelope: false, reason: 'BUDGET_EXCEEDED' };
      return { withinEnvelope: true };
    },

    /**
     * Ledger: the approved envelope enters the budget and the instructed total becomes payable. A re-issue
     * moves nothing here: what it pays again went back to payable when the rail failed it.
     */
    async fundCycle(cycleId: string): Promise<void> {
      const c = await db.paymentCycle.findUniqueOrThrow({ where: { id: cycleId } });
      if (c.kind === 'REISSUE') return;
      await db.$transaction((tx) =>
        post(tx, {
          reference: `cycle-funded:${cycleId}`,
          description: `cycle ${c.number} funded and instructed`,
          programId: c.programId,
          currency: c.currency,
          cycleId,
          movements: [
            { from: ACCOUNTS.appropriation, to: ACCOUNTS.budget, amount: (c.approvedAmount ?? 0).toString() },
            { from: ACCOUNTS.budget, to: ACCOUNTS.payable, amount: (c.instructedAmount ?? 0).toString() },
          ],
        }),
      );
    },

    async recordPause(cycleId: string, paused: boolean): Promise<void> {
      await (paused
        ? setStatus(cycleId, ['RUNNING'], 'PAUSED', 'cycle.paused')
        : setStatus(cycleId, ['PAUSED'], 'RUNNING', 'cycle.resumed'));
    },

    /** Cancels every batch not yet sent, its instructions, and returns their money from payable to the budget. */
    async cancelUnsentBatches(cycleId: string): Promise<{ cancelled: number }> {
      const c = await db.paymentCycle.findUniqueOrThrow({ where: { id: cycleId } });
      return db.$transaction(async (tx) => {
        const batches = await tx.$queryRaw<Array<{ id: string; total: string }>>`
          UPDATE payment_batch SET status = 'CANCELLED', completed_at = now() WHERE cycle_id = ${cycleId}::uuid AND status = 'CREATED' RETURNING id, total_amount::text AS total`;
        if (batches.length === 0) return { cancelled: 0 };
        await tx.$executeRaw`UPDATE payment_instruction SET status = ${CANCEL.to}::"InstructionStatus" WHERE batch_id = ANY(${batches.map((b) => b.id)}::uuid[]) AND status::text = ANY(${[...CANCEL.from]}::text[])`;
        const total = formatAmount(
          money(
            batches.reduce((s, b) => s.plus(b.total), new Decimal(0)),
            c.currency,
          ),
        );
        // The table's movement for a regular cycle's instructions. A re-issue's were never funded on their own
        // (they pay the failed payments' money, which stays payable for them): cancelling it moves nothing.
        if (c.kind === 'REGULAR') {
          await post(tx, {
            reference: `cycle-cancelled:${cycleId}`,
            description: `cycle ${c.number}: ${batches.length} unsent batches cancelled`,
            programId: c.programId,
            currency: c.currency,
            cycleId,
            movements: statusMovement('CREATED', CANCEL.to, '', total),
          });
        }
        return { cancelled: batches.length };
      });
    },

    async completeCycle(cycleId: string, outcome: 'COMPLETED' | 'CANCELLED'): Promise<void> {
      await setStatus(cycleId, ['RUNNING', 'PAUSED'], outcome, outcome === 'COMPLETED' ? 'cycle.completed' : 'cycle.cancelled');
    },

    async failCycle(cycleId: string, reason: string): Promise<void> {
      const updated = await db.paymentCycle.updateMany({
        where: { id: cycleId, status: { in: ['APPROVED', 'RUNNING'] } },
        data: { status: 'FAILED', failureReason: reason, completedAt: new Date() },
      });
      if (updated.count === 1)
        await audit(db, { actor: ACTOR, action: 'cycle.failed', entityType: 'payment_cycle', entityId: cycleId, details: { reason } });
    },
  };
}

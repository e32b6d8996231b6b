// Activities of the PaymentCycleWorkflow: take the immutable snapshot, check the envelope, close the cycle.
// The snapshot pages through beneficiaries (one page = one batch), so memory stays flat at any cycle size.
import { randomUUID } from 'node:crypto';
import { ApplicationFailure, heartbeat } from '@temporalio/activity';
import Decimal from 'decimal.js';
import { audit } from '../lib/audit';
import type { Db } from '../lib/db';
import { formatAmount, money } from '../domain/money';
import { paymentKey } from '../domain/payment-key';
import { BANK_PROVIDER } from './clients/bank-client';

export interface CycleSnapshot {
  batchCount: number;
  instructedCount: number;
  instructedAmount: string;
  currency: string;
}

const ACTOR = 'system:payment-cycle-workflow';
const ENTITLEMENT_VERSION = 1;

export function createCycleActivities(deps: { db: Db }) {
  const { db } = deps;

  return {
    async startCycle(cycleId: string): Promise<void> {
      const updated = await db.paymentCycle.updateMany({ where: { id: cycleId, status: 'APPROVED' }, data: { status: 'RUNNING', launchedAt: new Date() } });
      const cycle = await db.paymentCycle.findUnique({ where: { id: cycleId } });
      if (!cycle || (cycle.status !== 'RUNNING' && cycle.status !== 'COMPLETED')) {
        throw ApplicationFailure.nonRetryable(`cycle ${cycleId} is ${cycle?.status ?? 'missing'}, not approved`, 'CycleNotApproved');
      }
      if (updated.count === 1) await audit(db, { actor: ACTOR, action: 'cycle.started', entityType: 'payment_cycle', entityId: cycleId });
    },

    /** Creates batches and instructions for every beneficiary enrolled before launch; resumes where a previous attempt stopped. */
    async snapshotCycle(cycleId: string): Promise<CycleSnapshot> {
      const cycle = await db.paymentCycle.findUniqueOrThrow({ where: { id: cycleId }, include: { program: true } });
      const { program } = cycle;
      const last = await db.paymentBatch.findFirst({ where: { cycleId }, orderBy: { seq: 'desc' }, select: { id: true, seq: true } });
      let seq = last?.seq ?? 0;
      let cursor = last
        ? (await db.paymentInstruction.findFirst({ where: { batchId: last.id }, orderBy: { beneficiaryId: 'desc' }, select: { beneficiaryId: true } }))?.beneficiaryId
        : undefined;
      for (;;) {
        const page = await db.beneficiary.findMany({
          where: { programId: program.id, status: 'ACTIVE', enrolledAt: { lte: cycle.launchedAt ?? new Date() }, ...(cursor ? { id: { gt: cursor } } : {}) },
          orderBy: { id: 'asc' },
          take: program.batchSize,
          select: { id: true, paymentAccountId: true },
        });
        if (page.length === 0) break;
        seq += 1;
        const batchId = randomUUID();
        await db.$transaction([
          db.paymentBatch.create({
            data: {
              id: batchId, cycleId, seq, rail: 'BANK', provider: BANK_PROVIDER, messageId: batchId.replace(/-/g, ''),
              itemCount: page.length, totalAmount: program.baseAmount.times(page.length), currency: program.currency,
            },
          }),
          db.paymentInstruction.createMany({
            data: page.map((b) => ({
              paymentKey: paymentKey({ programId: program.id, cycleId, beneficiaryId: b.id, entitlementVersion: ENTITLEMENT_VERSION }),
              cycleId, batchId, beneficiaryId: b.id, paymentAccountId: b.paymentAccountId,
              entitlementVersion: ENTITLEMENT_VERSION, amount: program.baseAmount, currency: program.currency,
            })),
          }),
        ]);
        cursor = page[page.length - 1]!.id;
        heartbeat({ seq });
      }
      const totals = await db.paymentInstruction.aggregate({ where: { cycleId }, _count: true, _sum: { amount: true } });
      const instructedAmount = formatAmount(money(totals._sum.amount?.toString() ?? '0', program.currency));
      await db.paymentCycle.update({ where: { id: cycleId }, data: { instructedCount: totals._count, instructedAmount } });
      return { batchCount: seq, instructedCount: totals._count, instructedAmount, currency: program.currency };
    },

    /** The envelope: the snapshot may not exceed the count and amount the approver signed for. */
    async checkControlTotals(cycleId: string): Promise<{ withinEnvelope: boolean; reason?: string }> {
      const c = await db.paymentCycle.findUniqueOrThrow({ where: { id: cycleId } });
      if (c.approvedCount === null || c.approvedAmount === null) return { withinEnvelope: false, reason: 'NOT_APPROVED' };
      if ((c.instructedCount ?? 0) > c.approvedCount) return { withinEnvelope: false, reason: 'COUNT_ABOVE_APPROVED' };
      if (new Decimal((c.instructedAmount ?? 0).toString()).greaterThan(c.approvedAmount.toString())) {
        return { withinEnvelope: false, reason: 'AMOUNT_ABOVE_APPROVED' };
      }
      return { withinEnvelope: true };
    },

    async completeCycle(cycleId: string): Promise<void> {
      const updated = await db.paymentCycle.updateMany({ where: { id: cycleId, status: 'RUNNING' }, data: { status: 'COMPLETED', completedAt: new Date() } });
      if (updated.count === 1) await audit(db, { actor: ACTOR, action: 'cycle.completed', entityType: 'payment_cycle', entityId: cycleId });
    },

    async failCycle(cycleId: string, reason: string): Promise<void> {
      const updated = await db.paymentCycle.updateMany({
        where: { id: cycleId, status: { in: ['APPROVED', 'RUNNING'] } },
        data: { status: 'FAILED', failureReason: reason, completedAt: new Date() },
      });
      if (updated.count === 1) await audit(db, { actor: ACTOR, action: 'cycle.failed', entityType: 'payment_cycle', entityId: cycleId, details: { reason } });
    },
  };
}

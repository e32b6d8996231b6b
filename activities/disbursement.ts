// Activities of the DisbursementBatchWorkflow. The batch's messageId and each payment's key make every
// send idempotent at the bank; still, after any ambiguous failure we ask the bank before sending again.
import { ApplicationFailure } from '@temporalio/activity';
import Decimal from 'decimal.js';
import type { Db } from '../lib/db';
import { formatAmount, money } from '../domain/money';
import type { BankClient, StatusReport } from './clients/bank-client';

/** A batch is addressed by its cycle and sequence number, which the cycle workflow knows without a lookup. */
export interface BatchRef {
  cycleId: string;
  seq: number;
}

export interface BatchProgress {
  batchId: string;
  itemCount: number;
  paid: number;
  failed: number;
  pending: number;
  needsAttention: number;
}

export function createDisbursementActivities(deps: { db: Db; bank: BankClient; callbackUrl: string }) {
  const { db, bank } = deps;

  async function findBatch(ref: BatchRef) {
    const batch = await db.paymentBatch.findUnique({ where: { cycleId_seq: ref }, include: { cycle: { include: { program: true } } } });
    if (!batch) throw ApplicationFailure.nonRetryable(`batch ${ref.seq} of cycle ${ref.cycleId} not found`, 'BatchNotFound');
    return batch;
  }

  async function progress(batchId: string): Promise<BatchProgress> {
    const rows = await db.paymentInstruction.groupBy({ by: ['status'], where: { batchId }, _count: true });
    const count = (s: string) => rows.find((r) => r.status === s)?._count ?? 0;
    const p = { paid: count('PAID'), failed: count('FAILED'), needsAttention: count('NEEDS_ATTENTION'), pending: count('CREATED') + count('SUBMITTED') };
    return { batchId, itemCount: p.paid + p.failed + p.needsAttention + p.pending, ...p };
  }

  /** Reserves the batch against the cycle's envelope, under a lock on the cycle, before anything leaves. */
  async function reserveWithinEnvelope(batchId: string): Promise<void> {
    await db.$transaction(async (tx) => {
      const batch = await tx.paymentBatch.findUniqueOrThrow({ where: { id: batchId } });
      if (batch.status !== 'CREATED') return;
      const [cycle] = await tx.$queryRaw<Array<{ approved_count: number | null; approved_amount: string | null }>>`
        SELECT approved_count, approved_amount::text FROM payment_cycle WHERE id = ${batch.cycleId}::uuid FOR UPDATE`;
      const sent = await tx.paymentBatch.aggregate({ where: { cycleId: batch.cycleId, status: { not: 'CREATED' } }, _sum: { itemCount: true, totalAmount: true } });
      const count = (sent._sum.itemCount ?? 0) + batch.itemCount;
      const amount = new Decimal(sent._sum.totalAmount?.toString() ?? '0').plus(batch.totalAmount.toString());
      if (!cycle || cycle.approved_count === null || cycle.approved_amount === null || count > cycle.approved_count || amount.greaterThan(cycle.approved_amount)) {
        throw ApplicationFailure.nonRetryable(`batch ${batchId} would exceed the cycle's approved control totals`, 'ControlTotalsExceeded');
      }
      await tx.paymentBatch.update({ where: { id: batchId }, data: { status: 'SUBMITTED', submittedAt: new Date() } });
    });
  }

  async function applyReport(batchId: string, report: StatusReport): Promise<void> {
    const final = report.items.filter((i) => i.status === 'ACSC' || i.status === 'RJCT');
    if (final.length === 0) return;
    // One statement for the whole report; only instructions not yet final move, so replays change nothing.
    await db.$executeRaw`
      UPDATE payment_instruction AS pi
         SET status = (CASE WHEN v.status = 'ACSC' THEN 'PAID' ELSE 'FAILED' END)::"InstructionStatus",
             failure_reason = v.reason, settled_at = now()
        FROM unnest(${final.map((i) => i.endToEndId)}::text[], ${final.map((i) => i.status)}::text[], ${final.map((i) => i.reasonCode ?? null)}::text[])
             AS v(key, status, reason)
       WHERE pi.payment_key = v.key AND pi.batch_id = ${batchId}::uuid AND pi.status IN ('CREATED', 'SUBMITTED')`;
  }

  return {
    async submitBatch(ref: BatchRef): Promise<BatchProgress> {
      const batch = await findBatch(ref);
      await reserveWithinEnvelope(batch.id);
      // Ask first: a previous attempt may have reached the bank even if its answer never reached us.
      if (!(await bank.getStatusReport(batch.messageId))) {
        const instructions = await db.paymentInstruction.findMany({ where: { batchId: batch.id }, include: { paymentAccount: true }, orderBy: { paymentKey: 'asc' } });
        await bank.submit({
          messageId: batch.messageId,
          debtorAccount: batch.cycle.program.fundingAccount,
          callbackUrl: deps.callbackUrl,
          items: instructions.map((i) => ({
            endToEndId: i.paymentKey,
            amount: formatAmount(money(i.amount.toString(), i.currency)),
            currency: i.currency,
            creditor: { bankCode: i.paymentAccount.bankCode ?? '', accountNumber: i.paymentAccount.accountNumber ?? '' },
          })),
        });
      }
      await db.paymentInstruction.updateMany({ where: { batchId: batch.id, status: 'CREATED' }, data: { status: 'SUBMITTED' } });
      return progress(batch.id);
    },

    /** Pulls the bank's status report and records final item statuses (PAID / FAILED with the bank's reason). */
    async syncBatchStatus(ref: BatchRef): Promise<BatchProgress> {
      const batch = await findBatch(ref);
      const report = await bank.getStatusReport(batch.messageId);
      if (report) await applyReport(batch.id, report);
      return progress(batch.id);
    },

    /** Closes the batch; anything still unconfirmed is flagged for a person, never left "sent" silently. */
    async finishBatch(ref: BatchRef): Promise<BatchProgress> {
      const batchId = (await findBatch(ref)).id;
      const before = await progress(batchId);
      await db.$transaction([
        db.paymentInstruction.updateMany({ where: { batchId, status: { in: ['CREATED', 'SUBMITTED'] } }, data: { status: 'NEEDS_ATTENTION' } }),
        db.paymentBatch.updateMany({
          where: { id: batchId, status: { in: ['CREATED', 'SUBMITTED'] } },
          data: { status: before.pending > 0 ? 'NEEDS_ATTENTION' : 'COMPLETED', completedAt: new Date() },
        }),
      ]);
      return progress(batchId);
    },
  };
}

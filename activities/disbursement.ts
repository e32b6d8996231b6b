// Activities of the DisbursementBatchWorkflow, for every rail. The batch's reference (pain.001 MsgId /
// wallet X-CorrelationID) and each payment's key make every send idempotent at the rail; still, after
// any ambiguous failure we ask the rail before sending again. Each status change and its ledger
// movement are written in one transaction, so money is never counted twice or lost between accounts.
import { createHash } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/activity';
import Decimal from 'decimal.js';
import { audit } from '../lib/audit';
import type { Config } from '../lib/config';
import type { Db, Prisma } from '../lib/db';
import { post, statusMovement } from '../lib/ledger';
import { TRANSITIONS } from '../domain/payment-transitions';
import { formatAmount, money } from '../domain/money';
import type { RailBatchReport, RailClient } from '../rails/rail';
import { keepAlive } from './keep-alive';
import { batchTotalsChanged, loadOutgoingItems, outgoingTotals } from './outgoing-items';

const ACTOR = 'system:disbursement-batch-workflow';

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
  cancelled: number;
  /** Held back before the batch left (activities/pre-payment-check.ts). */
  held?: number;
}

type Tx = Prisma.TransactionClient;

/**
 * What of a batch leaves: its control totals less the payments held back before it left. The approved
 * totals stay as they are; the held ones are their own term wherever the money is counted.
 */
export async function leavingTotals(
  db: Db | Tx,
  batch: { id: string; itemCount: number; totalAmount: Decimal.Value },
): Promise<{ itemCount: number; totalAmount: Decimal }> {
  const held = await db.paymentInstruction.aggregate({
    where: { batchId: batch.id, status: 'HELD' },
    _count: true,
    _sum: { amount: true },
  });
  return {
    itemCount: batch.itemCount - held._count,
    totalAmount: new Decimal(batch.totalAmount.toString()).minus(held._sum.amount?.toString() ?? 0),
  };
}

// How the rail's word and the send move an instruction: domain/payment-transitions.ts decides, not this file.
const SEND = TRANSITIONS.send;
/** The statuses the rail's report may move (the same for paid and failed). */
const FROM_RAIL = TRANSITIONS.railPaid.from;

export function createDisbursementActivities(deps: {
  db: Db;
  config: Pick<Config, 'PII_MASTER_KEYS'>;
  rails: Record<string, RailClient>;
  callbackUrl: (provider: string) => string;
}) {
  const { db } = deps;

  async function findBatch(ref: BatchRef) {
    const batch = await db.paymentBatch.findUnique({ where: { cycleId_seq: ref }, include: { cycle: { include: { program: true } } } });
    if (!batch) throw ApplicationFailure.nonRetryable(`batch ${ref.seq} of cycle ${ref.cycleId} not found`, 'BatchNotFound');
    const rail = deps.rails[batch.provider];
    if (!rail) throw ApplicationFailure.nonRetryable(`no rail client for provider ${batch.provider}`, 'UnknownProvider');
    return { batch, rail };
  }

  async function progress(batchId: string): Promise<BatchProgress> {
    const rows = await db.paymentInstruction.groupBy({ by: ['status'], where: { batchId }, _count: true });
    const count = (s: string) => rows.find((r) => r.status === s)?._count ?? 0;
    const p = {
      paid: count('PAID'),
      failed: count('FAILED'),
      needsAttention: count('NEEDS_ATTENTION'),
      pending: count('CREATED') + count('SUBMITTED'),
      cancelled: count('CANCELLED'),
      held: count('HELD'),
    };
    return { batchId, itemCount: rows.reduce((n, r) => n + r._count, 0), ...p };
  }

  /**
   * Reserves the batch against the cycle's envelope, under a lock on the cycle, and moves its money from
   * payable to in transit, before anything leaves. False when the batch is no longer to be sent (cancelled,
   * closed), also when that happened while this waited for the row: the move is conditional on CREATED.
   */
  async function reserve(batchId: string): Promise<boolean> {
    return db.$transaction(async (tx) => {
      const batch = await tx.paymentBatch.findUniqueOrThrow({ where: { id: batchId }, include: { cycle: true } });
      if (batch.status !== 'CREATED') return batch.status === 'SUBMITTED';
      const [cycle] = await tx.$queryRaw<Array<{ approved_count: number | null; approved_amount: string | null }>>`
        SELECT approved_count, approved_amount::text FROM payment_cycle WHERE id = ${batch.cycleId}::uuid FOR UPDATE`;
      const sent = await tx.paymentBatch.aggregate({
        where: { cycleId: batch.cycleId, status: { notIn: ['CREATED', 'CANCELLED'] } },
        _sum: { itemCount: true, totalAmount: true },
      });
      // Within the envelope as approved: the batches' totals, held payments included (they stay owed).
      const count = (sent._sum.itemCount ?? 0) + batch.itemCount;
      const amount = new Decimal(sent._sum.totalAmount?.toString() ?? '0').plus(batch.totalAmount.toString());
      const leaving = await leavingTotals(tx, batch);
      if (
        !cycle ||
        cycle.approved_count === null ||
        cycle.approved_amount === null ||
        count > cycle.approved_count ||
        amount.greaterThan(cycle.approved_amount)
      ) {
        throw ApplicationFailure.nonRetryable(`batch ${batchId} would exceed the cycle's approved control totals`, 'ControlTotalsExceeded');
      }
      // Only from CREATED: a cancel or a close that reached the row since it was read wins, and nothing moves.
      const moved = await tx.paymentBatch.updateMany({
        where: { id: batchId, status: 'CREATED' },
        data: { status: 'SUBMITTED', submittedAt: new Date() },
      });
      if (moved.count !== 1) {
        const now = await tx.paymentBatch.findUniqueOrThrow({ where: { id: batchId }, select: { status: true } });
        return now.status === 'SUBMITTED';
      }
      await tx.paymentInstruction.updateMany({ where: { batchId, status: { in: [...SEND.from] } }, data: { status: SEND.to } });
      await post(tx, {
        reference: `batch-sent:${batchId}`,
        description: `batch ${batch.seq} sent to ${batch.provider}`,
        programId: batch.cycle.programId,
        currency: batch.currency,
        cycleId: batch.cycleId,
        batchId,
        movements: statusMovement('CREATED', SEND.to, batch.provider, leaving.totalAmount.toString()),
      });
      return true;
    });
  }

  /** Final item statuses from a report; only instructions still in flight move, so replays change nothing. */
  async function applyReport(
    batch: { id: string; seq: number; cycleId: string; provider: string; currency: string; programId: string },
    report: RailBatchReport,
  ): Promise<void> {
    const final = report.items.filter((i) => i.status !== 'PENDING');
    if (final.length === 0) return;
    await db.$transaction(async (tx) => {
      const moved = await tx.$queryRaw<Array<{ key: string; status: string; amount: string }>>`
        UPDATE payment_instruction AS pi
           SET status = v.status::"InstructionStatus", failure_reason = v.reason, settled_at = now()
          FROM unnest(${final.map((i) => i.key)}::text[], ${final.map((i) => i.status)}::text[], ${final.map((i) => i.reasonCode ?? null)}::text[]) AS v(key, status, reason)
         WHERE pi.payment_key = v.key AND pi.batch_id = ${batch.id}::uuid AND pi.status::text = ANY(${[...FROM_RAIL]}::text[])
        RETURNING pi.payment_key AS key, pi.status::text AS status, pi.amount::text AS amount`;
      const total = (s: string) =>
        moved
          .filter((m) => m.status === s)
          .reduce((sum, m) => sum.plus(m.amount), new Decimal(0))
          .toString();
      // Each instruction moves once, so the keys moved name this posting uniquely (and the same way on a replay).
      const moves = createHash('sha256')
        .update(
          moved
            .map((m) => m.key)
            .sort()
            .join('\n'),
        )
        .digest('hex')
        .slice(0, 32);
      await post(tx, {
        reference: `batch-report:${batch.id}:${moves}`,
        description: `batch ${batch.seq}: statuses from ${batch.provider}`,
        programId: batch.programId,
        currency: batch.currency,
        cycleId: batch.cycleId,
        batchId: batch.id,
        // In flight (SUBMITTED and NEEDS_ATTENTION keep the money in the same place): the table's movements.
        movements: [
          ...statusMovement('SUBMITTED', TRANSITIONS.railPaid.to, batch.provider, total('PAID')),
          ...statusMovement('SUBMITTED', TRANSITIONS.railFailed.to, batch.provider, total('FAILED')),
        ],
      });
    });
  }

  return {
    submitBatch: (ref: BatchRef): Promise<BatchProgress> =>
      keepAlive(async () => {
        const { batch, rail } = await findBatch(ref);
        if (!(await reserve(batch.id))) return progress(batch.id);
        // Ask first: a previous attempt may have reached the rail even if its answer never reached us.
        const known = await rail.findBatch(batch.messageId);
        if (known) {
          await applyReport({ ...batch, programId: batch.cycle.programId }, known);
        } else {
          const items = await loadOutgoingItems(deps, batch.id);
          const leaving = await leavingTotals(db, batch);
          const sending = outgoingTotals(leaving, items);
          if (!sending.matches) {
            await audit(db, {
              actor: ACTOR,
              action: 'batch.send_stopped',
              entityType: 'payment_batch',
              entityId: batch.id,
              details: { reason: 'BatchTotalsChanged', sending: sending.count, sendingAmount: sending.amount.toFixed(2) },
            });
            throw batchTotalsChanged(batch.seq, sending, leaving);
          }
          await rail.submitBatch({
            ref: batch.messageId,
            debtorAccount: batch.cycle.program.fundingAccount,
            callbackUrl: deps.callbackUrl(batch.provider),
            count: leaving.itemCount,
            controlSum: formatAmount(money(leaving.totalAmount, batch.currency)),
            currency: batch.currency,
            executionDate: (batch.payOn ?? new Date()).toISOString().slice(0, 10),
            items,
          });
        }
        return progress(batch.id);
      }),

    /** Pulls the rail's report and records final item statuses (PAID / FAILED with the rail's reason). */
    syncBatchStatus: (ref: BatchRef): Promise<BatchProgress> =>
      keepAlive(async () => {
        const { batch, rail } = await findBatch(ref);
        const report = await rail.findBatch(batch.messageId);
        if (report) await applyReport({ ...batch, programId: batch.cycle.programId }, report);
        return progress(batch.id);
      }),

    /** Closes the batch; anything still unconfirmed is flagged for a person, never left "sent" silently. */
    async finishBatch(ref: BatchRef): Promise<BatchProgress> {
      const { batch } = await findBatch(ref);
      const before = await progress(batch.id);
      await db.$transaction([
        db.paymentInstruction.updateMany({
          where: { batchId: batch.id, status: { in: [...TRANSITIONS.deadlinePassed.from] } },
          data: { status: TRANSITIONS.deadlinePassed.to },
        }),
        // CREATED here means it was refused before leaving (e.g. above the envelope): a person decides.
        db.paymentBatch.updateMany({
          where: { id: batch.id, status: { in: ['CREATED', 'SUBMITTED'] } },
          data: { status: before.pending > 0 ? 'NEEDS_ATTENTION' : 'COMPLETED', completedAt: new Date() },
        }),
      ]);
      return progress(batch.id);
    },
  };
}

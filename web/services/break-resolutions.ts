// Finance resolves a reconciliation break. The resolution, the payment's new status (if it changes) and
// its ledger movement are written in one transaction with the audit row, so the work queue, the
// instructions and the ledger never disagree. Which resolutions a class allows, and how much money an
// excess is, are domain rules (domain/reconciliation-classes.ts).
import Decimal from 'decimal.js';
import type { Db, Prisma } from '../../lib/db';
import { audit } from '../../lib/audit';
import { ACCOUNTS, post } from '../../lib/ledger';
import { formatAmount, money } from '../../domain/money';
import { excessAmount, isBreakClass, RESOLUTIONS_BY_CLASS, type BreakResolution } from '../../domain/reconciliation-classes';
import { invalid, notFound, refuse } from './refusal';

export interface ResolveBreakInput {
  breakId: string;
  resolution: BreakResolution;
  /** Why: required for a write-off, kept for every resolution. */
  reason?: string;
  actor: string;
}

export interface ResolvedBreak {
  id: string;
  cycleId: string;
  breakClass: string;
  resolution: BreakResolution;
  /** What moved in the ledger (exact decimal), '0.00' when nothing had to. */
  posted: string;
  currency: string;
}

type Tx = Prisma.TransactionClient;

/** Where our ledger holds a payment's amount, by its status. */
function exposure(status: string, provider: string): string | null {
  if (status === 'PAID') return ACCOUNTS.paid;
  if (status === 'FAILED') return ACCOUNTS.payable;
  if (status === 'SUBMITTED' || status === 'NEEDS_ATTENTION') return ACCOUNTS.inTransit(provider);
  return null;
}

/** CONFIRM (→ PAID) and REISSUE (→ FAILED): the payment's status and its amount in the ledger move together. */
async function setPaymentStatus(
  tx: Tx,
  b: { id: string; paymentKey: string; provider: string },
  programId: string,
  resolution: 'CONFIRM' | 'REISSUE',
): Promise<string> {
  const [pi] = await tx.$queryRaw<
    Array<{
      id: string;
      status: string;
      amount: string;
      currency: string;
      cycle_id: string;
      beneficiary_id: string;
      batch_id: string;
      batch_cycle: string;
    }>
  >`
    SELECT pi.id, pi.status::text, pi.amount::text, pi.currency, pi.cycle_id, pi.beneficiary_id, pi.batch_id, pb.cycle_id AS batch_cycle
      FROM payment_instruction pi JOIN payment_batch pb ON pb.id = pi.batch_id WHERE pi.payment_key = ${b.paymentKey} FOR UPDATE OF pi`;
  if (!pi) throw refuse('resolution_not_allowed', { resolution: 'this break has no instruction of ours to confirm or re-issue' });
  const target = resolution === 'CONFIRM' ? 'PAID' : 'FAILED';
  const from = exposure(pi.status, b.provider);
  if (pi.status === target) return '0.00';
  if (!from) throw refuse('resolution_not_allowed', { resolution: `the payment is ${pi.status.toLowerCase()}` });
  if (target === 'PAID' && pi.status === 'FAILED') {
    // A failed payment may have been paid again by a re-issue: confirming this one too would pay twice.
    const live = await tx.paymentInstruction.count({
      where: { cycleId: pi.cycle_id, beneficiaryId: pi.beneficiary_id, id: { not: pi.id }, status: { notIn: ['FAILED', 'CANCELLED'] } },
    });
    if (live > 0)
      throw refuse('already_reissued', { resolution: 'this payment was re-issued: request the return of the extra credit instead' });
  }
  await tx.paymentInstruction.update({
    where: { id: pi.id },
    data: target === 'PAID' ? { status: 'PAID', settledAt: new Date() } : { status: 'FAILED', failureReason: 'RECONCILIATION' },
  });
  await post(tx, {
    reference: `break:${b.id}:${resolution}`,
    description: `reconciliation: ${resolution.toLowerCase()} ${b.paymentKey}`,
    programId,
    currency: pi.currency,
    cycleId: pi.batch_cycle,
    batchId: pi.batch_id,
    movements: [{ from, to: target === 'PAID' ? ACCOUNTS.paid : ACCOUNTS.payable, amount: pi.amount }],
  });
  return pi.amount;
}

export async function resolveBreak(db: Db, input: ResolveBreakInput): Promise<ResolvedBreak> {
  const reason = input.reason?.trim() ?? '';
  if (reason.length > 500) throw invalid({ reason: 'at most 500 characters' });
  return db.$transaction(async (tx) => {
    const [locked] = await tx.$queryRaw<
      Array<{ id: string }>
    >`SELECT id FROM reconciliation_break WHERE id = ${input.breakId}::uuid FOR UPDATE`;
    if (!locked) throw notFound('break_not_found', 'id');
    const b = await tx.reconciliationBreak.findUniqueOrThrow({ where: { id: locked.id } });
    if (b.status !== 'OPEN') throw refuse('break_not_open');
    if ((await tx.cycleSignOff.count({ where: { cycleId: b.cycleId } })) > 0) throw refuse('cycle_closed');
    if (!isBreakClass(b.breakClass) || !RESOLUTIONS_BY_CLASS[b.breakClass].includes(input.resolution)) {
      throw refuse('resolution_not_allowed', {
        resolution: `not one of ${isBreakClass(b.breakClass) ? RESOLUTIONS_BY_CLASS[b.breakClass].join(', ') : 'none'}`,
      });
    }
    if (input.resolution === 'WRITE_OFF' && reason === '') throw refuse('reason_required', { reason: 'a write-off needs a reason' });
    const cycle = await tx.paymentCycle.findUniqueOrThrow({ where: { id: b.cycleId }, select: { programId: true } });

    let posted = '0.00';
    if (input.resolution === 'CONFIRM' || input.resolution === 'REISSUE') {
      posted = await setPaymentStatus(tx, b, cycle.programId, input.resolution);
    } else {
      if (b.breakClass === 'RAIL_PAID_OURS_NOT' && b.ourStatus !== 'FAILED') {
        throw refuse('resolution_not_allowed', { resolution: 'the payment is still on its way in our books: confirm it instead' });
      }
      // Money that left without an instruction behind it: a claim on the rail, or a loss.
      const excess = excessAmount({
        breakClass: b.breakClass,
        expected: b.expectedAmount && new Decimal(b.expectedAmount.toString()),
        statement: b.statementAmount && new Decimal(b.statementAmount.toString()),
      });
      posted = formatAmount(money(excess, b.currency));
      const instruction = await tx.paymentInstruction.findUnique({ where: { paymentKey: b.paymentKey }, select: { batchId: true } });
      await post(tx, {
        reference: `break:${b.id}:${input.resolution}`,
        description: `reconciliation: ${input.resolution.toLowerCase()} ${b.paymentKey}`,
        programId: cycle.programId,
        currency: b.currency,
        cycleId: b.cycleId,
        ...(instruction ? { batchId: instruction.batchId } : {}),
        movements: [
          {
            from: ACCOUNTS.appropriation,
            to: input.resolution === 'REQUEST_RETURN' ? ACCOUNTS.returnsReceivable(b.provider) : ACCOUNTS.writtenOff,
            amount: posted,
          },
        ],
      });
    }
    await tx.reconciliationBreak.update({
      where: { id: b.id },
      data: {
        status: 'RESOLVED',
        resolution: input.resolution,
        resolutionReason: reason || null,
        resolvedBy: input.actor,
        resolvedAt: new Date(),
      },
    });
    await audit(tx, {
      actor: input.actor,
      action: 'break.resolved',
      entityType: 'reconciliation_break',
      entityId: b.id,
      details: { cycleId: b.cycleId, breakClass: b.breakClass, resolution: input.resolution, posted, currency: b.currency },
    });
    return { id: b.id, cycleId: b.cycleId, breakClass: b.breakClass, resolution: input.resolution, posted, currency: b.currency };
  });
}

// Finance resolves a reconciliation break with four eyes: one finance user proposes a resolution, a second
// approves it, and only then does it take effect (web/services/four-eyes.ts). Whether a resolution is open
// to a break is the domain's table (domain/payment-transitions.ts), read against the payment's evidence as
// it is when the decision takes effect, not as the break row saw it. The resolution, the payment's new
// status and its ledger movement are written in the approval's transaction with the audit rows, so the work
// queue, the instructions and the ledger never disagree.
import Decimal from 'decimal.js';
import type { Prisma } from '../../lib/db';
import { audit } from '../../lib/audit';
import { ACCOUNTS, post, statusMovement } from '../../lib/ledger';
import { formatAmount, money } from '../../domain/money';
import { RESOLUTIONS, resolutionRefused, resolutionsFor } from '../../domain/payment-transitions';
import { excessAmount, isBreakClass, type BreakResolution } from '../../domain/reconciliation-classes';
import type { MoneyDecision, ReconciliationBreak } from '../../generated/prisma/client';
import type { ServiceContext } from './context';
import type { DecisionEffect } from './decisions';
import { propose } from './four-eyes';
import { paymentEvidence, type Payment } from './payment-evidence';
import { requestReconciliation } from './reconciliation-requests';
import { invalid, notFound, refuse } from './refusal';

export interface ResolutionProposal {
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

/** The break, locked, still open, of a cycle not signed off; and its payment with its evidence (none: never instructed). */
async function openBreak(tx: Tx, breakId: string) {
  const [locked] = await tx.$queryRaw<Array<{ id: string }>>`SELECT id FROM reconciliation_break WHERE id = ${breakId}::uuid FOR UPDATE`;
  if (!locked) throw notFound('break_not_found', 'id');
  const b = await tx.reconciliationBreak.findUniqueOrThrow({ where: { id: locked.id } });
  if (b.status !== 'OPEN') throw refuse('break_not_open');
  if ((await tx.cycleSignOff.count({ where: { cycleId: b.cycleId } })) > 0) throw refuse('cycle_closed');
  if (!isBreakClass(b.breakClass)) throw new Error(`break ${b.id} has an unknown class ${b.breakClass}`);
  return { b, breakClass: b.breakClass, paid: await paymentEvidence(tx, b.paymentKey, { lock: true }) };
}

/** Refuses a resolution the evidence does not support, with the table's sentence. */
function checkAllowed(resolution: BreakResolution, found: Awaited<ReturnType<typeof openBreak>>, reason: string): void {
  const refused = resolutionRefused(resolution, found.breakClass, found.paid?.evidence ?? null);
  if (refused) throw refuse('resolution_not_allowed', { resolution: `${resolution} is not open to this break: ${refused}` });
  if (resolution === 'WRITE_OFF' && reason === '') throw refuse('reason_required', { reason: 'a write-off needs a reason' });
}

/** The resolutions open to each of these breaks now, on their payments' current evidence (what a page offers). */
export async function openResolutions(
  db: ServiceContext['db'],
  breaks: Array<{ id: string; paymentKey: string; breakClass: string }>,
): Promise<Map<string, BreakResolution[]>> {
  const open = new Map<string, BreakResolution[]>();
  for (const b of breaks) {
    if (!isBreakClass(b.breakClass)) continue;
    const paid = await paymentEvidence(db, b.paymentKey, { lock: false });
    open.set(b.id, resolutionsFor(b.breakClass, paid?.evidence ?? null));
  }
  return open;
}

/** One finance user proposes; nothing moves until a second approves (POST /api/v1/decisions/:id/approve). */
export async function proposeResolution(db: ServiceContext['db'], input: ResolutionProposal): Promise<MoneyDecision> {
  const reason = input.reason?.trim() ?? '';
  if (reason.length > 500) throw invalid({ reason: 'at most 500 characters' });
  return db.$transaction(async (tx) => {
    const found = await openBreak(tx, input.breakId);
    checkAllowed(input.resolution, found, reason);
    return propose(tx, {
      kind: 'BREAK_RESOLUTION',
      subjectId: found.b.id,
      cycleId: found.b.cycleId,
      details: { resolution: input.resolution, reason, breakClass: found.breakClass, paymentKey: found.b.paymentKey },
      actor: input.actor,
    });
  });
}

/** CONFIRM and REISSUE: the payment's status and its amount in the ledger move together, as the table says. */
async function movePayment(
  tx: Tx,
  b: ReconciliationBreak,
  programId: string,
  p: Payment,
  resolution: 'CONFIRM' | 'REISSUE',
): Promise<string> {
  const target = RESOLUTIONS[resolution].transition === 'confirm' ? 'PAID' : 'FAILED';
  const moves = statusMovement(p.status, target, p.provider, p.amount);
  if (p.status === target || moves.length === 0) return '0.00';
  await tx.paymentInstruction.update({
    where: { id: p.id },
    data: target === 'PAID' ? { status: 'PAID', settledAt: new Date() } : { status: 'FAILED', failureReason: 'RECONCILIATION' },
  });
  await post(tx, {
    reference: `break:${b.id}:${resolution}`,
    description: `reconciliation: ${resolution.toLowerCase()} ${b.paymentKey}`,
    programId,
    currency: p.currency,
    cycleId: p.batchCycleId,
    batchId: p.batchId,
    movements: moves,
  });
  return p.amount;
}

/** REQUEST_RETURN and WRITE_OFF: money that left without an instruction behind it, a claim on the rail or a loss. */
async function recordExcess(
  tx: Tx,
  b: ReconciliationBreak,
  programId: string,
  p: Payment | null,
  resolution: BreakResolution,
): Promise<string> {
  const excess = excessAmount({
    breakClass: b.breakClass as Parameters<typeof excessAmount>[0]['breakClass'],
    expected: b.expectedAmount && new Decimal(b.expectedAmount.toString()),
    statement: b.statementAmount && new Decimal(b.statementAmount.toString()),
  });
  const posted = formatAmount(money(excess, b.currency));
  await post(tx, {
    reference: `break:${b.id}:${resolution}`,
    description: `reconciliation: ${resolution.toLowerCase()} ${b.paymentKey}`,
    programId,
    currency: b.currency,
    cycleId: b.cycleId,
    ...(p ? { batchId: p.batchId } : {}),
    movements: [
      {
        from: ACCOUNTS.appropriation,
        to: resolution === 'REQUEST_RETURN' ? ACCOUNTS.returnsReceivable(b.provider) : ACCOUNTS.writtenOff,
        amount: posted,
      },
    ],
  });
  return posted;
}

/** What an approved resolution does: checked again on the evidence of now, then carried out. */
export const breakResolutionEffect: DecisionEffect = {
  deciders: ['FINANCE'],
  async apply(tx, decision, approver) {
    const { resolution, reason } = decision.details as { resolution: BreakResolution; reason: string };
    const found = await openBreak(tx, decision.subjectId);
    checkAllowed(resolution, found, reason);
    const { b, paid } = found;
    const { programId } = await tx.paymentCycle.findUniqueOrThrow({ where: { id: b.cycleId }, select: { programId: true } });
    const posted =
      (resolution === 'CONFIRM' || resolution === 'REISSUE') && paid
        ? await movePayment(tx, b, programId, paid.payment, resolution)
        : await recordExcess(tx, b, programId, paid?.payment ?? null, resolution);
    await tx.reconciliationBreak.update({
      where: { id: b.id },
      data: { status: 'RESOLVED', resolution, resolutionReason: reason || null, resolvedBy: decision.proposedBy, resolvedAt: new Date() },
    });
    await audit(tx, {
      actor: approver,
      action: 'break.resolved',
      entityType: 'reconciliation_break',
      entityId: b.id,
      details: { cycleId: b.cycleId, breakClass: b.breakClass, resolution, posted, currency: b.currency, decisionId: decision.id },
    });
    const result: ResolvedBreak = { id: b.id, cycleId: b.cycleId, breakClass: b.breakClass, resolution, posted, currency: b.currency };
    // The next run sees the payment's new status; the resolution itself is already recorded.
    return { result, after: (ctx) => requestReconciliation(ctx, b.cycleId, 'resolution') };
  },
};

// Four eyes on every decision that moves money or changes who is paid: one person proposes, a second
// approves, and only then does the decision take effect (in the same transaction as the approval). The
// proposer is refused as the approver with a sentence saying why, here and by the database (a CHECK on
// money_decision); one proposal per subject is open at a time (a partial unique index); a decided one is
// never changed (a trigger). Each step is audited. What a decision does is its caller's: this file only
// knows who may decide.
import { audit } from '../../lib/audit';
import { Prisma, type Db } from '../../lib/db';
import type { DecisionKind, MoneyDecision } from '../../generated/prisma/client';
import { Refusal } from './refusal';

type Tx = Prisma.TransactionClient;

/** How each kind reads in the audit trail and in the sentence that refuses its proposer. */
const NAMES: Record<DecisionKind, { action: string; what: string }> = {
  BREAK_RESOLUTION: { action: 'break.resolution', what: 'this resolution' },
  SIGN_OFF: { action: 'cycle.sign_off', what: 'this sign-off' },
  STATEMENT_UPLOAD: { action: 'statement.upload', what: 'this statement file' },
  ACCOUNT_CHANGES: { action: 'cycle.account_changes', what: 'these account changes' },
  IDENTITY_DISPUTE: { action: 'application.identity_dispute', what: 'this end of an identity dispute' },
  HOUSEHOLD_REMOVAL: { action: 'household.removal', what: "this household's removal from the program" },
};

export interface Proposal {
  kind: DecisionKind;
  subjectId: string;
  cycleId: string | null;
  details: Prisma.InputJsonObject;
  actor: string;
}

/** Records a proposal; refused while another proposal for the same subject waits for its second person. */
export async function propose(tx: Tx, p: Proposal): Promise<MoneyDecision> {
  const open = await tx.moneyDecision.findFirst({ where: { kind: p.kind, subjectId: p.subjectId, status: 'PROPOSED' } });
  if (open) throw new Refusal('decision_pending', { decision: `${open.id} waits for a second person` });
  try {
    // Two proposals at once: the partial unique index lets one through, the other is refused.
    const decision = await tx.moneyDecision.create({
      data: { kind: p.kind, subjectId: p.subjectId, cycleId: p.cycleId, details: p.details, proposedBy: p.actor },
    });
    await audit(tx, {
      actor: p.actor,
      action: `${NAMES[p.kind].action}_proposed`,
      entityType: 'money_decision',
      entityId: decision.id,
      details: { subjectId: p.subjectId, ...p.details },
    });
    return decision;
  } catch (err) {
    if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002')
      throw new Refusal('decision_pending', { decision: 'another proposal for this waits for a second person' });
    throw err;
  }
}

/** The open proposal of a subject, if any. */
export const openDecision = (db: Tx | Db, kind: DecisionKind, subjectId: string) =>
  db.moneyDecision.findFirst({ where: { kind, subjectId, status: 'PROPOSED' } });

/** Locks an open decision for deciding it: refused if it is not open (decided a moment ago, or never proposed). */
async function lockOpen(tx: Tx, id: string): Promise<MoneyDecision> {
  const [row] = await tx.$queryRaw<Array<{ id: string }>>`SELECT id FROM money_decision WHERE id = ${id}::uuid FOR UPDATE`;
  if (!row) throw new Refusal('decision_not_found', { id: 'no decision has this id' });
  const decision = await tx.moneyDecision.findUniqueOrThrow({ where: { id } });
  if (decision.status !== 'PROPOSED') throw new Refusal('decision_not_open', { id: `already ${decision.status.toLowerCase()}` });
  return decision;
}

/**
 * Approves an open decision as `actor`, who must not be its proposer; `apply` carries it out in the same
 * transaction, after the approval is recorded, and may still refuse (then nothing is approved either).
 */
export async function approve<T>(tx: Tx, id: string, actor: string, apply: (decision: MoneyDecision) => Promise<T>): Promise<T> {
  const decision = await lockOpen(tx, id);
  if (decision.proposedBy === actor) {
    throw new Refusal('proposer_cannot_approve', {
      decision: `you proposed ${NAMES[decision.kind].what}: another person must check and approve it (four eyes)`,
    });
  }
  await tx.moneyDecision.update({ where: { id }, data: { status: 'APPROVED', decidedBy: actor, decidedAt: new Date() } });
  await audit(tx, {
    actor,
    action: `${NAMES[decision.kind].action}_approved`,
    entityType: 'money_decision',
    entityId: id,
    details: { subjectId: decision.subjectId, proposedBy: decision.proposedBy },
  });
  return apply(decision);
}

/** Declines an open decision (the proposer may withdraw their own); nothing of it takes effect. */
export async function decline(tx: Tx, id: string, actor: string, reason: string): Promise<MoneyDecision> {
  const decision = await lockOpen(tx, id);
  const declined = await tx.moneyDecision.update({
    where: { id },
    data: { status: 'DECLINED', decidedBy: actor, decidedAt: new Date(), declineReason: reason.trim().slice(0, 500) || null },
  });
  await audit(tx, {
    actor,
    action: `${NAMES[decision.kind].action}_declined`,
    entityType: 'money_decision',
    entityId: id,
    details: { subjectId: decision.subjectId, proposedBy: decision.proposedBy },
  });
  return declined;
}

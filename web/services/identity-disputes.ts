// Identity disputes (issue 13). Emergency programs were defrauded with stolen national IDs: someone applies
// with a victim's ID and their own account. A reviewer who suspects it (the real person called, say) opens
// a dispute on the application. In one transaction the household's beneficiary becomes SUSPENDED (cycle
// snapshots take ACTIVE households only, and the pre-payment check holds a suspended one's payments in a
// batch already written), the dispute is recorded and audited; then the applicant is asked by SMS to confirm
// their identity with the program. A hold on a household's money is lifted only by two people: one proposes
// how the dispute ends (four-eyes.ts, kind IDENTITY_DISPUTE), another approves, and the effect below runs.
import type { IdentityDispute, MoneyDecision } from '../../generated/prisma/client';
import { createNotificationActivities } from '../../activities/notification';
import { audit } from '../../lib/audit';
import { personalData } from '../../lib/personal-data';
import { Prisma } from '../../lib/db';
import { DISPUTE_OUTCOMES, type DisputeOutcome } from '../../schema/identity-dispute';
import type { ServiceContext } from './context';
import type { DecisionEffect } from './decisions';
import { openDecision, propose } from './four-eyes';
import { notFound, refuse } from './refusal';
import { isUuid } from '../../schema/fields';

type Ctx = Pick<ServiceContext, 'db' | 'queues' | 'log' | 'config'>;

const isUniqueViolation = (err: unknown) => err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002';

export type IdentityDisputeView = IdentityDispute & { proposal: MoneyDecision | null };

/**
 * Opens a dispute on an application as `actor` (a reviewer or an administrator): its household, if enrolled
 * and active, is suspended. Refused while another dispute on it is open (a check here, the partial unique
 * index for two at once). The SMS goes after the commit; if it cannot be queued the dispute stands (the
 * hold matters more) and the answer says so.
 */
export async function openIdentityDispute(
  ctx: Ctx,
  input: { applicationId: string; reason: string; actor: string },
): Promise<IdentityDispute & { applicantNotified: boolean }> {
  const { applicationId, actor } = input;
  if (!isUuid(applicationId)) throw notFound('application_not_found', 'id');
  const sealedReason = (await personalData(ctx)).seal('identity_dispute.reason', input.reason);
  let dispute: IdentityDispute;
  try {
    dispute = await ctx.db.$transaction(async (tx) => {
      const app = await tx.application.findUnique({ where: { id: applicationId }, select: { beneficiary: { select: { id: true } } } });
      if (!app) throw notFound('application_not_found', 'id');
      if (await tx.identityDispute.count({ where: { applicationId, status: 'OPEN' } })) throw refuse('identity_dispute_open');
      // Only an active household: one suspended for another reason is not this dispute's to give back.
      const beneficiaryId = app.beneficiary?.id ?? null;
      const suspended = beneficiaryId
        ? (await tx.beneficiary.updateMany({ where: { id: beneficiaryId, status: 'ACTIVE' }, data: { status: 'SUSPENDED' } })).count === 1
        : false;
      const row = await tx.identityDispute.create({
        data: { applicationId, beneficiaryId: suspended ? beneficiaryId : null, reason: sealedReason, openedBy: actor },
      });
      // The reason stays on the dispute: a reviewer's words may name people, the trail carries IDs only.
      await audit(tx, {
        actor,
        action: 'application.identity_disputed',
        entityType: 'application',
        entityId: applicationId,
        details: { disputeId: row.id, beneficiaryId: row.beneficiaryId },
      });
      return row;
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw refuse('identity_dispute_open');
    throw err;
  }
  // The same path as every message to an applicant: one row per event (here, per dispute), queued once.
  const applicantNotified = await createNotificationActivities({ db: ctx.db, config: ctx.config, notifications: ctx.queues.notifications })
    .notifyApplicant(applicationId, { kind: 'IDENTITY_DISPUTED', disputeId: dispute.id })
    .then(
      () => true,
      (err: Error) => {
        ctx.log.warn('identity dispute SMS not queued', { disputeId: dispute.id, error: err.name });
        return false;
      },
    );
  return { ...dispute, reason: input.reason, applicantNotified };
}

/** A dispute with the proposal that waits for a second person, if any. */
export async function identityDispute(ctx: Pick<Ctx, 'db' | 'config'>, id: string): Promise<IdentityDisputeView> {
  const dispute = isUuid(id) ? await ctx.db.identityDispute.findUnique({ where: { id } }) : null;
  if (!dispute) throw notFound('identity_dispute_not_found', 'id');
  const reason = (await personalData(ctx)).openNullable('identity_dispute.reason', dispute.reason);
  return { ...dispute, reason, proposal: await openDecision(ctx.db, 'IDENTITY_DISPUTE', id) };
}

/** Proposes how an open dispute ends, for a second person to approve (the opener may propose too). */
export async function proposeDisputeEnd(ctx: Pick<Ctx, 'db'>, id: string, outcome: DisputeOutcome, actor: string): Promise<MoneyDecision> {
  return ctx.db.$transaction(async (tx) => {
    const dispute = isUuid(id) ? await tx.identityDispute.findUnique({ where: { id } }) : null;
    if (!dispute) throw notFound('identity_dispute_not_found', 'id');
    if (dispute.status !== 'OPEN') throw refuse('identity_dispute_closed');
    return propose(tx, {
      kind: 'IDENTITY_DISPUTE',
      subjectId: id,
      cycleId: null,
      details: { outcome, applicationId: dispute.applicationId },
      actor,
    });
  });
}

/** Refuses a decision that is not an identity dispute's: these routes decide nothing else. */
export async function requireDisputeDecision(ctx: Pick<Ctx, 'db'>, decisionId: string): Promise<void> {
  const ours = isUuid(decisionId) ? await ctx.db.moneyDecision.count({ where: { id: decisionId, kind: 'IDENTITY_DISPUTE' } }) : 0;
  if (!ours) throw notFound('decision_not_found', 'id');
}

const outcomeOf = (details: Prisma.JsonValue): DisputeOutcome => {
  const outcome = (details as { outcome?: unknown } | null)?.outcome;
  // Written by proposeDisputeEnd only: anything else is a fault of ours, not a reason to lift a hold.
  if (!DISPUTE_OUTCOMES.includes(outcome as DisputeOutcome)) throw new Error('identity dispute decision without an outcome');
  return outcome as DisputeOutcome;
};

/**
 * What approving the end of a dispute does, in the approval's transaction: LIFT makes the household this
 * dispute suspended ACTIVE again, UPHOLD leaves it suspended; either closes the dispute, audited. Refused,
 * changing nothing, when the dispute was closed meanwhile.
 */
export const identityDisputeEffect: DecisionEffect = {
  deciders: ['REVIEWER', 'ADMIN'],
  async apply(tx, decision, approver) {
    const [locked] = await tx.$queryRaw<Array<{ status: string }>>`
      SELECT status::text AS status FROM identity_dispute WHERE id = ${decision.subjectId}::uuid FOR UPDATE`;
    if (locked?.status !== 'OPEN') throw refuse('identity_dispute_closed');
    const outcome = outcomeOf(decision.details);
    const dispute = await tx.identityDispute.update({
      where: { id: decision.subjectId },
      data: { status: outcome === 'LIFT' ? 'LIFTED' : 'UPHELD', closedBy: approver, closedAt: new Date() },
    });
    const reactivated =
      outcome === 'LIFT' && dispute.beneficiaryId
        ? (await tx.beneficiary.updateMany({ where: { id: dispute.beneficiaryId, status: 'SUSPENDED' }, data: { status: 'ACTIVE' } }))
            .count === 1
        : false;
    await audit(tx, {
      actor: approver,
      action: outcome === 'LIFT' ? 'application.identity_dispute_lifted' : 'application.identity_dispute_upheld',
      entityType: 'application',
      entityId: dispute.applicationId,
      details: {
        disputeId: dispute.id,
        decisionId: decision.id,
        proposedBy: decision.proposedBy,
        beneficiaryId: dispute.beneficiaryId,
        reactivated,
      },
    });
    return { result: { disputeId: dispute.id, status: dispute.status, beneficiaryId: dispute.beneficiaryId, reactivated } };
  },
};

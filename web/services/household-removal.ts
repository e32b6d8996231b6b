// A household leaving its program: no longer eligible, asked to leave, deceased, moved away. It changes who
// is paid, so two people take it (four-eyes.ts, kind HOUSEHOLD_REMOVAL): an administrator proposes it with a
// reason code, an approver or another administrator approves, and only then does the household become
// REMOVED with left_at. From then on no cycle snapshot takes it (ACTIVE only), the pre-payment check holds a
// payment to it in a batch not yet sent (activities/pre-payment-check.ts), and the retention run erases its
// personal data after the program's leftRetentionDays (domain/retention.ts). Money already sent stays sent.
import type { MoneyDecision } from '../../generated/prisma/client';
import { audit } from '../../lib/audit';
import { HOUSEHOLD_REMOVAL_REASONS, type HouseholdRemovalReason } from '../../schema/household-removal';
import type { ServiceContext } from './context';
import { withProposers, type DecisionEffect, type PendingDecision } from './decisions';
import { propose } from './four-eyes';
import { notFound, refuse } from './refusal';
import { isUuid } from '../../schema/fields';

type Ctx = Pick<ServiceContext, 'db'>;

/** Households still in the program: paid (ACTIVE) or held by an identity dispute (SUSPENDED). */
const ENROLLED = ['ACTIVE', 'SUSPENDED'] as const;

/** Proposes that an application's household leave its program, for a second person to approve. */
export async function proposeHouseholdRemoval(
  ctx: Ctx,
  applicationId: string,
  reason: HouseholdRemovalReason,
  actor: string,
): Promise<MoneyDecision> {
  if (!isUuid(applicationId)) throw notFound('application_not_found', 'id');
  return ctx.db.$transaction(async (tx) => {
    const app = await tx.application.findUnique({
      where: { id: applicationId },
      select: { beneficiary: { select: { id: true, status: true } } },
    });
    if (!app) throw notFound('application_not_found', 'id');
    const household = app.beneficiary;
    if (!household || !(ENROLLED as readonly string[]).includes(household.status)) throw refuse('household_not_enrolled');
    return propose(tx, { kind: 'HOUSEHOLD_REMOVAL', subjectId: household.id, cycleId: null, details: { reason, applicationId }, actor });
  });
}

/** Removals waiting for a second person, oldest first. */
export async function pendingHouseholdRemovals(ctx: Ctx): Promise<PendingDecision[]> {
  const open = await ctx.db.moneyDecision.findMany({
    where: { kind: 'HOUSEHOLD_REMOVAL', status: 'PROPOSED' },
    orderBy: { proposedAt: 'asc' },
    take: 500,
  });
  return withProposers(ctx, open);
}

const reasonOf = (details: unknown): HouseholdRemovalReason => {
  const reason = (details as { reason?: unknown } | null)?.reason;
  // Written by proposeHouseholdRemoval only: anything else is a fault of ours, not a reason to stop paying.
  if (!HOUSEHOLD_REMOVAL_REASONS.includes(reason as HouseholdRemovalReason)) throw new Error('household removal without a reason');
  return reason as HouseholdRemovalReason;
};

/**
 * What approving a removal does, in the approval's transaction: the household, still enrolled, becomes
 * REMOVED as of now, audited with the reason and both people. Refused, changing nothing, when it left meanwhile.
 */
export const householdRemovalEffect: DecisionEffect = {
  deciders: ['APPROVER', 'ADMIN'],
  async apply(tx, decision, approver) {
    const reason = reasonOf(decision.details);
    const [locked] = await tx.$queryRaw<Array<{ status: string }>>`
      SELECT status::text AS status FROM beneficiary WHERE id = ${decision.subjectId}::uuid FOR UPDATE`;
    if (!locked || !(ENROLLED as readonly string[]).includes(locked.status)) throw refuse('household_not_enrolled');
    const household = await tx.beneficiary.update({
      where: { id: decision.subjectId },
      data: { status: 'REMOVED', leftAt: new Date() },
      select: { id: true, status: true, leftAt: true, applicationId: true },
    });
    await audit(tx, {
      actor: approver,
      action: 'household.removed',
      entityType: 'beneficiary',
      entityId: household.id,
      details: { reason, decisionId: decision.id, proposedBy: decision.proposedBy, previousStatus: locked.status },
    });
    return { result: { beneficiaryId: household.id, status: household.status, leftAt: household.leftAt, reason } };
  },
};

// The money decisions a second person approves (four-eyes.ts), by kind: who may approve one, and what it
// does once approved. A kind's effect runs in the approval's transaction and re-checks its evidence there,
// since the world may have changed since the proposal; what must happen after commit (waking a workflow)
// is returned as `after`.
import type { DecisionKind, MoneyDecision, Role } from '../../generated/prisma/client';
import { Prisma } from '../../lib/db';
import { personalData, type PersonalData } from '../../lib/personal-data';
import { accountChangesEffect } from './account-changes';
import type { ServiceContext } from './context';
import { breakResolutionEffect } from './break-resolutions';
import { approve, decline } from './four-eyes';
import { householdRemovalEffect } from './household-removal';
import { identityDisputeEffect } from './identity-disputes';
import { signOffEffect } from './sign-off';
import { statementUploadEffect } from './statement-upload';
import { notFound, Refusal } from './refusal';

type Tx = Prisma.TransactionClient;
type Ctx = Pick<ServiceContext, 'db' | 'temporal' | 'config' | 'log'>;

export interface DecisionEffect {
  /** Roles whose members may approve or decline (never the proposer). */
  deciders: readonly Role[];
  /** Carries the decision out, in the approval's transaction; returns what the caller is told. */
  /** `pd`: for an effect that shows a person's data (masked) in what it records. */
  apply(
    tx: Tx,
    decision: MoneyDecision,
    approver: string,
    pd: PersonalData,
  ): Promise<{ result: unknown; after?: (ctx: Ctx) => Promise<unknown> }>;
  /** What a refusal of the approval leads to, after its rollback (a stale sign-off asks for a new run). */
  whenRefused?(ctx: Ctx, refusal: Refusal): Promise<unknown>;
}

/** What each kind does, from the service that owns its subject. */
const EFFECTS: Record<DecisionKind, DecisionEffect> = {
  BREAK_RESOLUTION: breakResolutionEffect,
  SIGN_OFF: signOffEffect,
  STATEMENT_UPLOAD: statementUploadEffect,
  ACCOUNT_CHANGES: accountChangesEffect,
  IDENTITY_DISPUTE: identityDisputeEffect,
  HOUSEHOLD_REMOVAL: householdRemovalEffect,
};

async function effectOf(ctx: Ctx, id: string, role: Role): Promise<DecisionEffect> {
  const decision = await ctx.db.moneyDecision.findUnique({ where: { id }, select: { kind: true } });
  if (!decision) throw notFound('decision_not_found', 'id');
  const effect = EFFECTS[decision.kind];
  if (!effect.deciders.includes(role)) {
    throw new Refusal('role_not_allowed', { authorization: `a user with the role ${effect.deciders.join(' or ')} decides this` });
  }
  return effect;
}

/**
 * Runs again a transaction that lost a race (two people approving at once, a run touching the same rows):
 * under repeatable read PostgreSQL refuses it rather than act on what changed, and the new attempt sees
 * the change (the decision already taken is then refused as such).
 */
async function retryingConflicts<T>(work: () => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (err) {
      // P2034 from Prisma's own queries; from raw ones (P2010) the driver adapter's cause, PostgreSQL's 40001.
      const cause = (err as { meta?: { driverAdapterError?: { cause?: { originalCode?: string } } } }).meta?.driverAdapterError?.cause;
      const conflict = err instanceof Prisma.PrismaClientKnownRequestError && (err.code === 'P2034' || cause?.originalCode === '40001');
      if (!conflict || attempt >= attempts) throw err;
    }
  }
}

export async function approveDecision(ctx: Ctx, id: string, actor: { id: string; role: Role }): Promise<unknown> {
  const effect = await effectOf(ctx, id, actor.role);
  const pd = await personalData(ctx);
  try {
    const { result, after } = await retryingConflicts(() =>
      ctx.db.$transaction((tx) => approve(tx, id, actor.id, (decision) => effect.apply(tx, decision, actor.id, pd)), {
        // A sign-off freezes its report from one consistent picture of the cycle.
        isolationLevel: Prisma.TransactionIsolationLevel.RepeatableRead,
        timeout: 5 * 60_000,
      }),
    );
    await after?.(ctx);
    return result;
  } catch (err) {
    if (err instanceof Refusal) await effect.whenRefused?.(ctx, err);
    throw err;
  }
}

export async function declineDecision(ctx: Ctx, id: string, actor: { id: string; role: Role }, reason: string): Promise<MoneyDecision> {
  await effectOf(ctx, id, actor.role);
  return ctx.db.$transaction((tx) => decline(tx, id, actor.id, reason));
}

/** The decisions of a cycle (newest first), to show what waits for a second person. */
export const cycleDecisions = (ctx: Pick<Ctx, 'db'>, cycleId: string, status?: MoneyDecision['status']) =>
  ctx.db.moneyDecision.findMany({ where: { cycleId, ...(status ? { status } : {}) }, orderBy: { proposedAt: 'desc' }, take: 500 });

export interface PendingDecision {
  id: string;
  kind: DecisionKind;
  subjectId: string;
  details: Record<string, unknown>;
  proposedBy: string;
  proposer: string;
  proposedAt: Date;
}

/** Proposals as a page shows them: with their proposers' usernames. */
export async function withProposers(ctx: Pick<Ctx, 'db'>, open: MoneyDecision[]): Promise<PendingDecision[]> {
  const users = await ctx.db.user.findMany({ where: { id: { in: open.map((d) => d.proposedBy) } }, select: { id: true, username: true } });
  const name = new Map(users.map((u) => [u.id, u.username]));
  return open.map((d) => ({
    id: d.id,
    kind: d.kind,
    subjectId: d.subjectId,
    details: d.details as Record<string, unknown>,
    proposedBy: d.proposedBy,
    proposer: name.get(d.proposedBy) ?? 'an unknown user',
    proposedAt: d.proposedAt,
  }));
}

/** A cycle's proposals waiting for a second person, by what they decide on (a break, the cycle itself). */
export async function pendingBySubject(ctx: Pick<Ctx, 'db'>, cycleId: string): Promise<Map<string, PendingDecision>> {
  const open = await ctx.db.moneyDecision.findMany({ where: { cycleId, status: 'PROPOSED' } });
  return new Map((await withProposers(ctx, open)).map((d) => [d.subjectId, d]));
}

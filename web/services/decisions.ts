// The money decisions a second person approves (four-eyes.ts), by kind: who may approve one, and what it
// does once approved. A kind's effect runs in the approval's transaction and re-checks its evidence there,
// since the world may have changed since the proposal; what must happen after commit (waking a workflow)
// is returned as `after`.
import type { DecisionKind, MoneyDecision, Role } from '../../generated/prisma/client';
import type { Prisma } from '../../lib/db';
import { accountChangesEffect } from './account-changes';
import type { ServiceContext } from './context';
import { approve, decline } from './four-eyes';
import { notFound, Refusal } from './refusal';

type Tx = Prisma.TransactionClient;
type Ctx = Pick<ServiceContext, 'db' | 'temporal' | 'config' | 'log'>;

export interface DecisionEffect {
  /** Roles whose members may approve or decline (never the proposer). */
  deciders: readonly Role[];
  /** Carries the decision out, in the approval's transaction; returns what the caller is told. */
  apply(tx: Tx, decision: MoneyDecision, approver: string): Promise<{ result: unknown; after?: (ctx: Ctx) => Promise<unknown> }>;
}

/** What each kind does, from the service that owns its subject. */
const EFFECTS: Partial<Record<DecisionKind, DecisionEffect>> = {
  ACCOUNT_CHANGES: accountChangesEffect,
};

async function effectOf(ctx: Ctx, id: string, role: Role): Promise<DecisionEffect> {
  const decision = await ctx.db.moneyDecision.findUnique({ where: { id }, select: { kind: true } });
  if (!decision) throw notFound('decision_not_found', 'id');
  const effect = EFFECTS[decision.kind];
  if (!effect) throw new Error(`no effect registered for ${decision.kind} decisions`);
  if (!effect.deciders.includes(role)) {
    throw new Refusal('role_not_allowed', { authorization: `a user with the role ${effect.deciders.join(' or ')} decides this` });
  }
  return effect;
}

export async function approveDecision(ctx: Ctx, id: string, actor: { id: string; role: Role }): Promise<unknown> {
  const effect = await effectOf(ctx, id, actor.role);
  const { result, after } = await ctx.db.$transaction(
    (tx) => approve(tx, id, actor.id, (decision) => effect.apply(tx, decision, actor.id)),
    {
      timeout: 5 * 60_000,
    },
  );
  await after?.(ctx);
  return result;
}

export async function declineDecision(ctx: Ctx, id: string, actor: { id: string; role: Role }, reason: string): Promise<MoneyDecision> {
  await effectOf(ctx, id, actor.role);
  return ctx.db.$transaction((tx) => decline(tx, id, actor.id, reason));
}

/** The decisions of a cycle (newest first), to show what waits for a second person. */
export const cycleDecisions = (ctx: Pick<Ctx, 'db'>, cycleId: string, status?: MoneyDecision['status']) =>
  ctx.db.moneyDecision.findMany({ where: { cycleId, ...(status ? { status } : {}) }, orderBy: { proposedAt: 'desc' }, take: 500 });

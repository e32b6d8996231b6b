// Payment cycles, shared by the JSON API and the admin pages: one person prepares (control totals per
// rail), another approves them (the envelope), then launch; pause, resume and cancel while it runs.
// Every action is audited; the workflow is told by a signal after the database records the request.
// A re-issue that changes households' accounts is approved only after those changes are (account-changes.ts),
// and a cycle whose reconciliation is signed off is never approved or launched again.
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/client';
import Decimal from 'decimal.js';
import { audit } from '../../lib/audit';
import { Prisma } from '../../lib/db';
import { entitlementAmount } from '../../domain/entitlement';
import { formatAmount, money } from '../../domain/money';
import type { CycleApprovalInput } from '../../schema/cycle';
import { cancelCycleSignal, pauseCycleSignal, resumeCycleSignal } from '../../workflows/definitions';
import { paymentCycleWorkflowId } from '../../workflows/ids';
import { requireAccountChangesApproved } from './account-changes';
import type { ServiceContext } from './context';
import { decline } from './four-eyes';
import { notFound, refuse } from './refusal';
import { isUuid } from '../../schema/fields';

type Ctx = Pick<ServiceContext, 'db' | 'temporal' | 'config' | 'log'>;
export interface RailTotals {
  rail: 'BANK' | 'WALLET';
  count: number;
  amount: string;
}

export async function findCycle(ctx: Pick<Ctx, 'db'>, id: string) {
  const cycle = isUuid(id) ? await ctx.db.paymentCycle.findUnique({ where: { id }, include: { program: true } }) : null;
  if (!cycle) throw notFound('cycle_not_found', 'id');
  return cycle;
}

/** The control totals a cycle would instruct now: households by rail and number of dependants, times the entitlement. */
export async function previewRegular(ctx: Pick<Ctx, 'db'>, programId: string): Promise<RailTotals[]> {
  const program = await ctx.db.program.findUniqueOrThrow({ where: { id: programId } });
  const rules = {
    currency: program.currency,
    baseAmount: program.baseAmount.toString(),
    amountPerDependant: program.amountPerDependant.toString(),
    capPerHousehold: program.capPerHousehold?.toString() ?? null,
  };
  const groups = await ctx.db.$queryRaw<Array<{ rail: 'BANK' | 'WALLET'; dependants: number; households: number }>>`
    SELECT pa.rail::text AS rail, b.dependants, count(*)::int AS households
      FROM beneficiary b JOIN payment_account pa ON pa.id = b.payment_account_id
     WHERE b.program_id = ${programId}::uuid AND b.status = 'ACTIVE' GROUP BY 1, 2`;
  return (['BANK', 'WALLET'] as const).map((rail) => {
    const mine = groups.filter((g) => g.rail === rail);
    const amount = mine.reduce(
      (sum, g) => sum.plus(new Decimal(entitlementAmount(rules, g.dependants)).times(g.households)),
      new Decimal(0),
    );
    return { rail, count: mine.reduce((n, g) => n + g.households, 0), amount: formatAmount(money(amount, program.currency)) };
  });
}

export const totalOf = (rails: RailTotals[], currency: string) => ({
  count: rails.reduce((n, r) => n + r.count, 0),
  amount: formatAmount(
    money(
      rails.reduce((s, r) => s.plus(r.amount), new Decimal(0)),
      currency,
    ),
  ),
});

export async function prepareCycle(ctx: Ctx, programCode: string, userId: string) {
  const program = await ctx.db.program.findUnique({ where: { code: programCode } });
  if (!program) throw notFound('program_not_found', 'code');
  const open = await ctx.db.paymentCycle.findFirst({
    where: { programId: program.id, kind: 'REGULAR', status: { in: ['DRAFT', 'APPROVED', 'RUNNING', 'PAUSED'] } },
  });
  if (open) throw refuse('open_cycle_exists');
  const byRail = await previewRegular(ctx, program.id);
  const total = totalOf(byRail, program.currency);
  try {
    return await ctx.db.$transaction(async (tx) => {
      const last = await tx.paymentCycle.findFirst({
        where: { programId: program.id },
        orderBy: { number: 'desc' },
        select: { number: true },
      });
      const c = await tx.paymentCycle.create({
        data: {
          programId: program.id,
          number: (last?.number ?? 0) + 1,
          currency: program.currency,
          preparedBy: userId,
          previewCount: total.count,
          previewAmount: total.amount,
          previewByRail: byRail as unknown as Prisma.InputJsonArray,
        },
      });
      await audit(tx, {
        actor: userId,
        action: 'cycle.prepared',
        entityType: 'payment_cycle',
        entityId: c.id,
        details: { previewCount: total.count, previewAmount: total.amount },
      });
      return c;
    });
  } catch (err) {
    if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002') throw refuse('open_cycle_exists');
    throw err;
  }
}

/** Signed off, a cycle's reconciliation is final: paying it now would be money its report never shows. */
async function refuseSignedOff(db: Ctx['db'], cycleId: string): Promise<void> {
  if (await db.cycleSignOff.findUnique({ where: { cycleId }, select: { cycleId: true } })) throw refuse('cycle_signed_off');
}

export async function approveCycle(ctx: Ctx, id: string, userId: string, input: CycleApprovalInput) {
  const cycle = await findCycle(ctx, id);
  if (cycle.preparedBy === userId) throw refuse('maker_cannot_approve');
  await refuseSignedOff(ctx.db, cycle.id);
  if (cycle.kind === 'REISSUE') await requireAccountChangesApproved(ctx.db, cycle.id);
  // The approver restates the totals they reviewed; a mismatch means they looked at something else.
  const amount = (v: { toString(): string }) => formatAmount(money(v.toString(), cycle.currency));
  if (input.approvedCount !== cycle.previewCount || !cycle.previewAmount.equals(input.approvedAmount)) {
    throw refuse('control_totals_mismatch', {
      approvedCount: `expected ${cycle.previewCount}`,
      approvedAmount: `expected ${amount(cycle.previewAmount)}`,
    });
  }
  if (cycle.kind === 'REGULAR' && cycle.program.budgetPerCycle && cycle.previewAmount.greaterThan(cycle.program.budgetPerCycle)) {
    throw refuse('budget_exceeded', {
      approvedAmount: `the program's budget per cycle is ${amount(cycle.program.budgetPerCycle)}`,
    });
  }
  return ctx.db.$transaction(async (tx) => {
    const updated = await tx.paymentCycle.updateMany({
      where: { id: cycle.id, status: 'DRAFT' },
      data: {
        status: 'APPROVED',
        approvedBy: userId,
        approvedAt: new Date(),
        approvedCount: input.approvedCount,
        approvedAmount: input.approvedAmount,
      },
    });
    if (updated.count !== 1) throw refuse('cycle_not_draft');
    await audit(tx, { actor: userId, action: 'cycle.approved', entityType: 'payment_cycle', entityId: cycle.id, details: { ...input } });
    return tx.paymentCycle.findUniqueOrThrow({ where: { id: cycle.id }, include: { program: true } });
  });
}

export async function launchCycle(ctx: Ctx, id: string, userId: string): Promise<string> {
  const cycle = await findCycle(ctx, id);
  if (!['APPROVED', 'RUNNING', 'PAUSED'].includes(cycle.status)) throw refuse('cycle_not_approved');
  await refuseSignedOff(ctx.db, cycle.id);
  try {
    await ctx.temporal.workflow.start('PaymentCycleWorkflow', {
      workflowId: paymentCycleWorkflowId(cycle.id),
      taskQueue: ctx.config.TEMPORAL_TASK_QUEUE,
      args: [{ cycleId: cycle.id }],
    });
    await audit(ctx.db, { actor: userId, action: 'cycle.launched', entityType: 'payment_cycle', entityId: cycle.id });
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
  }
  return paymentCycleWorkflowId(cycle.id);
}

/**
 * Withdraws a cycle not yet approved: nothing was instructed, so nothing moves. A re-issue's chosen payments
 * are free to be chosen again (their items go: they never took effect), and what waited for a second person
 * about it (its account changes) is declined with it. This is the way on after declined account changes.
 */
async function withdrawDraft(ctx: Ctx, cycle: { id: string; kind: string }, userId: string): Promise<void> {
  await ctx.db.$transaction(async (tx) => {
    const moved = await tx.paymentCycle.updateMany({
      where: { id: cycle.id, status: 'DRAFT' },
      data: { status: 'CANCELLED', completedAt: new Date() },
    });
    if (moved.count !== 1) throw refuse('cycle_not_draft');
    const released = cycle.kind === 'REISSUE' ? (await tx.reissueItem.deleteMany({ where: { reissueCycleId: cycle.id } })).count : 0;
    for (const open of await tx.moneyDecision.findMany({ where: { cycleId: cycle.id, status: 'PROPOSED' } })) {
      await decline(tx, open.id, userId, 'the cycle was withdrawn before approval');
    }
    await audit(tx, { actor: userId, action: 'cycle.withdrawn', entityType: 'payment_cycle', entityId: cycle.id, details: { released } });
  });
}

/**
 * Pause, resume or cancel a running cycle: audited, then signalled. Batches already sent finish either way.
 * Cancelling a cycle still waiting for approval withdraws it.
 */
export async function controlCycle(ctx: Ctx, id: string, userId: string, action: 'pause' | 'resume' | 'cancel'): Promise<void> {
  const cycle = await findCycle(ctx, id);
  if (action === 'cancel' && cycle.status === 'DRAFT') return withdrawDraft(ctx, cycle, userId);
  if (!['RUNNING', 'PAUSED'].includes(cycle.status)) throw refuse('cycle_not_running');
  const handle = ctx.temporal.workflow.getHandle(paymentCycleWorkflowId(cycle.id));
  // The row may say running while its workflow has ended (it finished a moment ago, or was stopped from
  // Temporal): nothing would hear the signal, so the request is refused rather than recorded.
  const running = await handle.describe().then(
    (d) => d.status.name === 'RUNNING',
    (err: unknown) => {
      if (err instanceof WorkflowNotFoundError) return false;
      throw err;
    },
  );
  if (!running) throw refuse('cycle_not_running');
  await audit(ctx.db, { actor: userId, action: `cycle.${action}_requested`, entityType: 'payment_cycle', entityId: cycle.id });
  const signal = { pause: pauseCycleSignal, resume: resumeCycleSignal, cancel: cancelCycleSignal }[action];
  await handle.signal(signal);
}

// Payment cycles: one person prepares (maker), another approves the control totals (checker), then launch.
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { audit } from '../../lib/audit';
import { Prisma } from '../../lib/db';
import { formatAmount, money } from '../../domain/money';
import { CycleApprovalInput } from '../../schema/cycle';
import { parseInput } from '../../schema/fields';
import { paymentCycleWorkflowId, reconciliationWorkflowId } from '../../workflows/ids';
import { requireRole, signedIn } from '../auth';
import type { WebContext } from '../context';
import { badRequest, HttpError, notFound } from '../errors';

/** Amounts leave the API as exact decimal strings in the currency's minor units ("600.00"). */
const amount = (value: { toString(): string } | null | undefined, currency: string) => formatAmount(money((value ?? 0).toString(), currency));

export function cycleRoutes(app: FastifyInstance, ctx: WebContext): void {
  const { db, temporal } = ctx;
  const findCycle = async (id: string) => {
    const cycle = /^[0-9a-f-]{36}$/.test(id) ? await db.paymentCycle.findUnique({ where: { id } }) : null;
    if (!cycle) throw notFound('cycle');
    return cycle;
  };

  app.post<{ Params: { code: string } }>('/api/v1/programs/:code/cycles', { preHandler: requireRole(db, 'ADMIN') }, async (request, reply) => {
    const user = signedIn(request);
    const program = await db.program.findUnique({ where: { code: request.params.code } });
    if (!program) throw notFound('program');
    const open = await db.paymentCycle.findFirst({ where: { programId: program.id, status: { in: ['DRAFT', 'APPROVED', 'RUNNING'] } } });
    if (open) throw new HttpError(409, 'open_cycle_exists');
    const previewCount = await db.beneficiary.count({ where: { programId: program.id, status: 'ACTIVE' } });
    try {
      const cycle = await db.$transaction(async (tx) => {
        const last = await tx.paymentCycle.findFirst({ where: { programId: program.id }, orderBy: { number: 'desc' }, select: { number: true } });
        const c = await tx.paymentCycle.create({
          data: { programId: program.id, number: (last?.number ?? 0) + 1, currency: program.currency, preparedBy: user.id, previewCount, previewAmount: program.baseAmount.times(previewCount) },
        });
        await audit(tx, { actor: user.id, action: 'cycle.prepared', entityType: 'payment_cycle', entityId: c.id, details: { previewCount } });
        return c;
      });
      return reply.code(201).send(view(cycle));
    } catch (err) {
      if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002') throw new HttpError(409, 'open_cycle_exists');
      throw err;
    }
  });

  app.post<{ Params: { id: string } }>('/api/v1/cycles/:id/approve', { preHandler: requireRole(db, 'APPROVER') }, async (request) => {
    const user = signedIn(request);
    const parsed = parseInput(CycleApprovalInput, request.body);
    if (!parsed.ok) throw badRequest(parsed.fields);
    const cycle = await findCycle(request.params.id);
    if (cycle.preparedBy === user.id) throw new HttpError(403, 'maker_cannot_approve');
    // The approver restates the totals they reviewed; a mismatch means they looked at something else.
    if (parsed.value.approvedCount !== cycle.previewCount || !cycle.previewAmount.equals(parsed.value.approvedAmount)) {
      throw new HttpError(409, 'control_totals_mismatch', { approvedCount: `expected ${cycle.previewCount}`, approvedAmount: `expected ${amount(cycle.previewAmount, cycle.currency)}` });
    }
    const approved = await db.$transaction(async (tx) => {
      const updated = await tx.paymentCycle.updateMany({
        where: { id: cycle.id, status: 'DRAFT' },
        data: { status: 'APPROVED', approvedBy: user.id, approvedAt: new Date(), approvedCount: parsed.value.approvedCount, approvedAmount: parsed.value.approvedAmount },
      });
      if (updated.count !== 1) throw new HttpError(409, 'cycle_not_draft');
      await audit(tx, { actor: user.id, action: 'cycle.approved', entityType: 'payment_cycle', entityId: cycle.id, details: { ...parsed.value } });
      return tx.paymentCycle.findUniqueOrThrow({ where: { id: cycle.id } });
    });
    return view(approved);
  });

  app.post<{ Params: { id: string } }>('/api/v1/cycles/:id/launch', { preHandler: requireRole(db, 'ADMIN', 'APPROVER') }, async (request, reply) => {
    const user = signedIn(request);
    const cycle = await findCycle(request.params.id);
    if (cycle.status !== 'APPROVED' && cycle.status !== 'RUNNING') throw new HttpError(409, 'cycle_not_approved');
    try {
      await temporal.workflow.start('PaymentCycleWorkflow', { workflowId: paymentCycleWorkflowId(cycle.id), taskQueue: ctx.config.TEMPORAL_TASK_QUEUE, args: [{ cycleId: cycle.id }] });
      await audit(db, { actor: user.id, action: 'cycle.launched', entityType: 'payment_cycle', entityId: cycle.id });
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    }
    return reply.code(202).send({ id: cycle.id, workflowId: paymentCycleWorkflowId(cycle.id) });
  });

  app.get<{ Params: { id: string } }>('/api/v1/cycles/:id', { preHandler: requireRole(db, 'ADMIN', 'APPROVER', 'FINANCE') }, async (request) => {
    const cycle = await findCycle(request.params.id);
    const [instructions, batches, reconciliation] = await Promise.all([
      db.paymentInstruction.groupBy({ by: ['status'], where: { cycleId: cycle.id }, _count: true, _sum: { amount: true } }),
      db.paymentBatch.groupBy({ by: ['status'], where: { cycleId: cycle.id }, _count: true }),
      db.reconciliationRun.findFirst({ where: { cycleId: cycle.id, status: 'COMPLETED' }, orderBy: { finishedAt: 'desc' } }),
    ]);
    return {
      ...view(cycle),
      instructions: Object.fromEntries(instructions.map((i) => [i.status, { count: i._count, amount: amount(i._sum.amount, cycle.currency) }])),
      batches: Object.fromEntries(batches.map((b) => [b.status, b._count])),
      reconciliation: reconciliation && {
        runId: reconciliation.id, finishedAt: reconciliation.finishedAt,
        instructed: { count: reconciliation.instructedCount, amount: amount(reconciliation.instructedAmount, cycle.currency) },
        matched: { count: reconciliation.matchedCount, amount: amount(reconciliation.matchedAmount, cycle.currency) },
        failed: { count: reconciliation.failedCount, amount: amount(reconciliation.failedAmount, cycle.currency) },
        pending: { count: reconciliation.pendingCount, amount: amount(reconciliation.pendingAmount, cycle.currency) },
        breaks: { count: reconciliation.breakCount, amount: amount(reconciliation.breakAmount, cycle.currency) },
        statement: { count: reconciliation.statementCount, amount: amount(reconciliation.statementAmount, cycle.currency) },
      },
    };
  });

  app.post<{ Params: { id: string } }>('/api/v1/cycles/:id/reconciliations', { preHandler: requireRole(db, 'FINANCE') }, async (request, reply) => {
    const user = signedIn(request);
    const cycle = await findCycle(request.params.id);
    const workflowId = reconciliationWorkflowId(cycle.id, `manual-${Date.now()}`);
    await temporal.workflow.start('ReconciliationWorkflow', { workflowId, taskQueue: ctx.config.TEMPORAL_TASK_QUEUE, args: [{ cycleId: cycle.id }] });
    await audit(db, { actor: user.id, action: 'reconciliation.requested', entityType: 'payment_cycle', entityId: cycle.id, details: { workflowId } });
    return reply.code(202).send({ workflowId });
  });
}

type CycleRow = Awaited<ReturnType<WebContext['db']['paymentCycle']['findUniqueOrThrow']>>;
function view(c: CycleRow) {
  return {
    id: c.id, number: c.number, status: c.status, currency: c.currency,
    preview: { count: c.previewCount, amount: amount(c.previewAmount, c.currency) },
    approved: c.approvedCount === null ? null : { count: c.approvedCount, amount: amount(c.approvedAmount, c.currency) },
    instructed: c.instructedCount === null ? null : { count: c.instructedCount, amount: amount(c.instructedAmount, c.currency) },
    preparedBy: c.preparedBy, approvedBy: c.approvedBy, failureReason: c.failureReason,
  };
}

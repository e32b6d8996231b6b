// Asks for a reconciliation run of a cycle now: the cycle's watch workflow receives the request, and is
// started if it is not running (signal-with-start), so a request is never lost and runs never overlap.
// Only a cycle that has finished paying is reconciled on request: before that there is nothing final to
// match, and its own end reconciles it.
import type { ServiceContext } from './context';
import { reconciliationWatchWorkflowId } from '../../workflows/ids';
import { refuse } from './refusal';
import type { CycleStatus } from '../../generated/prisma/client';

const FINISHED: CycleStatus[] = ['COMPLETED', 'CANCELLED'];

/** A person's request: refused (409) for a cycle that has not finished paying, e.g. one never launched. */
export function requestReconciliationOf(ctx: Pick<ServiceContext, 'temporal' | 'config'>, cycle: { id: string; status: string }) {
  if (!FINISHED.includes(cycle.status as CycleStatus))
    throw refuse('cycle_not_finished', { id: `the cycle is ${cycle.status.toLowerCase()}` });
  return requestReconciliation(ctx, cycle.id, 'on-demand');
}

/** New evidence (an uploaded statement) for these cycles: those that finished are reconciled again. */
export async function reconcileFinished(ctx: Pick<ServiceContext, 'db' | 'temporal' | 'config'>, cycleIds: string[], trigger: string) {
  const finished = await ctx.db.paymentCycle.findMany({ where: { id: { in: cycleIds }, status: { in: FINISHED } } });
  for (const cycle of finished) await requestReconciliation(ctx, cycle.id, trigger);
}

export async function requestReconciliation(
  ctx: Pick<ServiceContext, 'temporal' | 'config'>,
  cycleId: string,
  trigger: string,
): Promise<string> {
  const workflowId = reconciliationWatchWorkflowId(cycleId);
  await ctx.temporal.workflow.signalWithStart('ReconciliationWatchWorkflow', {
    workflowId,
    taskQueue: ctx.config.TEMPORAL_TASK_QUEUE,
    args: [{ cycleId, pending: [] }],
    signal: 'reconcile',
    signalArgs: [{ trigger }],
  });
  return workflowId;
}

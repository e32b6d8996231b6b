// Asks for a reconciliation run of a cycle now: the cycle's watch workflow receives the request, and is
// started if it is not running (signal-with-start), so a request is never lost and runs never overlap.
import type { ServiceContext } from './context';
import { reconciliationWatchWorkflowId } from '../../workflows/ids';

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

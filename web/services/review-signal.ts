// How the web tells an application's review workflow that something happened (an appeal filed, a reviewer's
// decision, another account given): signal-with-start, so a workflow that never started (Temporal was
// unreachable when it should have) is started by the next action on the case. The news is recorded in
// PostgreSQL first; a signal that is lost only delays the case until the workflow's periodic check.
import type { ReviewKind } from '../../domain/review-kinds';
import type { SignalDefinition } from '@temporalio/client';
import { applicationReviewWorkflowId } from '../../workflows/ids';
import type { ServiceContext } from './context';

export async function signalReview(
  ctx: Pick<ServiceContext, 'temporal' | 'log' | 'config'>,
  applicationId: string,
  kind: ReviewKind,
  signal: SignalDefinition,
  /** What is logged if the signal is lost (no personal data: the application's ID is added). */
  whenLost: string,
): Promise<void> {
  await ctx.temporal.workflow
    .signalWithStart('ApplicationReviewWorkflow', {
      workflowId: applicationReviewWorkflowId(applicationId, kind),
      taskQueue: ctx.config.TEMPORAL_TASK_QUEUE,
      args: [{ applicationId, kind }],
      signal,
    })
    .catch((err: Error) => ctx.log.warn(whenLost, { applicationId, error: err.name }));
}

// Starts the ApplicationWorkflow of an accepted application. Starting twice is harmless:
// the workflow ID is derived from the application ID and Temporal refuses a second run.
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { Job } from 'bullmq';
import { applicationWorkflowId } from '../workflows/ids';
import type { IntakeJob } from '../lib/queues';

export function createIntakeProcessor(deps: { temporal: Client; taskQueue: string }) {
  return async (job: Job<IntakeJob>): Promise<'started' | 'already-started'> => {
    const { applicationId } = job.data;
    try {
      await deps.temporal.workflow.start('ApplicationWorkflow', {
        workflowId: applicationWorkflowId(applicationId),
        taskQueue: deps.taskQueue,
        args: [{ applicationId }],
      });
      return 'started';
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) return 'already-started';
      throw err;
    }
  };
}

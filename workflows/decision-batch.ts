// DecisionBatchWorkflow: decides a batch of applications (claimed by a dispatcher, workers/decision-dispatcher.ts)
// with one registry search, the rules in code and deduplication in SQL, then starts a review workflow for
// each case that needs a person. Its input and state are the batch's ID and counts: applications live in
// PostgreSQL, and deciding a batch twice changes nothing.
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { ParentClosePolicy, proxyActivities, startChild } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { DecisionBatchSummary } from '../activities/decision-batch';
import { databaseStep, externalCall } from './activity-options';
import { ApplicationReviewWorkflow } from './application-review';
import { applicationReviewWorkflowId } from './ids';
import { REVIEW_STARTS_AT_ONCE } from './settings';

const { verifyBatch } = proxyActivities<Activities>(externalCall);
const { decideBatch, notifyBatch, finishDecisionBatch } = proxyActivities<Activities>(databaseStep);

export interface DecisionBatchInput {
  batchId: string;
}

export async function DecisionBatchWorkflow({ batchId }: DecisionBatchInput): Promise<DecisionBatchSummary> {
  await verifyBatch(batchId);
  const { toReview } = await decideBatch(batchId);
  // A review outlives the batch (a person may take days): abandoned, not cancelled, when this one ends.
  for (let i = 0; i < toReview.length; i += REVIEW_STARTS_AT_ONCE) {
    await Promise.all(toReview.slice(i, i + REVIEW_STARTS_AT_ONCE).map(startReview));
  }
  await notifyBatch(batchId);
  return finishDecisionBatch(batchId);
}

async function startReview(applicationId: string): Promise<void> {
  try {
    await startChild(ApplicationReviewWorkflow, {
      workflowId: applicationReviewWorkflowId(applicationId, 'DUPLICATE'),
      args: [{ applicationId, kind: 'DUPLICATE' }],
      parentClosePolicy: ParentClosePolicy.ABANDON,
    });
  } catch (err) {
    // A reviewer was quicker (deciding starts the workflow too): the case has its workflow.
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
  }
}

// DecisionBatchWorkflow: decides a batch of applications (claimed by a dispatcher, workers/decision-dispatcher.ts)
// with one registry search, one account check per rail, the rules in code and deduplication in SQL, then
// starts a review workflow for each case that needs a person (a reviewer, or the applicant's account).
// Its input and state are the batch's ID and counts: applications live in PostgreSQL, and deciding a
// batch twice changes nothing.
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { ParentClosePolicy, patched, proxyActivities, startChild } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { DecisionBatchSummary } from '../activities/decision-batch';
import type { ReviewKind } from '../domain/review-kinds';
import { databaseStep, externalCall } from './activity-options';
import { ApplicationReviewWorkflow } from './application-review';
import { applicationReviewWorkflowId } from './ids';
import { REVIEW_STARTS_AT_ONCE } from './settings';

const { verifyBatch, checkBatchAccounts } = proxyActivities<Activities>(externalCall);
const { decideBatch, notifyBatch, finishDecisionBatch } = proxyActivities<Activities>(databaseStep);

export interface DecisionBatchInput {
  batchId: string;
}

export async function DecisionBatchWorkflow({ batchId }: DecisionBatchInput): Promise<DecisionBatchSummary> {
  await verifyBatch(batchId);
  // Batches started before accounts were checked replay without the step (and are decided as before).
  if (patched('check-batch-accounts')) await checkBatchAccounts(batchId);
  const { toReview, accountReview = [] } = await decideBatch(batchId);
  const reviews = [...toReview.map((id) => [id, 'DUPLICATE'] as const), ...accountReview.map((id) => [id, 'ACCOUNT'] as const)];
  // A review outlives the batch (a person may take days): abandoned, not cancelled, when this one ends.
  for (let i = 0; i < reviews.length; i += REVIEW_STARTS_AT_ONCE) {
    await Promise.all(reviews.slice(i, i + REVIEW_STARTS_AT_ONCE).map(([id, kind]) => startReview(id, kind)));
  }
  await notifyBatch(batchId);
  return finishDecisionBatch(batchId);
}

async function startReview(applicationId: string, kind: ReviewKind): Promise<void> {
  try {
    await startChild(ApplicationReviewWorkflow, {
      workflowId: applicationReviewWorkflowId(applicationId, kind),
      args: [{ applicationId, kind }],
      parentClosePolicy: ParentClosePolicy.ABANDON,
    });
  } catch (err) {
    // A reviewer was quicker (deciding starts the workflow too): the case has its workflow.
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
  }
}

// Workflow IDs are derived from domain IDs, so starting the same work twice finds the running one.
import type { ReviewKind } from '../domain/review-kinds';
export const decisionBatchWorkflowId = (batchId: string) => `decision-batch-${batchId}`;
export const applicationReviewWorkflowId = (applicationId: string, kind: ReviewKind) =>
  `application-review-${applicationId}-${kind.toLowerCase()}`;
export const paymentCycleWorkflowId = (cycleId: string) => `payment-cycle-${cycleId}`;
export const disbursementBatchWorkflowId = (cycleId: string, seq: number) => `disbursement-batch-${cycleId}-${seq}`;
export const reconciliationWorkflowId = (cycleId: string, trigger: string) => `reconciliation-${cycleId}-${trigger}`;
export const reconciliationWatchWorkflowId = (cycleId: string) => `reconciliation-watch-${cycleId}`;

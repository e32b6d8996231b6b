// Every workflow the worker registers (the bundle's entry point).
export { DecisionBatchWorkflow } from './decision-batch';
export { ApplicationReviewWorkflow } from './application-review';
export { PaymentCycleWorkflow } from './payment-cycle';
export { DisbursementBatchWorkflow } from './disbursement-batch';
export { ReconciliationWorkflow } from './reconciliation';
export { ReconciliationWatchWorkflow } from './reconciliation-watch';
export { RetentionWorkflow } from './retention';

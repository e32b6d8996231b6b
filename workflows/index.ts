// Every workflow the worker registers (the bundle's entry point).
export { ApplicationWorkflow } from './application';
export { PaymentCycleWorkflow } from './payment-cycle';
export { DisbursementBatchWorkflow } from './disbursement-batch';
export { ReconciliationWorkflow } from './reconciliation';
export { ReconciliationWatchWorkflow } from './reconciliation-watch';

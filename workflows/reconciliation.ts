// ReconciliationWorkflow: import the rails' statements (bank camt.053, wallet settlement), then match it against the cycle's instructions.
// Each run stores its own result; running it again on the same data gives the same totals.
import { proxyActivities, uuid4 } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { ReconciliationSummary } from '../activities/reconciliation';
import { cycleScan } from './activity-options';

const { importStatements, reconcileCycle } = proxyActivities<Activities>(cycleScan);

export async function ReconciliationWorkflow(input: { cycleId: string }): Promise<ReconciliationSummary> {
  await importStatements(input.cycleId);
  // uuid4() is deterministic in workflows: a retried activity writes to the same run.
  return reconcileCycle(input.cycleId, uuid4());
}

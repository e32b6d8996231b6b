// ReconciliationWorkflow: one reconciliation run of a cycle. Asks the rails again for their word on every
// payment not yet final at the rail (pain.002 / wallet batch), imports their statements (camt.053 / wallet
// settlement), then matches the three sources. Running it again on the same data gives the same result.
// When it runs is the watch's business (workflows/reconciliation-watch.ts).
import { proxyActivities, uuid4 } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { ReconciliationSummary } from '../activities/reconciliation';
import { cycleScan } from './activity-options';
import { SETTLEMENT_DEADLINE_MS } from './settings';

const { importRailReports, importStatements, reconcileCycle } = proxyActivities<Activities>(cycleScan);

export interface ReconciliationInput {
  cycleId: string;
  /** What asked for this run (cycle-end, statement, upload, on-demand), recorded on the run. */
  trigger?: string;
  /** Skip the matching when neither the rails nor their statements said anything new (the watch's polls). */
  onlyIfChanged?: boolean;
  settlementDeadlineMs?: number;
}

export async function ReconciliationWorkflow(input: ReconciliationInput): Promise<ReconciliationSummary | null> {
  const rails = await importRailReports(input.cycleId);
  const statements = await importStatements(input.cycleId);
  if (input.onlyIfChanged && rails.changed === 0 && statements.imported === 0) return null;
  // uuid4() is deterministic in workflows: a retried activity writes to the same run.
  return reconcileCycle({
    cycleId: input.cycleId,
    runId: uuid4(),
    trigger: input.trigger ?? 'cycle-end',
    settlementDeadlineMs: input.settlementDeadlineMs ?? SETTLEMENT_DEADLINE_MS,
  });
}

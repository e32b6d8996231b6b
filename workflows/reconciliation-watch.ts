// ReconciliationWatchWorkflow: keeps a finished cycle reconciled until finance signs it off. Banks send
// statements daily and rails settle late, so it polls the rails every RECONCILIATION_POLL_MS (a run that
// finds nothing new stops before matching), and runs at once when asked: a statement file uploaded, a
// request from finance (signal `reconcile`, sent with signal-with-start so the watch need not be running).
// One watch per cycle (its ID), so two runs of the same cycle never overlap.
import { condition, continueAsNew, executeChild, proxyActivities, setHandler, uuid4 } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { databaseStep } from './activity-options';
import { reconcileSignal } from './definitions';
import { reconciliationWorkflowId } from './ids';
import { ReconciliationWorkflow } from './reconciliation';
import { RECONCILIATION_POLL_MS, RECONCILIATION_WATCH_MS, WATCH_POLLS_PER_RUN } from './settings';

const { isCycleClosed } = proxyActivities<Activities>(databaseStep);

export interface ReconciliationWatchInput {
  cycleId: string;
  pollIntervalMs?: number;
  settlementDeadlineMs?: number;
  /** When the watch ends (epoch ms); set on the first run and carried over continue-as-new. */
  until?: number;
  /** Requests received and not yet served, carried over continue-as-new. */
  pending?: string[];
}

export async function ReconciliationWatchWorkflow(input: ReconciliationWatchInput): Promise<void> {
  const { cycleId } = input;
  const until = input.until ?? Date.now() + RECONCILIATION_WATCH_MS;
  const requests = [...(input.pending ?? [])];
  setHandler(reconcileSignal, ({ trigger }) => void requests.push(trigger));
  for (let polls = 0; polls < WATCH_POLLS_PER_RUN; polls++) {
    if (requests.length === 0) await condition(() => requests.length > 0, input.pollIntervalMs ?? RECONCILIATION_POLL_MS);
    if (await isCycleClosed(cycleId)) return;
    const asked = [...new Set(requests.splice(0))];
    await executeChild(ReconciliationWorkflow, {
      workflowId: reconciliationWorkflowId(cycleId, uuid4()),
      args: [
        {
          cycleId,
          trigger: asked.length ? asked.join(',') : 'statement',
          onlyIfChanged: asked.length === 0,
          settlementDeadlineMs: input.settlementDeadlineMs,
        },
      ],
    });
    if (Date.now() >= until && requests.length === 0) return;
  }
  await continueAsNew<typeof ReconciliationWatchWorkflow>({ ...input, until, pending: requests });
}

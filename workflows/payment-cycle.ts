// PaymentCycleWorkflow: snapshot the enrolled beneficiaries, check the approved envelope, run the
// disbursement batches through a sliding window of child workflows, then reconcile.
// Built for a million beneficiaries: state is counters; instructions are paged in activities; the run
// continues as new every BATCHES_PER_RUN batches so its history stays small.
import { continueAsNew, executeChild, proxyActivities, setHandler } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { ReconciliationSummary } from '../activities/reconciliation';
import { cycleScan, databaseStep } from './activity-options';
import { cycleProgressQuery, type CycleProgress } from './definitions';
import { DisbursementBatchWorkflow, type DisbursementBatchInput } from './disbursement-batch';
import { disbursementBatchWorkflowId, reconciliationWorkflowId } from './ids';
import { ReconciliationWorkflow } from './reconciliation';
import { BATCH_WINDOW, BATCHES_PER_RUN } from './settings';

const { startCycle, checkControlTotals, completeCycle, failCycle } = proxyActivities<Activities>(databaseStep);
const { snapshotCycle } = proxyActivities<Activities>(cycleScan);

export interface PaymentCycleInput {
  cycleId: string;
  /** Batch workflow overrides (tests, drills). */
  batch?: Pick<DisbursementBatchInput, 'pollIntervalMs' | 'settlementDeadlineMs'>;
  /** Override of BATCHES_PER_RUN (tests exercise continue-as-new with a few small batches). */
  batchesPerRun?: number;
  /** Set by continue-as-new: the next batch to start and the progress so far. */
  resume?: { nextSeq: number; progress: CycleProgress };
}

export interface PaymentCycleResult {
  progress: CycleProgress;
  reconciliation?: ReconciliationSummary;
  failureReason?: string;
}

export async function PaymentCycleWorkflow(input: PaymentCycleInput): Promise<PaymentCycleResult> {
  const { cycleId } = input;
  const progress: CycleProgress = input.resume?.progress ?? { phase: 'starting', batchCount: 0, batchesDone: 0, paid: 0, failed: 0, needsAttention: 0 };
  setHandler(cycleProgressQuery, () => progress);

  if (!input.resume) {
    await startCycle(cycleId);
    progress.phase = 'snapshot';
    progress.batchCount = (await snapshotCycle(cycleId)).batchCount;
    const envelope = await checkControlTotals(cycleId);
    if (!envelope.withinEnvelope) {
      const failureReason = envelope.reason ?? 'OUTSIDE_ENVELOPE';
      await failCycle(cycleId, failureReason);
      progress.phase = 'failed';
      return { progress, failureReason };
    }
  }

  progress.phase = 'disbursing';
  const firstSeq = input.resume?.nextSeq ?? 1;
  const lastSeq = Math.min(progress.batchCount, firstSeq + (input.batchesPerRun ?? BATCHES_PER_RUN) - 1);
  const running = new Set<Promise<void>>();
  for (let seq = firstSeq; seq <= lastSeq; seq++) {
    if (running.size >= BATCH_WINDOW) await Promise.race(running);
    const child: Promise<void> = executeChild(DisbursementBatchWorkflow, {
      workflowId: disbursementBatchWorkflowId(cycleId, seq),
      args: [{ cycleId, seq, ...input.batch }],
    }).then((batch) => {
      progress.batchesDone += 1;
      progress.paid += batch.paid;
      progress.failed += batch.failed;
      progress.needsAttention += batch.needsAttention;
      running.delete(child);
    });
    running.add(child);
  }
  await Promise.all(running);
  if (lastSeq < progress.batchCount) {
    return continueAsNew<typeof PaymentCycleWorkflow>({ ...input, resume: { nextSeq: lastSeq + 1, progress } });
  }

  await completeCycle(cycleId);
  progress.phase = 'reconciling';
  const reconciliation = await executeChild(ReconciliationWorkflow, {
    workflowId: reconciliationWorkflowId(cycleId, 'cycle-end'),
    args: [{ cycleId }],
  });
  progress.phase = 'completed';
  return { progress, reconciliation };
}

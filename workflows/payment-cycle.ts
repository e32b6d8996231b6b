// PaymentCycleWorkflow: snapshot the enrolled beneficiaries, check the approved envelope and budget, fund
// the cycle in the ledger, then pay wave by wave (a staggered schedule waits for each wave's date) through
// a sliding window of DisbursementBatchWorkflow children, and reconcile. Pause, resume and cancel arrive
// as signals. Built for a million beneficiaries: state is counters and a few wave ranges; instructions are
// paged in activities; the run continues as new every BATCHES_PER_RUN batches.
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { condition, continueAsNew, executeChild, ParentClosePolicy, proxyActivities, setHandler, startChild } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { WaveBatches } from '../activities/cycle';
import type { ReconciliationSummary } from '../activities/reconciliation';
import { cycleScan, databaseStep } from './activity-options';
import { cancelCycleSignal, cycleProgressQuery, pauseCycleSignal, resumeCycleSignal, type CycleProgress } from './definitions';
import { DisbursementBatchWorkflow, type DisbursementBatchInput } from './disbursement-batch';
import { disbursementBatchWorkflowId, reconciliationWatchWorkflowId, reconciliationWorkflowId } from './ids';
import { ReconciliationWorkflow } from './reconciliation';
import { ReconciliationWatchWorkflow } from './reconciliation-watch';
import { BATCH_WINDOW, BATCHES_PER_RUN } from './settings';

const { startCycle, checkControlTotals, fundCycle, recordPause, cancelUnsentBatches, completeCycle, failCycle } =
  proxyActivities<Activities>(databaseStep);
const { snapshotCycle } = proxyActivities<Activities>(cycleScan);

export interface PaymentCycleInput {
  cycleId: string;
  /** Batch workflow overrides (tests, drills). */
  batch?: Pick<DisbursementBatchInput, 'pollIntervalMs' | 'settlementDeadlineMs'>;
  /** Override of the reconciliation watch's poll interval (tests). */
  watchPollIntervalMs?: number;
  /** Override of BATCHES_PER_RUN (tests exercise continue-as-new with a few small batches). */
  batchesPerRun?: number;
  /** Set by continue-as-new: where the previous run stopped, and what it knew. */
  resume?: { waves: WaveBatches[]; waveIndex: number; nextSeq: number; progress: CycleProgress; paused: boolean; cancelled: boolean };
}

export interface PaymentCycleResult {
  progress: CycleProgress;
  reconciliation?: ReconciliationSummary | null;
  failureReason?: string;
}

export async function PaymentCycleWorkflow(input: PaymentCycleInput): Promise<PaymentCycleResult> {
  const { cycleId } = input;
  const progress: CycleProgress = input.resume?.progress ?? {
    phase: 'starting',
    wave: 1,
    batchCount: 0,
    batchesDone: 0,
    paid: 0,
    failed: 0,
    needsAttention: 0,
  };
  let paused = input.resume?.paused ?? false;
  let cancelled = input.resume?.cancelled ?? false;
  setHandler(cycleProgressQuery, () => progress);
  setHandler(pauseCycleSignal, () => void (paused = true));
  setHandler(resumeCycleSignal, () => void (paused = false));
  setHandler(cancelCycleSignal, () => void (cancelled = true));

  let waves = input.resume?.waves ?? [];
  if (!input.resume) {
    await startCycle(cycleId);
    progress.phase = 'snapshot';
    const snapshot = await snapshotCycle(cycleId);
    const envelope = await checkControlTotals(cycleId);
    if (!envelope.withinEnvelope) {
      const failureReason = envelope.reason ?? 'OUTSIDE_ENVELOPE';
      await failCycle(cycleId, failureReason);
      progress.phase = 'failed';
      return { progress, failureReason };
    }
    await fundCycle(cycleId);
    waves = snapshot.waves;
    progress.batchCount = snapshot.batchCount;
  }

  const running = new Set<Promise<void>>();
  const startBatch = (seq: number) => {
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
  };

  let started = 0;
  for (let w = input.resume?.waveIndex ?? 0; w < waves.length && !cancelled; w++) {
    const wave = waves[w]!;
    progress.wave = wave.wave;
    let seq = input.resume && w === input.resume.waveIndex ? input.resume.nextSeq : wave.firstSeq;
    if (seq === wave.firstSeq && wave.payOn) {
      // A staggered schedule: this wave is paid from its date (00:00 UTC) on; a durable timer, cut short by a cancel.
      progress.phase = 'waiting';
      const until = Date.parse(`${wave.payOn}T00:00:00Z`) - Date.now();
      if (until > 0) await condition(() => cancelled, until);
    }
    progress.phase = 'disbursing';
    while (seq <= wave.lastSeq && !cancelled) {
      if (paused) {
        // Running batches finish; no new one starts until resumed (or cancelled).
        progress.phase = 'paused';
        await recordPause(cycleId, true);
        await condition(() => !paused || cancelled);
        await recordPause(cycleId, false);
        progress.phase = 'disbursing';
        continue;
      }
      if (running.size >= BATCH_WINDOW) {
        await Promise.race(running);
        continue;
      }
      if (started >= (input.batchesPerRun ?? BATCHES_PER_RUN)) {
        await Promise.all(running);
        return continueAsNew<typeof PaymentCycleWorkflow>({
          ...input,
          resume: { waves, waveIndex: w, nextSeq: seq, progress, paused, cancelled },
        });
      }
      startBatch(seq++);
      started += 1;
    }
  }
  await Promise.all(running);

  if (cancelled) await cancelUnsentBatches(cycleId);
  await completeCycle(cycleId, cancelled ? 'CANCELLED' : 'COMPLETED');
  progress.phase = 'reconciling';
  const reconciliation = await executeChild(ReconciliationWorkflow, {
    workflowId: reconciliationWorkflowId(cycleId, 'cycle-end'),
    args: [{ cycleId, trigger: 'cycle-end', settlementDeadlineMs: input.batch?.settlementDeadlineMs }],
  });
  // Late statement lines, reversals and finance's requests are the watch's, which outlives this workflow.
  await startChild(ReconciliationWatchWorkflow, {
    workflowId: reconciliationWatchWorkflowId(cycleId),
    parentClosePolicy: ParentClosePolicy.ABANDON,
    args: [{ cycleId, settlementDeadlineMs: input.batch?.settlementDeadlineMs, pollIntervalMs: input.watchPollIntervalMs }],
  }).catch((err: unknown) => {
    // Finance may have started it already (signal-with-start): then it is running, which is what we want.
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
  });
  progress.phase = cancelled ? 'cancelled' : 'completed';
  return { progress, reconciliation };
}

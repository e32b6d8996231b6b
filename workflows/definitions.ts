// Signals and queries shared by workflows and the code that sends or asks them (queue workers, web).
import { defineQuery, defineSignal } from '@temporalio/workflow';

/** An applicant appealed a rejection (recorded in review_task first): sent with signal-with-start, it starts the appeal's review. */
export const appealFiledSignal = defineSignal('appealFiled');

/** The applicant gave another account (stored first): sent with signal-with-start to its account review. */
export const accountGivenSignal = defineSignal('accountGiven');

/** A reviewer decided a review task of this application (recorded in review_task first). */
export const reviewDecidedSignal = defineSignal('reviewDecided');

/** The bank reported news about a batch (callback → BullMQ → here). Carries the event ID only. */
export const bankReportSignal = defineSignal<[{ eventId: string }]>('bankReport');

/** Administrators pause, resume or cancel a running cycle (recorded and audited by the web first). */
export const pauseCycleSignal = defineSignal('pauseCycle');
export const resumeCycleSignal = defineSignal('resumeCycle');
export const cancelCycleSignal = defineSignal('cancelCycle');

/** Reconcile a cycle now (finance asked, a statement file was uploaded); `trigger` is recorded on the run. */
export const reconcileSignal = defineSignal<[{ trigger: string }]>('reconcile');

export interface CycleProgress {
  phase: 'starting' | 'snapshot' | 'waiting' | 'disbursing' | 'paused' | 'reconciling' | 'completed' | 'cancelled' | 'failed';
  /** The wave being paid or waited for (staggered schedules); 1 without a schedule. */
  wave: number;
  batchCount: number;
  batchesDone: number;
  paid: number;
  failed: number;
  needsAttention: number;
}
export const cycleProgressQuery = defineQuery<CycleProgress>('progress');

// Signals and queries shared by workflows and the code that sends or asks them (queue workers, web).
import { defineQuery, defineSignal } from '@temporalio/workflow';

/** An applicant appealed a rejection (recorded in review_task first; the workflow reads it from there). */
export const appealFiledSignal = defineSignal('appealFiled');

/** A reviewer decided a review task of this application (recorded in review_task first). */
export const reviewDecidedSignal = defineSignal('reviewDecided');

/** The bank reported news about a batch (callback → BullMQ → here). Carries the event ID only. */
export const bankReportSignal = defineSignal<[{ eventId: string }]>('bankReport');

export interface CycleProgress {
  phase: 'starting' | 'snapshot' | 'disbursing' | 'reconciling' | 'completed' | 'failed';
  batchCount: number;
  batchesDone: number;
  paid: number;
  failed: number;
  needsAttention: number;
}
export const cycleProgressQuery = defineQuery<CycleProgress>('progress');

// The BullMQ queues between the HTTP edge and Temporal. Jobs carry IDs only. (Accepted applications wait
// in PostgreSQL, status RECEIVED, until a dispatcher claims them for a decision batch: see workers/decision-dispatcher.ts.)
// - bank-callbacks: both rails' notifications, at most one job per batch and window (web/rails/batch-signal.ts),
//   turned into signals to the batch workflow.
// - notifications: messages to applicants (SMS), sent by the queue worker to the SMS gateway.
import { Queue, type JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';

export const BANK_CALLBACK_QUEUE = 'bank-callbacks';
export const NOTIFICATION_QUEUE = 'notifications';

export interface BankCallbackJob {
  /** The notification that opened the window (others in the window are in provider_event). */
  eventId: string;
  messageId: string;
}
/** Messages to send: one (an event of one application) or a decision batch's, up to SMS_PER_JOB. */
export interface NotificationJob {
  notificationIds: string[];
}
/** Messages one job of a decision batch carries: one queue round trip and two statements for all of them. */
export const SMS_PER_JOB = 50;

/** Jobs retry with backoff for about an hour before they are kept as failed for inspection. */
export const DEFAULT_JOB_OPTIONS: JobsOptions = {
  attempts: 12,
  backoff: { type: 'exponential', delay: 1000 },
  removeOnComplete: { age: 3600, count: 10_000 },
  removeOnFail: false,
};

export function createQueues(connection: Redis, prefix: string) {
  return {
    bankCallbacks: new Queue<BankCallbackJob>(BANK_CALLBACK_QUEUE, { connection, prefix, defaultJobOptions: DEFAULT_JOB_OPTIONS }),
    notifications: new Queue<NotificationJob>(NOTIFICATION_QUEUE, { connection, prefix, defaultJobOptions: DEFAULT_JOB_OPTIONS }),
  };
}
export type Queues = ReturnType<typeof createQueues>;

// Sends one queued Notification to the SMS gateway. The notification's ID is the gateway reference,
// so a retry after a lost answer (or a job run twice) is recognised by the gateway, not sent again.
// Transient failures throw and BullMQ retries with backoff; a request the gateway refuses as invalid
// would be refused forever, so it is marked FAILED and the job ends.
import { UnrecoverableError, type Job } from 'bullmq';
import type { Db } from '../lib/db';
import { createLogger, type Logger } from '../lib/logger';
import type { NotificationJob } from '../lib/queues';

export interface NotificationProcessorDeps {
  db: Db;
  /** Base URL of the SMS gateway (SMS_SIM_URL). */
  smsUrl: string;
  timeoutMs?: number;
  logger?: Logger;
}

export type NotificationOutcome = 'sent' | 'already-sent' | 'failed';

export function createNotificationProcessor(deps: NotificationProcessorDeps) {
  const { db } = deps;
  const log = deps.logger ?? createLogger('notifications');
  const url = `${deps.smsUrl.replace(/\/+$/, '')}/v1/messages`;

  return async (job: Job<NotificationJob>): Promise<NotificationOutcome> => {
    const { notificationId } = job.data;
    const n = await db.notification.findUnique({ where: { id: notificationId } });
    if (!n) throw new UnrecoverableError(`notification ${notificationId} not found`);
    if (n.status === 'SENT') return 'already-sent';
    if (n.status === 'FAILED') return 'failed';

    let res: Response;
    try {
      res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ to: n.recipient, body: n.body, reference: n.id }),
        signal: AbortSignal.timeout(deps.timeoutMs ?? 10_000),
      });
    } catch (err) {
      // The message may or may not have reached the gateway; the retry's reference settles it.
      await db.notification.update({ where: { id: n.id }, data: { attempts: { increment: 1 } } });
      throw new Error(`sms gateway unreachable: ${err instanceof Error ? err.message : String(err)}`);
    }

    if (res.ok) {
      const { messageId } = (await res.json()) as { messageId: string };
      await db.notification.update({
        where: { id: n.id },
        data: { status: 'SENT', providerRef: messageId, sentAt: new Date(), attempts: { increment: 1 } },
      });
      log.debug('notification sent', { notificationId: n.id, applicationId: n.applicationId, providerRef: messageId });
      return 'sent';
    }

    await res.body?.cancel();
    // 409: the gateway holds another message under this reference. Not ours to overwrite: retried
    // (and kept as a failed job for inspection) rather than silently dropped.
    const permanent = res.status >= 400 && res.status < 500 && res.status !== 409 && res.status !== 429 && res.status !== 408;
    await db.notification.update({
      where: { id: n.id },
      data: { attempts: { increment: 1 }, ...(permanent ? { status: 'FAILED' as const } : {}) },
    });
    if (permanent) {
      log.error('notification refused by the sms gateway', { notificationId: n.id, applicationId: n.applicationId, status: res.status });
      return 'failed';
    }
    throw new Error(`sms gateway answered ${res.status}`);
  };
}

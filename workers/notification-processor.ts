// Sends a job's queued Notifications to the SMS gateway. A notification's ID is its gateway reference, so
// a retry after a lost answer (or a job run twice) is recognised by the gateway, not sent again; a message
// already SENT or FAILED is skipped. A request the gateway refuses as invalid would be refused forever, so
// that message is marked FAILED. Any other failure throws after the rest of the job is done, and BullMQ's
// retry (with backoff) sends only what is still QUEUED.
// Plain SQL on this path, two statements a job: Prisma's query building cost more CPU than the sending.
import { UnrecoverableError, type Job } from 'bullmq';
import type { Config } from '../lib/config';
import type { Db } from '../lib/db';
import { personalData } from '../lib/personal-data';
import { createLogger, type Logger } from '../lib/logger';
import type { NotificationJob } from '../lib/queues';

export interface NotificationProcessorDeps {
  db: Db;
  config: Pick<Config, 'PII_MASTER_KEYS'>;
  /** Base URL of the SMS gateway (SMS_SIM_URL). */
  smsUrl: string;
  timeoutMs?: number;
  logger?: Logger;
}

/** What one run of a job did: messages sent, refused for good, and skipped (sent or refused before). */
export interface NotificationOutcome {
  sent: number;
  failed: number;
  skipped: number;
}

interface Queued {
  id: string;
  application_id: string;
  /** Opened just before sending: the gateway is the one that needs them. */
  recipient: string;
  body: string;
}
type Result = { id: string; status: 'SENT' | 'FAILED' | null; provider_ref: string | null; error?: string };

export function createNotificationProcessor(deps: NotificationProcessorDeps) {
  const { db } = deps;
  const log = deps.logger ?? createLogger('notifications');
  const url = `${deps.smsUrl.replace(/\/+$/, '')}/v1/messages`;

  /** One message to the gateway; never throws: a transient failure is a result with no status. */
  async function send(n: Queued): Promise<Result> {
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
      return {
        id: n.id,
        status: null,
        provider_ref: null,
        error: `sms gateway unreachable: ${err instanceof Error ? err.message : String(err)}`,
      };
    }
    if (res.ok) {
      const { messageId } = (await res.json()) as { messageId: string };
      return { id: n.id, status: 'SENT', provider_ref: messageId };
    }
    await res.body?.cancel();
    // 409: the gateway holds another message under this reference. Not ours to overwrite: retried
    // (and kept as a failed job for inspection) rather than silently dropped.
    const permanent = res.status >= 400 && res.status < 500 && res.status !== 409 && res.status !== 429 && res.status !== 408;
    if (permanent) {
      log.error('notification refused by the sms gateway', { notificationId: n.id, applicationId: n.application_id, status: res.status });
      return { id: n.id, status: 'FAILED', provider_ref: null };
    }
    return { id: n.id, status: null, provider_ref: null, error: `sms gateway answered ${res.status}` };
  }

  return async (job: Job<NotificationJob>): Promise<NotificationOutcome> => {
    // A job queued before jobs carried lists holds one ID.
    const legacy = (job.data as { notificationId?: string }).notificationId;
    const ids = job.data.notificationIds ?? (legacy ? [legacy] : []);
    if (!Array.isArray(ids) || ids.length === 0) throw new UnrecoverableError('a notification job names no notification');
    const rows = await db.$queryRaw<Array<{ id: string; application_id: string; recipient: string | null; body: string | null }>>`
      SELECT id::text, application_id::text, recipient, body FROM notification
      WHERE id = ANY(${ids}::uuid[]) AND status = 'QUEUED' ORDER BY created_at, id`;
    const pd = await personalData(deps);
    // An erased message (retention) has nowhere to go: it fails for good.
    const queued = rows.map((r): Queued | Result =>
      r.recipient === null || r.body === null
        ? { id: r.id, status: 'FAILED', provider_ref: null }
        : { ...r, recipient: pd.open('notification.recipient', r.recipient), body: pd.open('notification.body', r.body) },
    );
    const results = await Promise.all(queued.map((q) => ('recipient' in q ? send(q) : Promise.resolve(q))));
    if (results.length > 0) {
      await db.$executeRaw`
        UPDATE notification n SET attempts = n.attempts + 1, status = COALESCE(r.status::"NotificationStatus", n.status),
          provider_ref = COALESCE(r.provider_ref, n.provider_ref),
          sent_at = CASE WHEN r.status = 'SENT' THEN now() AT TIME ZONE 'UTC' ELSE n.sent_at END
        FROM jsonb_to_recordset(${JSON.stringify(results)}::jsonb) AS r(id uuid, status text, provider_ref text)
        WHERE n.id = r.id AND n.status = 'QUEUED'`;
    }
    for (const r of results) if (r.status === 'SENT') log.debug('notification sent', { notificationId: r.id, providerRef: r.provider_ref });
    const retry = results.find((r) => r.status === null);
    if (retry) throw new Error(retry.error);
    const count = (status: Result['status']) => results.filter((r) => r.status === status).length;
    return { sent: count('SENT'), failed: count('FAILED'), skipped: ids.length - results.length };
  };
}

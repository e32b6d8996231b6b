// Persistence of pending notifications. A claim leases rows (pushes next_attempt_at past the HTTP
// timeout) so concurrent deliverers skip them, and a crash mid-delivery only delays a retry. A held
// (stale, out-of-order) notification is claimable only once its batch's final one is done.
import type { Pool } from 'pg';

export interface Notification {
  id: string;
  eventId: string;
  batchId: string;
  correlationId: string;
  callbackUrl: string;
  body: { batchId: string; batchStatus: string; completedCount: number; rejectionCount: number };
  /** Attempts including the one this claim starts. */
  attempts: number;
}

export async function claimNotifications(pool: Pool, instanceId: string, limit: number, leaseMs: number): Promise<Notification[]> {
  const { rows } = await pool.query<{
    id: string;
    event_id: string;
    batch_id: string;
    correlation_id: string;
    callback_url: string;
    body: Notification['body'];
    attempts: number;
  }>(
    `UPDATE wallet_outbox SET attempts = attempts + 1, next_attempt_at = now() + make_interval(secs => $3::double precision / 1000)
      WHERE id IN (SELECT o.id FROM wallet_outbox o
                    WHERE o.instance_id = $1 AND o.delivered_at IS NULL AND o.failed_at IS NULL AND o.next_attempt_at <= now()
                      AND (NOT o.held OR EXISTS (SELECT 1 FROM wallet_outbox f WHERE f.batch_id = o.batch_id AND f.final
                                                   AND (f.delivered_at IS NOT NULL OR f.failed_at IS NOT NULL)))
                    ORDER BY o.next_attempt_at, o.id LIMIT $2 FOR UPDATE SKIP LOCKED)
      RETURNING id, event_id, batch_id, correlation_id, callback_url, body, attempts`,
    [instanceId, limit, leaseMs],
  );
  return rows.map((r) => ({
    id: r.id,
    eventId: r.event_id,
    batchId: r.batch_id,
    correlationId: r.correlation_id,
    callbackUrl: r.callback_url,
    body: r.body,
    attempts: r.attempts,
  }));
}

export async function markDelivered(pool: Pool, id: string): Promise<void> {
  await pool.query('UPDATE wallet_outbox SET delivered_at = now(), last_error = NULL WHERE id = $1', [id]);
}

/** Schedules a retry in retryInMs, or gives up (failed_at) when retryInMs is null. */
export async function markFailed(pool: Pool, id: string, error: string, retryInMs: number | null): Promise<void> {
  await pool.query(
    `UPDATE wallet_outbox SET last_error = $2,
            next_attempt_at = CASE WHEN $3::double precision IS NULL THEN next_attempt_at
                                   ELSE now() + make_interval(secs => $3::double precision / 1000) END,
            failed_at = CASE WHEN $3::double precision IS NULL THEN now() END
      WHERE id = $1`,
    [id, error.slice(0, 500), retryInMs],
  );
}

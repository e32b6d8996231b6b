// Persistence of pending callbacks. Rows are written in the transaction that changed a message's status,
// so no notification is lost by a crash (only by the lostCallbackRate fault). A claim leases rows (pushes
// next_attempt_at past the HTTP timeout) so concurrent deliverers skip them, and a crash mid-delivery
// only delays a retry.
import { randomUUID } from 'node:crypto';
import type { Pool, PoolClient } from 'pg';
import type { FaultInjector } from './faults';

export interface Callback {
  id: string;
  eventId: string;
  messageId: string;
  callbackUrl: string;
  status: string;
  /** The pain.002 XML to POST; null for rows written by the earlier JSON version. */
  payload: string | null;
  /** Attempts including the one this claim starts. */
  attempts: number;
}

export interface Notification {
  instanceId: string;
  messageId: string;
  callbackUrl: string;
  /** GrpSts of the snapshot, for logs and tests. */
  status: string;
  payload: string;
}

/** Writes a notification unless the faults lose it; returns its event id (the X-Event-Id), if written. */
export async function enqueueCallback(c: PoolClient, faults: FaultInjector, n: Notification): Promise<string | undefined> {
  if (faults.losesCallback()) return undefined;
  const eventId = randomUUID();
  // outOfOrderCallbacks: a random first-attempt delay lets a later notification overtake this one.
  await c.query(
    `INSERT INTO bank_outbox (event_id, instance_id, message_id, callback_url, status, payload, next_attempt_at)
     VALUES ($1, $2, $3, $4, $5, $6, now() + make_interval(secs => $7::double precision / 1000))`,
    [eventId, n.instanceId, n.messageId, n.callbackUrl, n.status, n.payload, faults.callbackDelayMs()],
  );
  return eventId;
}

export async function claimCallbacks(pool: Pool, instanceId: string, limit: number, leaseMs: number): Promise<Callback[]> {
  const { rows } = await pool.query<{
    id: string;
    event_id: string;
    message_id: string;
    callback_url: string;
    status: string;
    payload: string | null;
    attempts: number;
  }>(
    `UPDATE bank_outbox SET attempts = attempts + 1, next_attempt_at = now() + make_interval(secs => $3::double precision / 1000)
      WHERE id IN (SELECT id FROM bank_outbox
                    WHERE instance_id = $1 AND delivered_at IS NULL AND failed_at IS NULL AND next_attempt_at <= now()
                    ORDER BY next_attempt_at LIMIT $2 FOR UPDATE SKIP LOCKED)
      RETURNING id, event_id, message_id, callback_url, status, payload, attempts`,
    [instanceId, limit, leaseMs],
  );
  return rows.map((r) => ({
    id: r.id,
    eventId: r.event_id,
    messageId: r.message_id,
    callbackUrl: r.callback_url,
    status: r.status,
    payload: r.payload,
    attempts: r.attempts,
  }));
}

export async function markDelivered(pool: Pool, id: string): Promise<void> {
  await pool.query('UPDATE bank_outbox SET delivered_at = now(), last_error = NULL WHERE id = $1', [id]);
}

/** Schedules a retry in retryInMs, or gives up (failed_at) when retryInMs is null. */
export async function markFailed(pool: Pool, id: string, error: string, retryInMs: number | null): Promise<void> {
  await pool.query(
    `UPDATE bank_outbox SET last_error = $2,
            next_attempt_at = CASE WHEN $3::double precision IS NULL THEN next_attempt_at
                                   ELSE now() + make_interval(secs => $3::double precision / 1000) END,
            failed_at = CASE WHEN $3::double precision IS NULL THEN now() END
      WHERE id = $1`,
    [id, error.slice(0, 500), retryInMs],
  );
}

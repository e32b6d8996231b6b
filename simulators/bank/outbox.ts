// Persistence of pending callbacks. Rows are written in the transaction that changed a message's status,
// so no notification is lost by a crash (only by the lostCallbackRate fault). Claims, retries and give-ups
// are shared with the wallet (shared/outbox-table.ts).
import { randomUUID } from 'node:crypto';
import type { Pool, PoolClient } from 'pg';
import { outbox, type Outbox } from '../shared/outbox-table';
import type { FaultInjector } from './faults';

export interface Callback {
  id: string;
  eventId: string;
  messageId: string;
  callbackUrl: string;
  status: string;
  /** The group-level pain.002 to POST (reports.ts notificationXml); null for rows written by the earlier JSON version. */
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

export const callbackOutbox = (pool: Pool, instanceId: string): Outbox<Callback> =>
  outbox(pool, 'bank_outbox', instanceId, {
    returning: 'id, event_id AS "eventId", message_id AS "messageId", callback_url AS "callbackUrl", status, payload, attempts',
  });

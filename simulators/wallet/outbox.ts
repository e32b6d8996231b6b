// Persistence of pending notifications (claims, retries and give-ups: shared/outbox-table.ts). A held
// (stale, out-of-order) notification is claimable only once its batch's final one is done.
import type { Pool } from 'pg';
import { outbox, type Outbox } from '../shared/outbox-table';

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

export const notificationOutbox = (pool: Pool, instanceId: string): Outbox<Notification> =>
  outbox(pool, 'wallet_outbox', instanceId, {
    returning:
      'id, event_id AS "eventId", batch_id AS "batchId", correlation_id AS "correlationId", callback_url AS "callbackUrl", body, attempts',
    claimable: `NOT o.held OR EXISTS (SELECT 1 FROM wallet_outbox f WHERE f.batch_id = o.batch_id AND f.final
                                      AND (f.delivered_at IS NOT NULL OR f.failed_at IS NOT NULL))`,
  });

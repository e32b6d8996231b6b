// What the bank's and the wallet's outbox tables share: the delivery state columns and every query on
// them. A claim leases rows (pushes next_attempt_at past the HTTP timeout) so concurrent deliverers skip
// them, and a crash mid-delivery only delays a retry. Each simulator keeps its own table and payload.
import type { Pool } from 'pg';

export type OutboxTable = 'bank_outbox' | 'wallet_outbox';

/** A simulator's outbox, as its processor uses it. */
export interface Outbox<T> {
  /** Leases up to `limit` due rows of this instance for leaseMs, counting the attempt. */
  claim(limit: number, leaseMs: number): Promise<T[]>;
  delivered(id: string): Promise<void>;
  /** Schedules a retry in retryInMs, or gives up (failed_at) when retryInMs is null. */
  failed(id: string, error: string, retryInMs: number | null): Promise<void>;
}

export interface OutboxQuery {
  /** Columns of a claimed row, aliased to the fields of T. */
  returning: string;
  /** Further condition on a due row, aliased `o`. */
  claimable?: string;
}

/**
 * The last columns of an outbox's CREATE TABLE, closing it, and its due-rows index. The text must stay
 * byte for byte the same: a changed DDL re-runs at the next start (shared/schema-migration.ts).
 */
export const outboxDeliveryColumns = (table: OutboxTable): string => `  attempts        integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  delivered_at    timestamptz,
  failed_at       timestamptz,
  last_error      text,
  created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS ${table}_due ON ${table} (instance_id, next_attempt_at)
  WHERE delivered_at IS NULL AND failed_at IS NULL;`;

export function outbox<T>(pool: Pool, table: OutboxTable, instanceId: string, query: OutboxQuery): Outbox<T> {
  return {
    async claim(limit, leaseMs) {
      const { rows } = await pool.query<T & object>(
        `UPDATE ${table} SET attempts = attempts + 1, next_attempt_at = now() + make_interval(secs => $3::double precision / 1000)
          WHERE id IN (SELECT o.id FROM ${table} o
                        WHERE o.instance_id = $1 AND o.delivered_at IS NULL AND o.failed_at IS NULL AND o.next_attempt_at <= now()
                          AND (${query.claimable ?? 'true'})
                        ORDER BY o.next_attempt_at, o.id LIMIT $2 FOR UPDATE SKIP LOCKED)
          RETURNING ${query.returning}`,
        [instanceId, limit, leaseMs],
      );
      return rows;
    },
    async delivered(id) {
      await pool.query(`UPDATE ${table} SET delivered_at = now(), last_error = NULL WHERE id = $1`, [id]);
    },
    async failed(id, error, retryInMs) {
      await pool.query(
        `UPDATE ${table} SET last_error = $2,
                next_attempt_at = CASE WHEN $3::double precision IS NULL THEN next_attempt_at
                                       ELSE now() + make_interval(secs => $3::double precision / 1000) END,
                failed_at = CASE WHEN $3::double precision IS NULL THEN now() END
          WHERE id = $1`,
        [id, error.slice(0, 500), retryInMs],
      );
    },
  };
}

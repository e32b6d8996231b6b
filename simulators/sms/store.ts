// The SMS gateway's message log in its own PostgreSQL database. A message is recorded once per
// reference (the sender's idempotency key) within a simulator instance, enforced by a unique index.
import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import { SimulatorStore, type SimulatorStoreOptions } from '../shared/simulator-store';

export interface SmsRequest {
  to: string;
  body: string;
  reference: string;
}

export interface SmsMessage extends SmsRequest {
  messageId: string;
  receivedAt: string;
}

export type RecordResult = { kind: 'accepted' | 'replayed'; message: SmsMessage } | { kind: 'conflict'; messageId: string };

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS sms_message (
    seq         bigserial PRIMARY KEY,
    message_id  uuid NOT NULL UNIQUE,
    -- Parallel test files share the database; each simulator sees only its own instance's messages.
    instance_id text NOT NULL,
    reference   text NOT NULL,
    recipient   text NOT NULL,
    body        text NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (instance_id, reference)
  );
  CREATE INDEX IF NOT EXISTS sms_message_recipient ON sms_message (instance_id, recipient, seq);`;

interface Row {
  message_id: string;
  reference: string;
  recipient: string;
  body: string;
  received_at: Date;
}

const toMessage = (r: Row): SmsMessage => ({
  messageId: r.message_id,
  to: r.recipient,
  body: r.body,
  reference: r.reference,
  receivedAt: r.received_at.toISOString(),
});

export class SmsStore extends SimulatorStore {
  constructor(pool: Pool, options: SimulatorStoreOptions = {}) {
    super(pool, { name: 'sms', ddl: SCHEMA }, options);
  }

  /**
   * Records a message unless its reference was seen: a resend of the same message is answered with
   * the original, another message under a used reference is a conflict. Concurrent resends wait on
   * the unique index, so exactly one of them inserts.
   */
  async record(req: SmsRequest): Promise<RecordResult> {
    const inserted = await this.pool.query<Row>(
      `INSERT INTO sms_message (message_id, instance_id, reference, recipient, body) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (instance_id, reference) DO NOTHING
       RETURNING message_id, reference, recipient, body, received_at`,
      [randomUUID(), this.instanceId, req.reference, req.to, req.body],
    );
    if (inserted.rows[0]) return { kind: 'accepted', message: toMessage(inserted.rows[0]) };
    const { rows } = await this.pool.query<Row>(
      'SELECT message_id, reference, recipient, body, received_at FROM sms_message WHERE instance_id = $1 AND reference = $2',
      [this.instanceId, req.reference],
    );
    const original = rows[0];
    if (!original) throw new Error('reference conflicted but no message holds it');
    const same = original.recipient === req.to && original.body === req.body;
    return same ? { kind: 'replayed', message: toMessage(original) } : { kind: 'conflict', messageId: original.message_id };
  }

  /** Messages in the order received, filtered by recipient and/or reference. */
  async list(filter: { to?: string; reference?: string; limit: number }): Promise<SmsMessage[]> {
    const { rows } = await this.pool.query<Row>(
      `SELECT message_id, reference, recipient, body, received_at FROM sms_message
        WHERE instance_id = $1 AND ($2::text IS NULL OR recipient = $2) AND ($3::text IS NULL OR reference = $3)
        ORDER BY seq LIMIT $4`,
      [this.instanceId, filter.to ?? null, filter.reference ?? null, filter.limit],
    );
    return rows.map(toMessage);
  }
}

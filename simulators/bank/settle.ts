// Settlement of one received message, inside the caller's transaction. Every item update is
// guarded by status = 'RCVD' and the message row is locked first, so two processors can never
// book the same item twice.
import type { PoolClient } from 'pg';
import type { FaultInjector } from './faults';
import type { MessageStatus } from './messages';
import { enqueueCallback } from './outbox';
import { loadReport, notificationXml } from './reports';
import { UTC_TODAY } from '../shared/day-sequence';

export type SettleOutcome =
  | { kind: 'settled'; status: MessageStatus; items: number; eventId?: string }
  | { kind: 'skipped' } // settled already, or another processor holds it
  | { kind: 'waiting' }; // repeats an earlier message that is not settled yet

export async function settleMessage(c: PoolClient, messageId: string, faults: FaultInjector): Promise<SettleOutcome> {
  const { rows } = await c.query<{ instance_id: string; debtor_account: string; callback_url: string | null }>(
    `SELECT instance_id, debtor_account, callback_url FROM bank_message
      WHERE message_id = $1 AND status = 'RCVD' FOR UPDATE SKIP LOCKED`,
    [messageId],
  );
  const message = rows[0];
  if (!message) return { kind: 'skipped' };

  // A duplicate reports its original's outcome, so the original must be final first (its message
  // was received earlier, so it is due first; a later poll retries this one).
  const pending = await c.query(
    `SELECT 1 FROM bank_item d JOIN bank_item o ON o.id = d.duplicate_of_item
      WHERE d.message_id = $1 AND d.status = 'RCVD' AND o.status = 'RCVD' LIMIT 1`,
    [messageId],
  );
  if (pending.rowCount) return { kind: 'waiting' };

  // Changed resends (AM05) and injected AC01s were rejected at acceptance; duplicates copy the original.
  await c.query(
    `UPDATE bank_item d SET status = o.status, reason_code = o.reason_code, booked_at = o.booked_at, settled_at = now()
       FROM bank_item o
      WHERE d.message_id = $1 AND d.status = 'RCVD' AND o.id = d.duplicate_of_item`,
    [messageId],
  );
  await c.query(
    `UPDATE bank_item SET status = 'RJCT', reason_code = 'AC04', settled_at = now()
      WHERE message_id = $1 AND status = 'RCVD' AND is_original AND creditor_account = ANY($2::text[])`,
    [messageId, faults.config.closedAccounts],
  );
  // Serialise bookings per debtor so ledger seq order is commit order: a statement reader
  // that has seen seq N can never later find a smaller seq appear for the same account.
  await c.query(`SELECT pg_advisory_xact_lock(hashtextextended('bank_ledger:' || $1, 0))`, [message.debtor_account]);
  // One statement: credit the items, number them on today's statement of the debtor after the counter's
  // last number (reserving exactly as many as are booked), and add them to the day's totals.
  await c.query(
    `WITH credited AS (
       UPDATE bank_item SET status = 'ACSC', booked_at = now(), settled_at = now()
        WHERE message_id = $1 AND status = 'RCVD' AND is_original
        RETURNING id, position, end_to_end_id, amount, currency, creditor_bank_code, creditor_account, booked_at),
     reserved AS (
       INSERT INTO bank_statement_day (account, book_day, last_seq)
       SELECT $2, ${UTC_TODAY}, count(*) FROM credited HAVING count(*) > 0
       ON CONFLICT (account, book_day) DO UPDATE SET last_seq = bank_statement_day.last_seq + EXCLUDED.last_seq
       RETURNING last_seq),
     totals AS (
       INSERT INTO bank_statement_total (account, currency, book_day, debits)
       SELECT $2, currency, ${UTC_TODAY}, sum(amount) FROM credited GROUP BY currency ORDER BY currency
       ON CONFLICT (account, currency, book_day) DO UPDATE SET debits = bank_statement_total.debits + EXCLUDED.debits)
     INSERT INTO bank_ledger_entry (item_id, message_id, end_to_end_id, debtor_account, creditor_bank_code,
                                    creditor_account, amount, currency, booked_at, book_day, day_seq)
     SELECT id, $1, end_to_end_id, $2, creditor_bank_code, creditor_account, amount, currency, booked_at,
            ${UTC_TODAY}, r.last_seq - count(*) OVER () + row_number() OVER (ORDER BY position)
       FROM credited, reserved r ORDER BY position`,
    [messageId, message.debtor_account],
  );

  const counts = await c.query<{ total: string; acsc: string; rjct: string }>(
    `SELECT count(*) AS total, count(*) FILTER (WHERE status = 'ACSC') AS acsc, count(*) FILTER (WHERE status = 'RJCT') AS rjct
       FROM bank_item WHERE message_id = $1`,
    [messageId],
  );
  const { total, acsc, rjct } = counts.rows[0] ?? { total: '0', acsc: '0', rjct: '0' };
  if (Number(acsc) + Number(rjct) !== Number(total)) throw new Error(`message ${messageId}: items left unsettled`);
  const status: MessageStatus = acsc === total ? 'ACSC' : rjct === total ? 'RJCT' : 'PART';
  await c.query(`UPDATE bank_message SET status = $2, settled_at = now() WHERE message_id = $1 AND status = 'RCVD'`, [messageId, status]);

  if (!message.callback_url) return { kind: 'settled', status, items: Number(total) };
  const report = await loadReport(c, messageId);
  if (!report) throw new Error(`message ${messageId} vanished during settlement`);
  const eventId = await enqueueCallback(c, faults, {
    instanceId: message.instance_id,
    messageId,
    callbackUrl: message.callback_url,
    status,
    payload: notificationXml(report),
  });
  return { kind: 'settled', status, items: Number(total), ...(eventId ? { eventId } : {}) };
}

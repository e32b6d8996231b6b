// A credit reversed after it was paid (the creditor's bank returned it, or the bank recalled it): the money
// goes back to the debtor account. It is booked on that account's statement of the day it happens, as a
// CRDT entry with RvslInd and the credit's EndToEndId, which is how reconciliation learns that a payment it
// saw settled was undone. At most one reversal per credit: asking again answers the first.
import type { PoolClient } from 'pg';
import { reserveDaySeq, UTC_TODAY } from '../shared/day-sequence';

export interface Reversal {
  /** NtryRef of the reversal on the statement. */
  entryReference: string;
  /** NtryRef of the credit it reverses. */
  originalEntryReference: string;
  endToEndId: string;
  messageId: string;
  debtorAccount: string;
  amount: string;
  currency: string;
  bookedAt: string;
  bookingDate: string;
}

export type ReversalResult = { kind: 'booked' | 'existing'; reversal: Reversal } | { kind: 'notFound' };

interface ReversalRow {
  entry_ref: string;
  original_ref: string;
  end_to_end_id: string;
  message_id: string;
  debtor_account: string;
  amount: string;
  currency: string;
  booked_at: Date;
  book_day: string;
}

const SELECT_REVERSAL = `
  SELECT r.entry_ref, e.entry_ref AS original_ref, r.end_to_end_id, r.message_id, r.debtor_account, r.amount::text,
         r.currency, r.booked_at, r.book_day::text
    FROM bank_reversal r JOIN bank_ledger_entry e ON e.seq = r.ledger_seq`;

const toReversal = (r: ReversalRow): Reversal => ({
  entryReference: r.entry_ref,
  originalEntryReference: r.original_ref,
  endToEndId: r.end_to_end_id,
  messageId: r.message_id,
  debtorAccount: r.debtor_account,
  amount: r.amount,
  currency: r.currency,
  bookedAt: r.booked_at.toISOString(),
  bookingDate: r.book_day,
});

/** Runs inside the caller's transaction. Reverses the first credit booked for the EndToEndId. */
export async function reverseCredit(c: PoolClient, endToEndId: string): Promise<ReversalResult> {
  const { rows: credits } = await c.query<{ seq: string; debtor_account: string; amount: string; currency: string }>(
    'SELECT seq, debtor_account, amount::text, currency FROM bank_ledger_entry WHERE end_to_end_id = $1 ORDER BY seq LIMIT 1',
    [endToEndId],
  );
  const credit = credits[0];
  if (!credit) return { kind: 'notFound' };
  // The debtor's booking lock (as settlement takes it): concurrent reversals of this credit take turns, so
  // the second finds the first instead of reserving a statement number it would not use.
  await c.query(`SELECT pg_advisory_xact_lock(hashtextextended('bank_ledger:' || $1, 0))`, [credit.debtor_account]);
  const existing = await c.query<ReversalRow>(`${SELECT_REVERSAL} WHERE r.ledger_seq = $1`, [credit.seq]);
  if (existing.rows[0]) return { kind: 'existing', reversal: toReversal(existing.rows[0]) };

  const { first } = await reserveDaySeq(c, { table: 'bank_statement_day', keys: ['account'] }, [credit.debtor_account], 1);
  await c.query(
    `INSERT INTO bank_statement_total (account, currency, book_day, credits) VALUES ($1, $2, ${UTC_TODAY}, $3::numeric)
     ON CONFLICT (account, currency, book_day) DO UPDATE SET credits = bank_statement_total.credits + EXCLUDED.credits`,
    [credit.debtor_account, credit.currency, credit.amount],
  );
  const { rows } = await c.query<{ id: string }>(
    `INSERT INTO bank_reversal (ledger_seq, message_id, end_to_end_id, debtor_account, creditor_account, amount, currency,
                                booked_at, book_day, day_seq)
     SELECT seq, message_id, end_to_end_id, debtor_account, creditor_account, amount, currency, now(), ${UTC_TODAY}, $2
       FROM bank_ledger_entry WHERE seq = $1
     RETURNING id`,
    [credit.seq, first + 1],
  );
  const booked = await c.query<ReversalRow>(`${SELECT_REVERSAL} WHERE r.id = $1`, [rows[0]?.id]);
  if (!booked.rows[0]) throw new Error(`reversal of ${endToEndId} vanished while booking`);
  return { kind: 'booked', reversal: toReversal(booked.rows[0]) };
}

// Statement pages by position instead of OFFSET. Every entry booked on a statement (an account's UTC
// booking day, per the rail's own key) gets a dense number 1, 2, 3, ... from a counter row, so page N is
// the index range ((N-1)·size, N·size]: reading it costs one page, not every page before it.
// The counter is bumped by an upsert in the booking transaction; its row lock makes concurrent bookings of
// the same statement take turns until commit, so a reader only ever sees 1..k, without gaps or late
// arrivals below k. A booking that reserves a range must always fill it (or roll back).
import type { PoolClient } from 'pg';

/** The UTC booking day of a transaction, as booked_at / completed_at (both now()) fall on it. */
export const UTC_TODAY = `(now() AT TIME ZONE 'UTC')::date`;

/** Entries per statement page, for both rails (about 5 MB of camt.053 XML, 1.5 MB of JSON). */
export const PAGE_SIZE = 5_000;

/** First and last day_seq on a page (pages from 1). */
export function pageBounds(page: number, size = PAGE_SIZE): [number, number] {
  return [(page - 1) * size + 1, page * size];
}

export interface DayCounter {
  table: 'bank_statement_day' | 'wallet_settlement_day';
  /** Key columns before book_day, e.g. ['account'], with their values in reserve(). */
  keys: readonly string[];
}

/**
 * Reserves `count` numbers on today's statement of `key`: the booking numbers its entries first + 1 ..
 * first + count. Holds the counter row's lock until the caller's transaction ends.
 */
export async function reserveDaySeq(
  c: PoolClient,
  counter: DayCounter,
  key: readonly string[],
  count: number,
  /** A running total kept on the counter row, raised by this exact decimal amount. */
  add?: { column: 'transfers' | 'reversals'; amount: string },
): Promise<{ day: string; first: number }> {
  const { table } = counter;
  const cols = counter.keys.join(', ');
  const params = key.map((_, i) => `$${i + 1}`).join(', ');
  const [n, amount] = [`$${key.length + 1}::bigint`, `$${key.length + 2}::numeric`];
  const { rows } = await c.query<{ day: string; last_seq: string }>(
    `INSERT INTO ${table} (${cols}, book_day, last_seq${add ? `, ${add.column}` : ''}) VALUES (${params}, ${UTC_TODAY}, ${n}${add ? `, ${amount}` : ''})
     ON CONFLICT (${cols}, book_day) DO UPDATE SET last_seq = ${table}.last_seq + EXCLUDED.last_seq
       ${add ? `, ${add.column} = ${table}.${add.column} + EXCLUDED.${add.column}` : ''}
     RETURNING book_day::text AS day, last_seq::text`,
    add ? [...key, count, add.amount] : [...key, count],
  );
  const row = rows[0];
  if (!row) throw new Error(`${counter.table}: no counter row returned`);
  return { day: row.day, first: Number(row.last_seq) - count };
}

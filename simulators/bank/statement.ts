// camt.053 statements from the ledger: one business day (UTC date of booking) of one account, entries in
// booking order. Balances start at zero with the account's first booking, so closing = opening + the day's
// credits − debits, and a day's opening is the previous day's closing. One Stmt per currency booked.
// A busy day comes in pages of STATEMENT_PAGE_SIZE entries (GrpHdr/MsgPgntn), as banks split large
// statements: every page carries the opening balance, the last one the closing balance too. Pages are
// read by each entry's number on its day (shared/day-sequence.ts) and balances from the day totals, so a
// page costs the same whether it is the first or the hundredth.
import { createHash, randomUUID } from 'node:crypto';
import Decimal from 'decimal.js';
import type { Camt053, Camt053Balance, Camt053Statement } from '../../lib/iso20022/camt053';
import type { Queryable } from './reports';
import { pageBounds, PAGE_SIZE } from '../shared/day-sequence';
import { ledgerAmount } from '../shared/ledger-amount';

/** Entries per page: a page of 5,000 is about 5 MB of XML, read and parsed in well under a second. */
export const STATEMENT_PAGE_SIZE = PAGE_SIZE;

/** ISO 4217's "no currency": the balance of an account that has never booked anything. */
const NO_CURRENCY = 'XXX';

interface EntryRow {
  entry_ref: string;
  end_to_end_id: string;
  message_id: string;
  amount: string;
  currency: string;
  creditor_account: string;
  reversal: boolean;
}

// Credits paid out of the account (DBIT) and reversals of them returned to it (CRDT, RvslInd), by number.
const PAGE_ENTRIES = `
  SELECT * FROM (
    SELECT day_seq, entry_ref, end_to_end_id, message_id, amount::text, currency, creditor_account, false AS reversal
      FROM bank_ledger_entry WHERE debtor_account = $1 AND book_day = $2 AND day_seq BETWEEN $3 AND $4
    UNION ALL
    SELECT day_seq, entry_ref, end_to_end_id, message_id, amount::text, currency, creditor_account, true
      FROM bank_reversal WHERE debtor_account = $1 AND book_day = $2 AND day_seq BETWEEN $3 AND $4) e
   ORDER BY day_seq`;

function balance(type: 'OPBD' | 'CLBD', signed: Decimal, currency: string, date: string): Camt053Balance {
  // Amounts are unsigned in ISO 20022: the sign is CdtDbtInd (a zero balance is reported as credit).
  return {
    type,
    amount: ledgerAmount(signed.abs()),
    currency,
    creditDebit: signed.isNegative() && !signed.isZero() ? 'DBIT' : 'CRDT',
    date,
  };
}

export async function dailyStatement(q: Queryable, account: string, date: string, page = 1): Promise<Camt053> {
  const from = new Date(`${date}T00:00:00.000Z`);
  const to = new Date(from.getTime() + 86_400_000);
  // Balance = what came back (reversals) − what went out (credits), from the per-day totals.
  const { rows: currencies } = await q.query<{ currency: string; before: string; day: string }>(
    `SELECT currency, COALESCE(sum(credits - debits) FILTER (WHERE book_day < $2), 0)::text AS before,
            COALESCE(sum(credits - debits) FILTER (WHERE book_day = $2), 0)::text AS day
       FROM bank_statement_total WHERE account = $1 AND book_day <= $2 GROUP BY currency ORDER BY currency`,
    [account, date],
  );
  const [first, last] = pageBounds(page);
  const { rows: entries } = await q.query<EntryRow>(PAGE_ENTRIES, [account, date, first, last]);
  const counter = await q.query<{ last_seq: string }>('SELECT last_seq FROM bank_statement_day WHERE account = $1 AND book_day = $2', [
    account,
    date,
  ]);
  const lastPage = Number(counter.rows[0]?.last_seq ?? 0) <= last;
  const createdAt = new Date().toISOString();
  const books = currencies.length ? currencies : [{ currency: NO_CURRENCY, before: '0', day: '0' }];
  const statements = books.map(({ currency, before, day: dayTotal }): Camt053Statement => {
    const day = entries.filter((e) => e.currency === currency);
    const opening = new Decimal(before);
    const closing = opening.plus(dayTotal);
    const id = createHash('sha256').update(`${account}|${currency}`).digest('hex').slice(0, 12);
    return {
      id: `STMT-${date.replaceAll('-', '')}-${id}`,
      createdAt,
      fromDateTime: from.toISOString(),
      toDateTime: new Date(to.getTime() - 1).toISOString(),
      account,
      ...(currency === NO_CURRENCY ? {} : { currency }),
      balances: [balance('OPBD', opening, currency, date), ...(lastPage ? [balance('CLBD', closing, currency, date)] : [])],
      entries: day.map((e) => ({
        reference: e.entry_ref,
        amount: e.amount,
        currency: e.currency,
        creditDebit: e.reversal ? 'CRDT' : 'DBIT',
        ...(e.reversal ? { reversal: true } : {}),
        status: 'BOOK',
        bookingDate: date,
        valueDate: date,
        details: [{ messageId: e.message_id, endToEndId: e.end_to_end_id, creditorAccount: e.creditor_account }],
      })),
    };
  });
  return { messageId: `C53${randomUUID().replaceAll('-', '')}`, createdAt, pagination: { pageNumber: page, lastPage }, statements };
}

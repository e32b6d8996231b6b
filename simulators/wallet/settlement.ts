// The daily settlement report of a debit account: what the provider says it paid (transfers) and took back
// (reversals) on a UTC day, in booking order, with the exact net total. One currency per report: an account
// paying in several must name the one it wants. Pages are read by each entry's number on its report
// (shared/day-sequence.ts) and the total from the report's counter row, so every page costs the same.
import Decimal from 'decimal.js';
import type { PoolClient } from 'pg';
import { pageBounds, PAGE_SIZE } from '../shared/day-sequence';
import { ledgerAmount } from '../shared/ledger-amount';

/** Entries per settlement page (about 1.5 MB of JSON): a million-payment day is read in pages. */
export const SETTLEMENT_PAGE_SIZE = PAGE_SIZE;

export interface SettlementEntry {
  /** A transfer credited the wallet; a reversal took it back (same requestingOrganisationTransactionReference). */
  type: 'transfer' | 'reversal';
  /** The provider's own reference of this entry: WT… for a transfer, WR… for a reversal. */
  transactionReference: string;
  requestingOrganisationTransactionReference: string;
  msisdn: string;
  /** Unsigned; a reversal counts against the total. */
  amount: string;
  currency: string;
  completedAt: string;
}

export interface SettlementReport {
  account: string;
  date: string;
  currency: string | null;
  /** Pages from 1; the reader asks for the next until lastPage. */
  page: number;
  lastPage: boolean;
  entries: SettlementEntry[];
  /** The whole day's transfers minus reversals, on every page. */
  total: string;
}

export type SettlementResult = { kind: 'report'; report: SettlementReport } | { kind: 'mixedCurrencies'; currencies: string[] };

interface EntryRow {
  type: 'transfer' | 'reversal';
  transaction_reference: string;
  reference: string;
  msisdn: string;
  amount: string;
  currency: string;
  completed_at: Date;
}

const PAGE_ENTRIES = `
  SELECT type, transaction_reference, reference, msisdn, amount, currency, completed_at FROM (
    SELECT day_seq, 'transfer' AS type, transaction_reference, reference, msisdn, amount::text, currency, completed_at
      FROM wallet_ledger_entry
     WHERE instance_id = $1 AND debit_account = $2 AND currency = $3 AND book_day = $4 AND day_seq BETWEEN $5 AND $6
    UNION ALL
    SELECT day_seq, 'reversal', transaction_reference, reference, msisdn, amount::text, currency, completed_at
      FROM wallet_reversal
     WHERE instance_id = $1 AND debit_account = $2 AND currency = $3 AND book_day = $4 AND day_seq BETWEEN $5 AND $6) e
   ORDER BY day_seq`;

/** Runs in one snapshot (shared/pg-transaction.ts inSnapshot), so entries, lastPage and total agree. */
export async function settlement(
  c: PoolClient,
  instanceId: string,
  account: string,
  date: string,
  currency: string | undefined,
  page = 1,
): Promise<SettlementResult> {
  const { rows: days } = await c.query<{ currency: string; last_seq: string; total: string }>(
    `SELECT currency, last_seq::text, (transfers - reversals)::text AS total FROM wallet_settlement_day
      WHERE instance_id = $1 AND account = $2 AND book_day = $3 AND ($4::text IS NULL OR currency = $4) ORDER BY currency`,
    [instanceId, account, date, currency ?? null],
  );
  if (days.length > 1) return { kind: 'mixedCurrencies', currencies: days.map((d) => d.currency) };
  const day = days[0];
  const [first, last] = pageBounds(page);
  const { rows } = day ? await c.query<EntryRow>(PAGE_ENTRIES, [instanceId, account, day.currency, date, first, last]) : { rows: [] };
  const entries = rows.map((r) => ({
    type: r.type,
    transactionReference: r.transaction_reference,
    requestingOrganisationTransactionReference: r.reference,
    msisdn: r.msisdn,
    amount: r.amount,
    currency: r.currency,
    completedAt: r.completed_at.toISOString(),
  }));
  const lastPage = Number(day?.last_seq ?? 0) <= last;
  // The day's total on every page, so a reader can check the sum of the pages it read.
  const total = ledgerAmount(new Decimal(day?.total ?? 0));
  return { kind: 'report', report: { account, date, currency: currency ?? day?.currency ?? null, page, lastPage, entries, total } };
}

// Read-only views of the wallet ledger: one transaction, the daily settlement report of a debit
// account (what the provider says it paid, for reconciliation), and the test harness's summary.
import Decimal from 'decimal.js';
import type { Pool } from 'pg';
import type { LedgerSummary, SettlementReport } from './messages';
import { ledgerAmount } from '../shared/ledger-amount';

export type SettlementResult = { kind: 'report'; report: SettlementReport } | { kind: 'mixedCurrencies'; currencies: string[] };

export interface WalletTransactionView {
  transactionReference: string;
  requestingOrganisationTransactionReference: string;
  type: 'disbursement';
  transactionStatus: 'completed';
  amount: string;
  currency: string;
  debitParty: Array<{ key: 'accountid'; value: string }>;
  creditParty: Array<{ key: 'msisdn'; value: string }>;
  modificationDate: string;
}

/** A completed transaction by the provider's own reference (the `link` of a completion). */
export async function transaction(pool: Pool, instanceId: string, transactionReference: string): Promise<WalletTransactionView | null> {
  const { rows } = await pool.query<{ reference: string; debit_account: string; msisdn: string; amount: string; currency: string; completed_at: Date }>(
    `SELECT reference, debit_account, msisdn, amount, currency, completed_at FROM wallet_txn
      WHERE instance_id = $1 AND transaction_reference = $2 AND is_original`,
    [instanceId, transactionReference],
  );
  const t = rows[0];
  if (!t) return null;
  return {
    transactionReference,
    requestingOrganisationTransactionReference: t.reference,
    type: 'disbursement',
    transactionStatus: 'completed',
    amount: t.amount,
    currency: t.currency,
    debitParty: [{ key: 'accountid', value: t.debit_account }],
    creditParty: [{ key: 'msisdn', value: t.msisdn }],
    modificationDate: t.completed_at.toISOString(),
  };
}

/**
 * Credits of one debit account completed on a UTC day, in booking order, with their exact total.
 * One currency per report: an account paying in several must name the one it wants.
 */
/** Entries per settlement page (about 1.5 MB of JSON): a million-payment day is read in pages. */
export const SETTLEMENT_PAGE_SIZE = 5_000;

export async function settlement(pool: Pool, instanceId: string, account: string, date: string, currency: string | undefined, page = 1): Promise<SettlementResult> {
  const day = `instance_id = $1 AND debit_account = $2 AND ($4::text IS NULL OR currency = $4)
        AND completed_at >= ($3::date)::timestamp AT TIME ZONE 'UTC' AND completed_at < ($3::date + 1)::timestamp AT TIME ZONE 'UTC'`;
  const params = [instanceId, account, date, currency ?? null];
  const totals = await pool.query<{ currency: string; total: string }>(`SELECT currency, sum(amount)::text AS total FROM wallet_ledger_entry WHERE ${day} GROUP BY currency`, params);
  const currencies = totals.rows.map((r) => r.currency).sort();
  if (currencies.length > 1) return { kind: 'mixedCurrencies', currencies };
  const { rows: found } = await pool.query<{ transaction_reference: string; reference: string; msisdn: string; amount: string; currency: string; completed_at: Date }>(
    `SELECT transaction_reference, reference, msisdn, amount, currency, completed_at FROM wallet_ledger_entry WHERE ${day}
      ORDER BY seq OFFSET $5 LIMIT $6`,
    [...params, (page - 1) * SETTLEMENT_PAGE_SIZE, SETTLEMENT_PAGE_SIZE + 1],
  );
  const rows = found.slice(0, SETTLEMENT_PAGE_SIZE);
  const total = new Decimal(totals.rows[0]?.total ?? 0);
  const entries = rows.map((r) => ({
    transactionReference: r.transaction_reference,
    requestingOrganisationTransactionReference: r.reference,
    msisdn: r.msisdn,
    amount: r.amount,
    currency: r.currency,
    completedAt: r.completed_at.toISOString(),
  }));
  // The day's total on every page, so a reader can check the sum of the pages it read.
  return { kind: 'report', report: { account, date, currency: currency ?? currencies[0] ?? null, page, lastPage: found.length <= SETTLEMENT_PAGE_SIZE, entries, total: ledgerAmount(total) } };
}

/** Counts straight from the ledger: entries per distinct reference must be exactly one. */
export async function summary(pool: Pool, instanceId: string, account: string): Promise<LedgerSummary> {
  const { rows } = await pool.query<{ entries: string; distinct_refs: string }>(
    `SELECT count(*) AS entries, count(DISTINCT reference) AS distinct_refs FROM wallet_ledger_entry WHERE instance_id = $1 AND debit_account = $2`,
    [instanceId, account],
  );
  const totals = await pool.query<{ currency: string; amount: string }>(
    `SELECT currency, sum(amount)::text AS amount FROM wallet_ledger_entry
      WHERE instance_id = $1 AND debit_account = $2 GROUP BY currency ORDER BY currency`,
    [instanceId, account],
  );
  return { account, entries: Number(rows[0]?.entries ?? 0), distinctReferences: Number(rows[0]?.distinct_refs ?? 0), totals: totals.rows };
}

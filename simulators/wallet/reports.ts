// Read-only views of the wallet ledger: one transaction and the test harness's summary (the daily
// settlement report is settlement.ts).
import type { Pool } from 'pg';
import type { LedgerSummary } from './messages';

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
  const { rows } = await pool.query<{
    reference: string;
    debit_account: string;
    msisdn: string;
    amount: string;
    currency: string;
    completed_at: Date;
  }>(
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

/** Counts straight from the ledger: entries per distinct reference must be exactly one. */
export async function summary(pool: Pool, instanceId: string, account: string): Promise<LedgerSummary> {
  const { rows } = await pool.query<{ entries: string; distinct_refs: string; reversals: string }>(
    `SELECT count(*) AS entries, count(DISTINCT reference) AS distinct_refs,
            (SELECT count(*) FROM wallet_reversal WHERE instance_id = $1 AND debit_account = $2) AS reversals
       FROM wallet_ledger_entry WHERE instance_id = $1 AND debit_account = $2`,
    [instanceId, account],
  );
  // The same totals the settlement reports come from: transfers minus reversals.
  const totals = await pool.query<{ currency: string; amount: string }>(
    `SELECT currency, sum(transfers - reversals)::text AS amount FROM wallet_settlement_day
      WHERE instance_id = $1 AND account = $2 GROUP BY currency ORDER BY currency`,
    [instanceId, account],
  );
  return {
    account,
    entries: Number(rows[0]?.entries ?? 0),
    distinctReferences: Number(rows[0]?.distinct_refs ?? 0),
    reversals: Number(rows[0]?.reversals ?? 0),
    totals: totals.rows,
  };
}

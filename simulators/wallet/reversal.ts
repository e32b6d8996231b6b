// A transfer taken back after it completed (fraud recall, wrong wallet): the money returns from the
// wallet to the debit account. It appears on the settlement report of the day it happens as a 'reversal'
// entry with the transfer's requestingOrganisationTransactionReference, which is how reconciliation learns
// that a payment it saw completed was undone. At most one per transfer: asking again answers the first.
import type { PoolClient } from 'pg';
import { reserveDaySeq, UTC_TODAY } from '../shared/day-sequence';

export interface WalletReversal {
  /** The provider's reference of the reversal (WR…). */
  transactionReference: string;
  /** The transfer it reverses (WT…). */
  originalTransactionReference: string;
  requestingOrganisationTransactionReference: string;
  type: 'reversal';
  transactionStatus: 'completed';
  amount: string;
  currency: string;
  /** The money moves back: from the wallet to the account. */
  debitParty: Array<{ key: 'msisdn'; value: string }>;
  creditParty: Array<{ key: 'accountid'; value: string }>;
  modificationDate: string;
}

export type WalletReversalResult = { kind: 'booked' | 'existing'; reversal: WalletReversal } | { kind: 'notFound' };

interface ReversalRow {
  transaction_reference: string;
  original_reference: string;
  reference: string;
  debit_account: string;
  msisdn: string;
  amount: string;
  currency: string;
  completed_at: Date;
}

const SELECT_REVERSAL = `
  SELECT r.transaction_reference, e.transaction_reference AS original_reference, r.reference, r.debit_account, r.msisdn,
         r.amount::text, r.currency, r.completed_at
    FROM wallet_reversal r JOIN wallet_ledger_entry e ON e.seq = r.ledger_seq`;

const toReversal = (r: ReversalRow): WalletReversal => ({
  transactionReference: r.transaction_reference,
  originalTransactionReference: r.original_reference,
  requestingOrganisationTransactionReference: r.reference,
  type: 'reversal',
  transactionStatus: 'completed',
  amount: r.amount,
  currency: r.currency,
  debitParty: [{ key: 'msisdn', value: r.msisdn }],
  creditParty: [{ key: 'accountid', value: r.debit_account }],
  modificationDate: r.completed_at.toISOString(),
});

/** Runs inside the caller's transaction. Reverses the first credit booked for the reference. */
export async function reverseTransfer(c: PoolClient, instanceId: string, reference: string): Promise<WalletReversalResult> {
  // The credit's row lock: concurrent reversals of it take turns, so the second finds the first instead of
  // reserving a report number it would not use.
  const { rows: credits } = await c.query<{ seq: string; debit_account: string; amount: string; currency: string }>(
    `SELECT seq, debit_account, amount::text, currency FROM wallet_ledger_entry
      WHERE instance_id = $1 AND reference = $2 ORDER BY seq LIMIT 1 FOR UPDATE`,
    [instanceId, reference],
  );
  const credit = credits[0];
  if (!credit) return { kind: 'notFound' };
  const existing = await c.query<ReversalRow>(`${SELECT_REVERSAL} WHERE r.ledger_seq = $1`, [credit.seq]);
  if (existing.rows[0]) return { kind: 'existing', reversal: toReversal(existing.rows[0]) };

  const counter = { table: 'wallet_settlement_day', keys: ['instance_id', 'account', 'currency'] } as const;
  const { first } = await reserveDaySeq(c, counter, [instanceId, credit.debit_account, credit.currency], 1, {
    column: 'reversals',
    amount: credit.amount,
  });
  const { rows } = await c.query<{ id: string }>(
    `INSERT INTO wallet_reversal (ledger_seq, instance_id, reference, debit_account, msisdn, amount, currency, completed_at, book_day, day_seq)
     SELECT seq, instance_id, reference, debit_account, msisdn, amount, currency, now(), ${UTC_TODAY}, $2 FROM wallet_ledger_entry WHERE seq = $1
     RETURNING id`,
    [credit.seq, first + 1],
  );
  const booked = await c.query<ReversalRow>(`${SELECT_REVERSAL} WHERE r.id = $1`, [rows[0]?.id]);
  if (!booked.rows[0]) throw new Error(`reversal of ${reference} vanished while booking`);
  return { kind: 'booked', reversal: toReversal(booked.rows[0]) };
}

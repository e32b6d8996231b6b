// Processing of one batch, inside the caller's transaction. The batch row is locked first and every
// transaction update is guarded by status = 'pending', so two settlers can never credit the same one.
import { randomUUID } from 'node:crypto';
import type { PoolClient } from 'pg';
import type { BatchStatus } from './messages';
import type { WalletFaults } from './faults';
import { UTC_TODAY } from '../shared/day-sequence';

export interface SettleRules {
  faults: Pick<
    WalletFaults,
    'unknownWallets' | 'closedWallets' | 'kycLimit' | 'outOfOrderCallbacks' | 'duplicateCallbackRate' | 'lostCallbackRate'
  >;
  /** True with the given probability (the fault state's seeded draw). */
  chance(rate: number): boolean;
}

export type SettleOutcome =
  | { kind: 'progressed'; status: BatchStatus; total: number; completed: number; rejected: number; notifications: number }
  | { kind: 'skipped' } // completed already, or another settler holds it
  | { kind: 'waiting' }; // resends wait for their originals in other batches; nothing changed

interface Counts {
  total: number;
  completed: number;
  rejected: number;
}

async function counts(c: PoolClient, batchId: string): Promise<Counts> {
  const { rows } = await c.query<{ total: string; completed: string; rejected: string }>(
    `SELECT count(*) AS total, count(*) FILTER (WHERE status = 'completed') AS completed, count(*) FILTER (WHERE status = 'rejected') AS rejected
       FROM wallet_txn WHERE batch_id = $1`,
    [batchId],
  );
  const r = rows[0];
  return { total: Number(r?.total ?? 0), completed: Number(r?.completed ?? 0), rejected: Number(r?.rejected ?? 0) };
}

export async function settleBatch(c: PoolClient, batchId: string, rules: SettleRules): Promise<SettleOutcome> {
  const { rows } = await c.query<{ instance_id: string; correlation_id: string; callback_url: string | null; status: BatchStatus }>(
    `SELECT instance_id, correlation_id, callback_url, status FROM wallet_batch
      WHERE batch_id = $1 AND status <> 'completed' FOR UPDATE SKIP LOCKED`,
    [batchId],
  );
  const batch = rows[0];
  if (!batch) return { kind: 'skipped' };
  const firstPass = batch.status === 'created';
  if (firstPass) await c.query(`UPDATE wallet_batch SET status = 'approved', approved_at = now() WHERE batch_id = $1`, [batchId]);
  const atApproval = await counts(c, batchId);
  const { faults } = rules;
  let changed = 0;
  const run = async (sql: string, params: unknown[]) => (changed += (await c.query(sql, params)).rowCount ?? 0);

  // A resend with other details than the original is refused; an exact one reports the original's outcome.
  await run(
    `UPDATE wallet_txn SET status = 'rejected', rejection_reason = 'duplicateTransactionReference', rejected_at = now()
      WHERE batch_id = $1 AND status = 'pending' AND conflicts_original`,
    [batchId],
  );
  await run(
    `UPDATE wallet_txn d SET status = o.status, rejection_reason = o.rejection_reason, transaction_reference = o.transaction_reference,
            completed_at = o.completed_at, rejected_at = o.rejected_at
       FROM wallet_txn o
      WHERE d.batch_id = $1 AND d.status = 'pending' AND o.id = d.duplicate_of_txn AND o.status <> 'pending'`,
    [batchId],
  );
  // Permanent per-wallet failures, checked when the provider tries to credit: the drill's lists, then the
  // holder check of a transaction that names its recipient (recipient-check.ts), then the KYC tier.
  await run(
    `UPDATE wallet_txn t SET rejected_at = now(), status = 'rejected',
            rejection_reason = CASE WHEN t.msisdn = ANY($2::text[]) THEN 'unknownWallet'
                                    WHEN t.msisdn = ANY($3::text[]) THEN 'accountClosed'
                                    WHEN t.recipient_rejection IS NOT NULL THEN t.recipient_rejection ELSE 'kycLimitExceeded' END
      WHERE t.batch_id = $1 AND t.status = 'pending' AND t.is_original
        AND (t.msisdn = ANY($2::text[]) OR t.msisdn = ANY($3::text[]) OR t.recipient_rejection IS NOT NULL
             OR t.amount > coalesce((SELECT k.lim FROM unnest($4::text[], $5::numeric[]) AS k(msisdn, lim) WHERE k.msisdn = t.msisdn), $6::numeric))`,
    [
      batchId,
      faults.unknownWallets,
      faults.closedWallets,
      Object.keys(faults.kycLimit.perWallet),
      Object.values(faults.kycLimit.perWallet),
      faults.kycLimit.default,
    ],
  );
  // One statement: credit the wallets, and number each credit on its settlement report (debit account,
  // currency, today) after the counter's last number, reserving exactly as many as are booked. Counter
  // rows are taken in key order, so batches debiting the same accounts cannot deadlock.
  await run(
    `WITH credited AS (
       UPDATE wallet_txn SET status = 'completed', completed_at = now(), transaction_reference = 'WT' || lpad(id::text, 12, '0')
        WHERE batch_id = $1 AND status = 'pending' AND is_original
        RETURNING id, position, transaction_reference, reference, debit_account, msisdn, amount, currency, completed_at),
     reserved AS (
       INSERT INTO wallet_settlement_day AS d (instance_id, account, currency, book_day, last_seq, transfers)
       SELECT $2, debit_account, currency, ${UTC_TODAY}, count(*), sum(amount) FROM credited
        GROUP BY debit_account, currency ORDER BY debit_account, currency
       ON CONFLICT (instance_id, account, currency, book_day)
       DO UPDATE SET last_seq = d.last_seq + EXCLUDED.last_seq, transfers = d.transfers + EXCLUDED.transfers
       RETURNING account, currency, last_seq)
     INSERT INTO wallet_ledger_entry (instance_id, txn_id, batch_id, transaction_reference, reference, debit_account, msisdn, amount, currency,
                                      completed_at, book_day, day_seq)
     SELECT $2, c.id, $1, c.transaction_reference, c.reference, c.debit_account, c.msisdn, c.amount, c.currency, c.completed_at, ${UTC_TODAY},
            r.last_seq - count(*) OVER report + row_number() OVER (report ORDER BY c.position)
       FROM credited c JOIN reserved r ON r.account = c.debit_account AND r.currency = c.currency
     WINDOW report AS (PARTITION BY c.debit_account, c.currency) ORDER BY c.position`,
    [batchId, batch.instance_id],
  );
  if (!firstPass && changed === 0) return { kind: 'waiting' };

  const now = await counts(c, batchId);
  const final = now.completed + now.rejected === now.total;
  if (final) await c.query(`UPDATE wallet_batch SET status = 'completed', completed_at = now() WHERE batch_id = $1`, [batchId]);
  const status: BatchStatus = final ? 'completed' : 'approved';

  let notifications = 0;
  const notify = async (snapshot: Counts, batchStatus: BatchStatus, isFinal: boolean, held: boolean) => {
    if (!batch.callback_url) return;
    const eventId = randomUUID();
    const lost = rules.chance(faults.lostCallbackRate);
    const copies = !lost && rules.chance(faults.duplicateCallbackRate) ? 2 : 1;
    const body = { batchId, batchStatus, completedCount: snapshot.completed, rejectionCount: snapshot.rejected };
    for (let copy = 0; copy < copies; copy++) {
      await c.query(
        `INSERT INTO wallet_outbox (event_id, instance_id, batch_id, correlation_id, callback_url, body, final, held, failed_at, last_error)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, CASE WHEN $9::boolean THEN now() END, CASE WHEN $9::boolean THEN 'lost by fault injection' END)`,
        [eventId, batch.instance_id, batchId, batch.correlation_id, batch.callback_url, JSON.stringify(body), isFinal, held, lost],
      );
    }
    if (!lost) notifications += copies;
  };
  if (final) {
    await notify(now, 'completed', true, false);
    // Out of order: the stale 'approved' state arrives after the final one.
    if (firstPass && faults.outOfOrderCallbacks) await notify(atApproval, 'approved', false, true);
  } else if (firstPass) {
    await notify(now, 'approved', false, faults.outOfOrderCallbacks); // partial progress
  }
  return { kind: 'progressed', status, ...now, notifications };
}

// Receipt of a batch request: idempotent on the client's X-CorrelationID, and every transaction
// reference the provider already holds (from any earlier batch) is recorded as a duplicate pointing at
// the original, so it is never credited again and reports the original's outcome.
import { randomUUID } from 'node:crypto';
import Decimal from 'decimal.js';
import type { PoolClient } from 'pg';
import {
  requestHash,
  type AsyncResponse,
  type BatchRequest,
  type ReceiveResult,
  type RejectionReason,
  type WalletTransaction,
} from './messages';

/** How often a client may poll the request state (GSMA pollLimit). */
export const POLL_LIMIT = 100;

interface Original {
  id: string;
  reference: string;
  amount: string;
  currency: string;
  debit_account: string;
  msisdn: string;
}

interface Row {
  t: WalletTransaction;
  position: number;
  original?: Original;
}

type Kind = 'original' | 'duplicate' | 'refused';

export const asyncResponse = (batchId: string, serverCorrelationId: string, callbackUrl: string | null): AsyncResponse => ({
  serverCorrelationId,
  status: 'pending',
  notificationMethod: callbackUrl ? 'callback' : 'polling',
  objectReference: batchId,
  pollLimit: POLL_LIMIT,
});

/** Why the provider will not credit a transaction's wallet (recipient-check.ts), or null. */
export type RecipientJudge = (t: WalletTransaction) => RejectionReason | null;

/**
 * Runs inside the caller's transaction; writes nothing on a replay or a conflict. `refused` decides
 * partial acceptance: a refused transaction is rejected at once and does not claim its reference
 * (the provider never took it), so a later resend is judged afresh. `judge`'s reason is kept with each
 * original transaction and applied when the provider tries to credit it (settle.ts).
 */
export async function receiveBatch(
  c: PoolClient,
  instanceId: string,
  req: BatchRequest,
  refused: (reference: string) => boolean,
  judge: RecipientJudge = () => null,
): Promise<ReceiveResult> {
  const hash = requestHash(req);
  const batchId = randomUUID();
  const serverCorrelationId = randomUUID();
  // A concurrent identical submit blocks on the unique key here until we commit, then sees our row.
  const inserted = await c.query(
    `INSERT INTO wallet_batch (batch_id, server_correlation_id, instance_id, correlation_id, callback_url, body_hash,
                               batch_title, batch_description, scheduled_start_date, transaction_count, parsing_success_count)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) ON CONFLICT (instance_id, correlation_id) DO NOTHING RETURNING batch_id`,
    [
      batchId,
      serverCorrelationId,
      instanceId,
      req.correlationId,
      req.callbackUrl,
      hash,
      req.batchTitle,
      req.batchDescription ?? null,
      req.scheduledStartDate ?? null,
      req.transactions.length,
    ],
  );
  if (!inserted.rowCount) {
    const { rows } = await c.query<{ batch_id: string; server_correlation_id: string; callback_url: string | null; body_hash: string }>(
      'SELECT batch_id, server_correlation_id, callback_url, body_hash FROM wallet_batch WHERE instance_id = $1 AND correlation_id = $2',
      [instanceId, req.correlationId],
    );
    const old = rows[0];
    if (!old) throw new Error(`batch ${req.correlationId} vanished during receipt`);
    if (old.body_hash !== hash) return { kind: 'conflict' };
    return { kind: 'replayed', response: asyncResponse(old.batch_id, old.server_correlation_id, old.callback_url) };
  }

  const rows: Row[] = req.transactions.map((t, position) => ({ t, position }));
  await attachOriginals(c, instanceId, rows);
  const unheld = rows.filter((r) => !r.original);
  const refusedRows = unheld.filter((r) => refused(r.t.reference));
  // Sorted so concurrent receipts take the unique-index locks in the same order (no deadlock).
  const fresh = unheld.filter((r) => !refusedRows.includes(r)).sort((a, b) => (a.t.reference < b.t.reference ? -1 : 1));
  const claimed = await insertTxns(c, batchId, instanceId, fresh, 'original', judge);
  const lost = fresh.filter((r) => !claimed.has(r.t.reference));
  // Another batch claimed these references between our lookup and our insert: duplicates too.
  if (lost.length > 0) await attachOriginals(c, instanceId, lost);
  if (lost.some((r) => !r.original)) throw new Error(`batch ${batchId}: reference conflict without an original`);
  await insertTxns(
    c,
    batchId,
    instanceId,
    rows.filter((r) => r.original),
    'duplicate',
  );
  await insertTxns(c, batchId, instanceId, refusedRows, 'refused');
  if (refusedRows.length > 0) {
    await c.query('UPDATE wallet_batch SET parsing_success_count = transaction_count - $2 WHERE batch_id = $1', [
      batchId,
      refusedRows.length,
    ]);
  }
  return { kind: 'accepted', response: asyncResponse(batchId, serverCorrelationId, req.callbackUrl) };
}

async function attachOriginals(c: PoolClient, instanceId: string, rows: Row[]): Promise<void> {
  if (rows.length === 0) return;
  const { rows: found } = await c.query<Original>(
    `SELECT id, reference, amount, currency, debit_account, msisdn FROM wallet_txn
      WHERE instance_id = $1 AND is_original AND reference = ANY($2::text[])`,
    [instanceId, rows.map((r) => r.t.reference)],
  );
  const byRef = new Map(found.map((o) => [o.reference, o]));
  for (const r of rows) {
    const original = byRef.get(r.t.reference);
    if (original) r.original = original;
  }
}

const sameAsOriginal = (t: WalletTransaction, o: Original): boolean =>
  new Decimal(t.amount).eq(o.amount) && t.currency === o.currency && t.debitAccount === o.debit_account && t.msisdn === o.msisdn;

/** Bulk insert; returns the references actually inserted (originals may lose a race). */
async function insertTxns(
  c: PoolClient,
  batchId: string,
  instanceId: string,
  rows: Row[],
  kind: Kind,
  judge: RecipientJudge = () => null,
): Promise<Set<string>> {
  if (rows.length === 0) return new Set();
  const { rows: inserted } = await c.query<{ reference: string }>(
    `INSERT INTO wallet_txn (batch_id, instance_id, position, reference, debit_account, msisdn, amount, currency,
                             is_original, duplicate_of_txn, conflicts_original, status, rejection_reason, rejected_at, recipient_rejection)
     SELECT $1, $2, t.position, t.reference, t.debit, t.msisdn, t.amount, t.currency, $3, t.dup, t.conflict,
            $4::text, $5::text, CASE WHEN $4::text = 'rejected' THEN now() END, t.recipient
       FROM unnest($6::int[], $7::text[], $8::text[], $9::text[], $10::numeric[], $11::text[], $12::bigint[], $13::boolean[], $14::text[])
            WITH ORDINALITY AS t(position, reference, debit, msisdn, amount, currency, dup, conflict, recipient, n)
      ORDER BY t.n
     ${kind === 'original' ? 'ON CONFLICT (instance_id, reference) WHERE is_original DO NOTHING' : ''}
     RETURNING reference`,
    [
      batchId,
      instanceId,
      kind === 'original',
      kind === 'refused' ? 'rejected' : 'pending',
      kind === 'refused' ? 'transactionNotAccepted' : null,
      rows.map((r) => r.position),
      rows.map((r) => r.t.reference),
      rows.map((r) => r.t.debitAccount),
      rows.map((r) => r.t.msisdn),
      rows.map((r) => r.t.amount),
      rows.map((r) => r.t.currency),
      rows.map((r) => (kind === 'duplicate' ? (r.original?.id ?? null) : null)),
      rows.map((r) => (kind === 'duplicate' && r.original ? !sameAsOriginal(r.t, r.original) : false)),
      // Only an original is credited: a duplicate reports its original's outcome, a refused one is rejected already.
      rows.map((r) => (kind === 'original' ? judge(r.t) : null)),
    ],
  );
  return new Set(inserted.map((r) => r.reference));
}

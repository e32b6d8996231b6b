// Receipt of a credit-transfer message: idempotent on messageId, and every endToEndId the bank
// already holds from an earlier message is recorded as a duplicate pointing at the original.
import Decimal from 'decimal.js';
import type { PoolClient } from 'pg';
import { requestHash, type CreditTransferItem, type CreditTransferRequest, type Receipt, type ReceiveResult } from './messages';

interface Original {
  id: string;
  end_to_end_id: string;
  amount: string;
  currency: string;
  creditor_bank_code: string;
  creditor_account: string;
}

interface Row {
  item: CreditTransferItem;
  position: number;
  original?: Original;
}

const receipt = (messageId: string, receivedAt: Date, itemCount: number): Receipt => ({
  messageId,
  status: 'RCVD',
  receivedAt: receivedAt.toISOString(),
  itemCount,
});

/** Runs inside the caller's transaction; writes nothing on a replay or a conflict. */
export async function receiveMessage(c: PoolClient, instanceId: string, req: CreditTransferRequest): Promise<ReceiveResult> {
  const hash = requestHash(req);
  // A concurrent identical submit blocks on the primary key here until we commit, then sees our row.
  const inserted = await c.query<{ received_at: Date }>(
    `INSERT INTO bank_message (message_id, instance_id, debtor_account, callback_url, body_hash, item_count)
     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (message_id) DO NOTHING RETURNING received_at`,
    [req.messageId, instanceId, req.debtorAccount, req.callbackUrl ?? null, hash, req.items.length],
  );
  const created = inserted.rows[0];
  if (!created) {
    const { rows } = await c.query<{ body_hash: string; received_at: Date; item_count: number }>(
      'SELECT body_hash, received_at, item_count FROM bank_message WHERE message_id = $1',
      [req.messageId],
    );
    const old = rows[0];
    if (!old) throw new Error(`message ${req.messageId} vanished during receipt`);
    return old.body_hash === hash ? { kind: 'replayed', receipt: receipt(req.messageId, old.received_at, old.item_count) } : { kind: 'conflict' };
  }

  const rows: Row[] = req.items.map((item, position) => ({ item, position }));
  await attachOriginals(c, rows);
  // Sorted so concurrent receipts take the unique-index locks in the same order (no deadlock).
  const fresh = rows.filter((r) => !r.original).sort((a, b) => (a.item.endToEndId < b.item.endToEndId ? -1 : 1));
  const claimed = await insertItems(c, req.messageId, fresh, true);
  const lost = fresh.filter((r) => !claimed.has(r.item.endToEndId));
  // Another message claimed these ids between our lookup and our insert: they are duplicates too.
  if (lost.length > 0) await attachOriginals(c, lost);
  if (lost.some((r) => !r.original)) throw new Error(`message ${req.messageId}: endToEndId conflict without an original`);
  await insertItems(c, req.messageId, rows.filter((r) => r.original), false);
  return { kind: 'accepted', receipt: receipt(req.messageId, created.received_at, req.items.length) };
}

async function attachOriginals(c: PoolClient, rows: Row[]): Promise<void> {
  const { rows: found } = await c.query<Original>(
    `SELECT id, end_to_end_id, amount, currency, creditor_bank_code, creditor_account
       FROM bank_item WHERE is_original AND end_to_end_id = ANY($1::text[])`,
    [rows.map((r) => r.item.endToEndId)],
  );
  const byId = new Map(found.map((o) => [o.end_to_end_id, o]));
  for (const r of rows) {
    const original = byId.get(r.item.endToEndId);
    if (original) r.original = original;
  }
}

function sameAsOriginal(item: CreditTransferItem, o: Original): boolean {
  return (
    new Decimal(item.amount).eq(o.amount) &&
    item.currency === o.currency &&
    item.creditor.bankCode === o.creditor_bank_code &&
    item.creditor.accountNumber === o.creditor_account
  );
}

/** Bulk insert; returns the endToEndIds actually inserted (originals may lose a race). */
async function insertItems(c: PoolClient, messageId: string, rows: Row[], originals: boolean): Promise<Set<string>> {
  if (rows.length === 0) return new Set();
  const { rows: inserted } = await c.query<{ end_to_end_id: string }>(
    `INSERT INTO bank_item (message_id, position, end_to_end_id, amount, currency, creditor_bank_code,
                            creditor_account, is_original, duplicate_of_item, conflicts_original)
     SELECT $1, t.position, t.e2e, t.amount, t.currency, t.bank, t.account, $2, t.dup, t.conflict
       FROM unnest($3::int[], $4::text[], $5::numeric[], $6::text[], $7::text[], $8::text[], $9::bigint[], $10::boolean[])
            WITH ORDINALITY AS t(position, e2e, amount, currency, bank, account, dup, conflict, n)
      ORDER BY t.n
     ${originals ? 'ON CONFLICT (end_to_end_id) WHERE is_original DO NOTHING' : ''}
     RETURNING end_to_end_id`,
    [
      messageId,
      originals,
      rows.map((r) => r.position),
      rows.map((r) => r.item.endToEndId),
      rows.map((r) => r.item.amount),
      rows.map((r) => r.item.currency),
      rows.map((r) => r.item.creditor.bankCode),
      rows.map((r) => r.item.creditor.accountNumber),
      rows.map((r) => r.original?.id ?? null),
      rows.map((r) => (r.original ? !sameAsOriginal(r.item, r.original) : false)),
    ],
  );
  return new Set(inserted.map((r) => r.end_to_end_id));
}

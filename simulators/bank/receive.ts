// Receipt of a pain.001: idempotent on MsgId, and every EndToEndId the bank already holds from an earlier
// message is recorded as a duplicate pointing at the original (reported with its outcome, never credited
// again; AM05 when its amount or creditor differ). Rejections known at acceptance are written here.
import Decimal from 'decimal.js';
import type { PoolClient } from 'pg';
import type { FaultInjector } from './faults';
import { requestHash, type CreditTransferItem, type CreditTransferRequest, type ReceiveResult } from './messages';
import { enqueueCallback } from './outbox';
import { groupStatus, loadReport, notificationXml, pain002Xml } from './reports';

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

/** Runs inside the caller's transaction; writes nothing on a replay or a conflict. */
export async function receiveMessage(
  c: PoolClient,
  instanceId: string,
  req: CreditTransferRequest,
  faults: FaultInjector,
): Promise<ReceiveResult> {
  const hash = requestHash(req);
  // A concurrent identical submit blocks on the primary key here until we commit, then sees our row.
  const inserted = await c.query(
    `INSERT INTO bank_message (message_id, instance_id, debtor_account, callback_url, body_hash, item_count, payment_info_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (message_id) DO NOTHING`,
    [req.messageId, instanceId, req.debtorAccount, req.callbackUrl ?? null, hash, req.items.length, req.paymentInformationId],
  );
  if (inserted.rowCount === 0) {
    const { rows } = await c.query<{ body_hash: string; ack_xml: string | null }>(
      'SELECT body_hash, ack_xml FROM bank_message WHERE message_id = $1',
      [req.messageId],
    );
    const old = rows[0];
    if (!old) throw new Error(`message ${req.messageId} vanished during receipt`);
    if (old.body_hash !== hash) return { kind: 'conflict' };
    // Messages received by the JSON version have no stored acknowledgement: answer with the current state.
    const report = old.ack_xml ? null : await loadReport(c, req.messageId);
    return { kind: 'replayed', ack: old.ack_xml ?? (report ? pain002Xml(report, 'ack') : '') };
  }

  const rows: Row[] = req.items.map((item, position) => ({ item, position }));
  await attachOriginals(c, rows);
  // Sorted so concurrent receipts take the unique-index locks in the same order (no deadlock).
  const fresh = rows.filter((r) => !r.original).sort((a, b) => (a.item.endToEndId < b.item.endToEndId ? -1 : 1));
  const claimed = await insertItems(c, req.messageId, fresh, true, faults);
  const lost = fresh.filter((r) => !claimed.has(r.item.endToEndId));
  // Another message claimed these ids between our lookup and our insert: they are duplicates too.
  if (lost.length > 0) await attachOriginals(c, lost);
  if (lost.some((r) => !r.original)) throw new Error(`message ${req.messageId}: endToEndId conflict without an original`);
  await insertItems(
    c,
    req.messageId,
    rows.filter((r) => r.original),
    false,
    faults,
  );

  const report = await loadReport(c, req.messageId);
  if (!report) throw new Error(`message ${req.messageId} vanished during receipt`);
  const ack = pain002Xml(report, 'ack');
  const status = groupStatus(report.items, 'ack');
  // Rejected as a whole at acceptance: final now, nothing left to settle.
  await c.query(
    `UPDATE bank_message SET ack_xml = $2, status = CASE WHEN $3 THEN 'RJCT' ELSE status END,
            settled_at = CASE WHEN $3 THEN now() END WHERE message_id = $1`,
    [req.messageId, ack, status === 'RJCT'],
  );
  // A partial (or total) rejection is a status change worth a notification before settlement.
  if (req.callbackUrl && (status === 'PART' || status === 'RJCT')) {
    await enqueueCallback(c, faults, {
      instanceId,
      messageId: req.messageId,
      callbackUrl: req.callbackUrl,
      status,
      payload: notificationXml(report),
    });
  }
  return { kind: 'accepted', ack, groupStatus: status };
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

/**
 * The reason an item is rejected at acceptance, if it is: AM05 for a changed resend (a resend that repeats
 * its original reports the original's outcome), the bank's refusal of a named creditor (AC01, AC04, AC06,
 * BE01: creditor-identity.ts), AC01 by fault.
 */
function rejectedAtAcceptance(r: Row, faults: FaultInjector): string | null {
  if (r.original) return sameAsOriginal(r.item, r.original) ? null : 'AM05';
  if (r.item.identityRejection) return r.item.identityRejection;
  return faults.rejectsAtAcceptance(r.item.endToEndId) ? 'AC01' : null;
}

/** Bulk insert; returns the endToEndIds actually inserted (originals may lose a race). */
async function insertItems(c: PoolClient, messageId: string, rows: Row[], originals: boolean, faults: FaultInjector): Promise<Set<string>> {
  if (rows.length === 0) return new Set();
  const reasons = rows.map((r) => rejectedAtAcceptance(r, faults));
  const { rows: inserted } = await c.query<{ end_to_end_id: string }>(
    `INSERT INTO bank_item (message_id, position, end_to_end_id, amount, currency, creditor_bank_code, creditor_account,
                            is_original, duplicate_of_item, conflicts_original, status, reason_code, settled_at)
     SELECT $1, t.position, t.e2e, t.amount, t.currency, t.bank, t.account, $2, t.dup, t.conflict,
            CASE WHEN t.reason IS NULL THEN 'RCVD' ELSE 'RJCT' END, t.reason, CASE WHEN t.reason IS NOT NULL THEN now() END
       FROM unnest($3::int[], $4::text[], $5::numeric[], $6::text[], $7::text[], $8::text[], $9::bigint[], $10::boolean[], $11::text[])
            WITH ORDINALITY AS t(position, e2e, amount, currency, bank, account, dup, conflict, reason, n)
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
      reasons,
    ],
  );
  return new Set(inserted.map((r) => r.end_to_end_id));
}

// A message's state read from the bank's tables, and its rendering as a pain.002 status report.
// Usable inside a transaction (acknowledgements and notifications are built where the state changes).
import { randomUUID } from 'node:crypto';
import Decimal from 'decimal.js';
import type { Pool, PoolClient } from 'pg';
import { buildPain002, type GroupStatus, type Pain002, type TransactionStatus } from '../../lib/iso20022/pain002';
import type { ItemReport, ItemStatus, MessageStatus, Rejection, StatusReport } from './messages';
import { ledgerAmount } from '../shared/ledger-amount';

export type Queryable = Pool | PoolClient;
export const PAIN001_NAME = 'pain.001.001.09';

export interface ItemRow {
  end_to_end_id: string;
  message_id: string;
  status: ItemStatus;
  reason_code: string | null;
  amount: string;
  currency: string;
  booked_at: Date | null;
  duplicate_of: string | null;
}

// A duplicate that repeats its original exactly reports the original's (live) outcome.
export const ITEM_SELECT = `
  SELECT i.end_to_end_id, i.message_id, i.amount, i.currency,
         CASE WHEN o.id IS NULL THEN i.status ELSE o.status END AS status,
         CASE WHEN o.id IS NULL THEN i.reason_code ELSE o.reason_code END AS reason_code,
         CASE WHEN o.id IS NULL THEN i.booked_at ELSE o.booked_at END AS booked_at,
         o.message_id AS duplicate_of
    FROM bank_item i LEFT JOIN bank_item o ON o.id = i.duplicate_of_item AND NOT i.conflicts_original`;

export function itemReport(r: ItemRow): ItemReport {
  return {
    endToEndId: r.end_to_end_id,
    status: r.status,
    ...(r.reason_code ? { reasonCode: r.reason_code } : {}),
    amount: r.amount,
    currency: r.currency,
    ...(r.booked_at ? { bookedAt: r.booked_at.toISOString() } : {}),
    ...(r.duplicate_of ? { duplicateOf: r.duplicate_of } : {}),
  };
}

export async function loadReport(q: Queryable, messageId: string): Promise<StatusReport | null> {
  const { rows } = await q.query<{ status: MessageStatus; received_at: Date; payment_info_id: string | null }>(
    'SELECT status, received_at, payment_info_id FROM bank_message WHERE message_id = $1',
    [messageId],
  );
  const message = rows[0];
  if (!message) return null;
  const items = await q.query<ItemRow>(`${ITEM_SELECT} WHERE i.message_id = $1 ORDER BY i.position`, [messageId]);
  return {
    messageId,
    paymentInformationId: message.payment_info_id ?? messageId,
    status: message.status,
    receivedAt: message.received_at.toISOString(),
    items: items.rows.map(itemReport),
  };
}

/**
 * GrpSts from the items: RJCT when all are rejected, ACSC / PART once all are final, PART as soon as
 * one is rejected, else ACTC in the acknowledgement and ACCP while settlement is pending.
 */
export function groupStatus(items: ItemReport[], phase: 'ack' | 'status'): GroupStatus {
  const rejected = items.filter((i) => i.status === 'RJCT').length;
  const settled = items.filter((i) => i.status === 'ACSC').length;
  if (rejected === items.length) return 'RJCT';
  if (settled === items.length) return 'ACSC';
  if (rejected > 0) return 'PART';
  return phase === 'ack' ? 'ACTC' : 'ACCP';
}

/** ACSP: accepted, settlement in process; PDNG: a resend waiting for its original to settle. */
function txStatus(i: ItemReport): TransactionStatus {
  if (i.status !== 'RCVD') return i.status;
  return i.duplicateOf ? 'PDNG' : 'ACSP';
}

const reportId = () => `STS${randomUUID().replaceAll('-', '')}`;
const now = () => new Date().toISOString();

export function toPain002(report: StatusReport, phase: 'ack' | 'status'): Pain002 {
  const sum = report.items.reduce((acc, i) => acc.plus(i.amount), new Decimal(0));
  return {
    messageId: reportId(),
    createdAt: now(),
    originalMessageId: report.messageId,
    originalMessageNameId: PAIN001_NAME,
    originalNumberOfTransactions: report.items.length,
    originalControlSum: ledgerAmount(sum),
    groupStatus: groupStatus(report.items, phase),
    originalPaymentInformationId: report.paymentInformationId,
    transactions: report.items.map((i) => ({
      originalEndToEndId: i.endToEndId,
      status: txStatus(i),
      ...(i.reasonCode ? { reason: { code: i.reasonCode } } : {}),
      amount: i.amount,
      currency: i.currency,
    })),
  };
}

export const pain002Xml = (report: StatusReport, phase: 'ack' | 'status'): string => buildPain002(toPain002(report, phase));

/**
 * The callback: a pain.002 with the group's status and original totals only, no per-item blocks, so it is a
 * few hundred bytes whatever the message's size. Callbacks carry nothing the client trusts: it pulls the
 * items with GET /v1/pain002/:msgId.
 */
export const notificationXml = (report: StatusReport): string => buildPain002({ ...toPain002(report, 'status'), transactions: [] });

/** A whole message refused before anything was written (control totals, DU01, invalid content). */
export function rejectionXml(originalMessageId: string, rejection: Rejection): string {
  return buildPain002({
    messageId: reportId(),
    createdAt: now(),
    originalMessageId,
    originalMessageNameId: PAIN001_NAME,
    groupStatus: 'RJCT',
    groupReason: { code: rejection.code, additionalInfo: rejection.info },
    transactions: [],
  });
}

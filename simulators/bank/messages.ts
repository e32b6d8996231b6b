// The bank's message model, independent of the wire: a parsed pain.001 becomes a CreditTransferRequest
// once the bank's own rules hold (control totals, unique keys, amounts its ledger can book).
import { createHash } from 'node:crypto';
import Decimal from 'decimal.js';
import type { PersonIdentifier } from '../../lib/iso20022/person-identifier';
import type { Pain001 } from '../../lib/iso20022/pain001';
import { ledgerAmount } from '../shared/ledger-amount';

/** Settlement state of a message in the bank's tables (the pain.002 GrpSts is derived from its items). */
export type MessageStatus = 'RCVD' | 'ACSC' | 'PART' | 'RJCT';
/** State of one item: RCVD until settled or rejected. */
export type ItemStatus = 'RCVD' | 'ACSC' | 'RJCT';

export const MAX_ITEMS = 5000;
const BOOKABLE = /^\d{1,16}(\.\d{1,2})?$/; // fits numeric(18,2)

export interface CreditTransferItem {
  endToEndId: string;
  /** Normalised to 2 decimals, so '1.5' and '1.50' are the same payment (and the same hash). */
  amount: string;
  currency: string;
  creditor: { bankCode: string; accountNumber: string };
  /** Cdtr/Id/PrvtId/Othr, when the payment names its creditor (creditor-identity.ts). */
  creditorIdentity?: PersonIdentifier;
  /** ExternalStatusReason1Code the bank refuses this creditor with (identification.ts), if it does. */
  identityRejection?: string;
}

export interface CreditTransferRequest {
  messageId: string;
  paymentInformationId: string;
  debtorAccount: string;
  callbackUrl?: string;
  items: CreditTransferItem[];
}

/** Why a whole message is refused before anything is written: an ISO reason code and the detail. */
export interface Rejection {
  code: string;
  info: string;
}

/** Applies the bank's rules to a well-formed pain.001; the first broken rule rejects the whole message. */
export function toRequest(
  doc: Pain001,
  callbackUrl?: string,
): { ok: true; value: CreditTransferRequest } | { ok: false; rejection: Rejection } {
  const pmt = doc.paymentInformation;
  const txs = pmt.transactions;
  const reject = (code: string, info: string) => ({ ok: false as const, rejection: { code, info } });
  if (txs.length > MAX_ITEMS) return reject('FF01', `more than ${MAX_ITEMS} transactions in one message`);
  // The control totals are the point: a message whose totals disagree with its items is not guessed at.
  for (const [where, n] of [
    ['GrpHdr', doc.numberOfTransactions],
    ['PmtInf', pmt.numberOfTransactions],
  ] as const) {
    if (n !== txs.length) return reject('AM18', `${where}/NbOfTxs is ${n} but the message has ${txs.length} transactions`);
  }
  const sum = txs.reduce((acc, t) => acc.plus(t.amount), new Decimal(0));
  for (const [where, s] of [
    ['GrpHdr', doc.controlSum],
    ['PmtInf', pmt.controlSum],
  ] as const) {
    if (!sum.eq(s)) return reject('AM10', `${where}/CtrlSum is ${s} but the transactions add up to ${sum.toFixed()}`);
  }
  const seen = new Set<string>();
  for (const [i, t] of txs.entries()) {
    if (seen.has(t.endToEndId)) return reject('DU04', `CdtTrfTxInf[${i + 1}]: EndToEndId repeated within the message`);
    seen.add(t.endToEndId);
    if (!BOOKABLE.test(t.amount) || new Decimal(t.amount).lte(0)) {
      return reject('AM12', `CdtTrfTxInf[${i + 1}]: amount must be greater than 0 with at most 2 decimals`);
    }
  }
  return {
    ok: true,
    value: {
      messageId: doc.messageId,
      paymentInformationId: pmt.paymentInformationId,
      debtorAccount: pmt.debtorAccount,
      ...(callbackUrl ? { callbackUrl } : {}),
      items: txs.map((t) => ({
        endToEndId: t.endToEndId,
        amount: ledgerAmount(t.amount),
        currency: t.currency,
        creditor: { bankCode: t.creditorAgent, accountNumber: t.creditorAccount },
        ...(t.creditorId ? { creditorIdentity: t.creditorId } : {}),
      })),
    },
  };
}

/**
 * Identity of a message for idempotency: a resend is "identical" when this matches. Only what moves money
 * counts, so a resend rebuilt with a new CreDtTm (or to a new callback URL) is still the same message.
 */
export function requestHash(r: CreditTransferRequest): string {
  const canonical = [
    r.messageId,
    r.paymentInformationId,
    r.debtorAccount,
    // The creditor's identity is part of the instruction when given (left out otherwise, so the hashes of
    // messages without one are what they always were).
    r.items.map((i) => [
      i.endToEndId,
      i.amount,
      i.currency,
      i.creditor.bankCode,
      i.creditor.accountNumber,
      ...(i.creditorIdentity ? [i.creditorIdentity.scheme, i.creditorIdentity.id] : []),
    ]),
  ];
  return createHash('sha256').update(JSON.stringify(canonical)).digest('hex');
}

export type ReceiveResult =
  { kind: 'accepted'; ack: string; groupStatus: string } | { kind: 'replayed'; ack: string } | { kind: 'conflict' };

export interface ItemReport {
  endToEndId: string;
  status: ItemStatus;
  reasonCode?: string;
  amount: string;
  currency: string;
  bookedAt?: string;
  /** Set when this item repeats an earlier message's payment: the messageId that made it. */
  duplicateOf?: string;
}

/** A message's state as stored; rendered as pain.002 by reports.ts. */
export interface StatusReport {
  messageId: string;
  paymentInformationId: string;
  status: MessageStatus;
  receivedAt: string;
  items: ItemReport[];
}

export interface ItemLookup extends ItemReport {
  messageId: string;
}

/** JSON statement line (kept for reconciliation until it reads camt.053): one debit of the debtor account. */
export interface LedgerSummary {
  debtorAccount: string;
  /** Credits booked (reversals are not counted: entries per endToEndId stay one per payment). */
  entries: number;
  distinctEndToEndIds: number;
  /** Credits reversed back to the account since. */
  reversals: number;
  /** Net out of the account per currency: credits minus reversals. */
  totals: Array<{ currency: string; amount: string }>;
}

// The bank's message model, independent of transport: the JSON API parses into these types today,
// and the pain.001 / pain.002 / camt.053 XML adapters of a later issue map to and from the same ones.
import { createHash } from 'node:crypto';
import Decimal from 'decimal.js';
import { z } from 'zod';

/** ISO 20022 group status of a message (pain.002 GrpSts). */
export type MessageStatus = 'RCVD' | 'ACSC' | 'PART' | 'RJCT';
/** ISO 20022 transaction status of one item (pain.002 TxSts). */
export type ItemStatus = 'RCVD' | 'ACSC' | 'RJCT';

const DECIMAL = /^\d{1,16}(\.\d{1,2})?$/; // fits numeric(18,2)

const Amount = z
  .string()
  .regex(DECIMAL, 'must be a decimal string with at most 2 decimals')
  // Zod runs this even when the regex failed, so guard before Decimal parses.
  .refine((a) => !DECIMAL.test(a) || new Decimal(a).gt(0), 'must be greater than 0')
  // Normalised so '1.5' and '1.50' are the same payment (and the same idempotency hash).
  .transform((a) => new Decimal(a).toFixed(2));

const Item = z.object({
  endToEndId: z.string().min(1).max(35),
  amount: Amount,
  currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code (3 upper-case letters)'),
  creditor: z.object({
    bankCode: z.string().min(1).max(35),
    accountNumber: z.string().min(1).max(34),
  }),
});

export const CreditTransferRequestSchema = z
  .object({
    messageId: z.string().min(1).max(35),
    debtorAccount: z.string().min(1).max(34),
    callbackUrl: z.url({ protocol: /^https?$/ }).optional(),
    items: z.array(Item).min(1).max(5000),
  })
  .superRefine((m, ctx) => {
    const seen = new Set<string>();
    m.items.forEach((item, i) => {
      if (seen.has(item.endToEndId)) {
        ctx.addIssue({ code: 'custom', path: ['items', i, 'endToEndId'], message: 'duplicate endToEndId within the message' });
      }
      seen.add(item.endToEndId);
    });
  });

export type CreditTransferRequest = z.infer<typeof CreditTransferRequestSchema>;
export type CreditTransferItem = CreditTransferRequest['items'][number];

/** Field path ('items.3.amount') → first problem found there. */
export type FieldErrors = Record<string, string>;

export function fieldErrors(error: z.ZodError): FieldErrors {
  const fields: FieldErrors = {};
  for (const issue of error.issues) {
    const key = issue.path.map(String).join('.') || 'body';
    fields[key] ??= issue.message;
  }
  return fields;
}

export function parseCreditTransfer(body: unknown): { ok: true; value: CreditTransferRequest } | { ok: false; fields: FieldErrors } {
  const parsed = CreditTransferRequestSchema.safeParse(body);
  return parsed.success ? { ok: true, value: parsed.data } : { ok: false, fields: fieldErrors(parsed.error) };
}

/** Identity of a request for idempotency: a resend is "identical" when this hash matches. */
export function requestHash(r: CreditTransferRequest): string {
  const canonical = [
    r.messageId,
    r.debtorAccount,
    r.callbackUrl ?? null,
    r.items.map((i) => [i.endToEndId, i.amount, i.currency, i.creditor.bankCode, i.creditor.accountNumber]),
  ];
  return createHash('sha256').update(JSON.stringify(canonical)).digest('hex');
}

export interface Receipt {
  messageId: string;
  status: 'RCVD';
  receivedAt: string;
  itemCount: number;
}

export type ReceiveResult =
  | { kind: 'accepted'; receipt: Receipt }
  | { kind: 'replayed'; receipt: Receipt }
  | { kind: 'conflict' };

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

/** pain.002-like status report of one message. */
export interface StatusReport {
  messageId: string;
  status: MessageStatus;
  receivedAt: string;
  items: ItemReport[];
}

export interface ItemLookup extends ItemReport {
  messageId: string;
}

/** camt.053-like statement line: one debit of the debtor account. */
export interface StatementEntry {
  entryRef: string;
  endToEndId: string;
  messageId: string;
  amount: string;
  currency: string;
  creditor: { bankCode: string; accountNumber: string };
  bookedAt: string;
}

export interface Statement {
  entries: StatementEntry[];
  nextCursor: string | null;
}

export interface LedgerSummary {
  debtorAccount: string;
  entries: number;
  distinctEndToEndIds: number;
  totals: Array<{ currency: string; amount: string }>;
}

/** Faults the bank can inject; the fault-injection issue adds more. Every field absent = a well-behaved bank. */
export interface BankFaults {
  /** Settle, but never write callbacks: the rail must learn outcomes by polling. */
  readonly dropCallbacks?: boolean;
}

export const NO_FAULTS: BankFaults = Object.freeze({});

// The wallet provider's message model, shaped like the GSMA Mobile Money API (bulk disbursement):
// batch transactions with X-CorrelationID and X-Callback-URL headers, the asynchronous request-state
// pattern, completions and rejections, and GSMA's error object (errorCategory/errorCode/errorParameters).
import { createHash } from 'node:crypto';
import Decimal from 'decimal.js';
import { z } from 'zod';
import { ledgerAmount } from '../shared/ledger-amount';

const DECIMAL = /^\d{1,16}(\.\d{1,2})?$/; // fits numeric(18,2)

export const Amount = z
  .string()
  .regex(DECIMAL, 'must be a decimal string with at most 2 decimals')
  .refine((a) => !DECIMAL.test(a) || new Decimal(a).gt(0), 'must be greater than 0')
  // Normalised so '1.5' and '1.50' are the same payment (and the same idempotency hash).
  .transform((a) => ledgerAmount(a));

export const E164 = z.string().regex(/^\+[1-9]\d{6,14}$/, 'must be an E.164 phone number such as +5511912345678');

/** GSMA identifies parties by a list of {key, value}: the debit party by 'accountid', the credit party by 'msisdn'. */
const Party = z
  .array(z.strictObject({ key: z.string().min(1).max(32), value: z.string().min(1).max(256) }))
  .min(1)
  .max(10);
const DebitParty = Party.superRefine((parties, ctx) => {
  const ids = parties.filter((p) => p.key === 'accountid');
  if (ids.length !== 1 || (ids[0]?.value.length ?? 0) > 64)
    ctx.addIssue({ code: 'custom', message: "must hold exactly one 'accountid' of at most 64 characters" });
});
const CreditParty = Party.superRefine((parties, ctx) => {
  const msisdns = parties.map((p, i) => ({ p, i })).filter(({ p }) => p.key === 'msisdn');
  if (msisdns.length !== 1) ctx.addIssue({ code: 'custom', message: "must hold exactly one 'msisdn'" });
  for (const { p, i } of msisdns) {
    if (!E164.safeParse(p.value).success)
      ctx.addIssue({ code: 'custom', path: [i, 'value'], message: 'must be an E.164 phone number such as +5511912345678' });
  }
});

/**
 * GSMA's KYC Information, as much of it as this provider reads: the subject's name and identity documents
 * (idType from GSMA's ID Types: nationalregistration, passport, ...). Its other fields are let through unread.
 */
const Kyc = z.object({
  subjectName: z.object({ fullName: z.string().max(256).optional() }).optional(),
  idDocument: z
    .array(z.object({ idType: z.string().min(1).max(32), idNumber: z.string().min(1).max(64).optional() }))
    .max(10)
    .optional(),
});

/** The recipient a transaction names: its KYC's first identity document that carries a number. */
export interface RecipientId {
  type: string;
  number: string;
}

function recipientIdOf(kyc: z.output<typeof Kyc> | undefined): RecipientId | undefined {
  const doc = kyc?.idDocument?.find((d) => d.idNumber !== undefined);
  return doc?.idNumber === undefined ? undefined : { type: doc.idType, number: doc.idNumber };
}

const Transaction = z
  .object({
    amount: Amount,
    currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code (3 upper-case letters)'),
    type: z.literal('disbursement', { error: "must be 'disbursement'" }),
    debitParty: DebitParty,
    creditParty: CreditParty,
    /** Who the client means to pay: checked against the wallet's holder (recipient-check.ts). */
    recipientKyc: Kyc.optional(),
    requestingOrganisationTransactionReference: z.string().min(1).max(64),
  })
  .transform((t) => {
    const recipientId = recipientIdOf(t.recipientKyc);
    return {
      reference: t.requestingOrganisationTransactionReference,
      amount: t.amount,
      currency: t.currency,
      debitAccount: t.debitParty.find((p) => p.key === 'accountid')?.value ?? '',
      msisdn: t.creditParty.find((p) => p.key === 'msisdn')?.value ?? '',
      ...(recipientId ? { recipientId } : {}),
    };
  });

const BatchBody = z
  .object({
    batchTitle: z.string().min(1).max(256),
    batchDescription: z.string().max(256).optional(),
    scheduledStartDate: z
      .union([z.iso.date(), z.iso.datetime({ offset: true })], { error: 'must be an ISO 8601 date or date-time' })
      .optional(),
    transactions: z.array(Transaction).min(1).max(5000),
  })
  .superRefine((b, ctx) => {
    const seen = new Set<string>();
    b.transactions.forEach((t, i) => {
      // Refinements run even when a transaction failed (untransformed, no reference): judge the valid ones.
      if (typeof t.reference !== 'string') return;
      if (seen.has(t.reference)) {
        ctx.addIssue({
          code: 'custom',
          path: ['transactions', i, 'requestingOrganisationTransactionReference'],
          message: 'repeats a reference of this batch',
        });
      }
      seen.add(t.reference);
    });
  });

const Headers = z.object({
  'x-correlationid': z
    .string()
    .min(1)
    .max(64)
    .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces'),
  'x-callback-url': z.url({ protocol: /^https?$/ }).optional(),
});
const HEADER_NAMES: Record<string, string> = { 'x-correlationid': 'X-CorrelationID', 'x-callback-url': 'X-Callback-URL' };

export type WalletTransaction = z.output<typeof Transaction>;
export interface BatchRequest {
  correlationId: string;
  callbackUrl: string | null;
  batchTitle: string;
  batchDescription?: string;
  scheduledStartDate?: string;
  transactions: WalletTransaction[];
}

export interface ErrorParameter {
  key: string;
  value: string;
}
export interface GsmaError {
  errorCategory: 'validation' | 'businessRule' | 'identification' | 'serviceUnavailable' | 'internal';
  errorCode: string;
  errorDescription?: string;
  errorParameters?: ErrorParameter[];
}

export function errorParameters(error: z.ZodError, names: Record<string, string> = {}): ErrorParameter[] {
  const seen = new Map<string, string>();
  const add = (path: PropertyKey[], message: string) => {
    const key = path.map((p) => names[String(p)] ?? String(p)).join('.') || 'body';
    if (!seen.has(key)) seen.set(key, message);
  };
  for (const issue of error.issues) {
    // Name each unexpected field itself, not the object holding it.
    if (issue.code === 'unrecognized_keys') for (const k of issue.keys) add([...issue.path, k], 'is not a known field');
    else add(issue.path, issue.message);
  }
  return [...seen].map(([key, value]) => ({ key, value }));
}

export const formatError = (params: ErrorParameter[]): GsmaError => ({
  errorCategory: 'validation',
  errorCode: 'formatError',
  errorParameters: params,
});

/** Headers and body together, so one 400 names every wrong field (headers by their HTTP names). */
export function parseBatchRequest(
  headers: Record<string, unknown>,
  body: unknown,
): { ok: true; value: BatchRequest } | { ok: false; error: GsmaError } {
  const h = Headers.safeParse({ 'x-correlationid': headers['x-correlationid'], 'x-callback-url': headers['x-callback-url'] });
  const b = BatchBody.safeParse(body);
  if (!h.success || !b.success) {
    return {
      ok: false,
      error: formatError([...(h.success ? [] : errorParameters(h.error, HEADER_NAMES)), ...(b.success ? [] : errorParameters(b.error))]),
    };
  }
  const { batchDescription, scheduledStartDate, ...rest } = b.data;
  return {
    ok: true,
    value: {
      correlationId: h.data['x-correlationid'],
      callbackUrl: h.data['x-callback-url'] ?? null,
      ...rest,
      ...(batchDescription === undefined ? {} : { batchDescription }),
      ...(scheduledStartDate === undefined ? {} : { scheduledStartDate }),
    },
  };
}

/**
 * Identity of a batch request for idempotency: the body only. The callback URL is transport, so a
 * resend that names another one still gets the original answer (and callbacks go to the original URL).
 */
export function requestHash(r: BatchRequest): string {
  const canonical = [
    r.batchTitle,
    r.batchDescription ?? null,
    r.scheduledStartDate ?? null,
    // The recipient's identity is part of the instruction when given (left out otherwise, so the hashes of
    // transactions without one are what they always were).
    r.transactions.map((t) => [
      t.reference,
      t.amount,
      t.currency,
      t.debitAccount,
      t.msisdn,
      ...(t.recipientId ? [t.recipientId.type, t.recipientId.number] : []),
    ]),
  ];
  return createHash('sha256').update(JSON.stringify(canonical)).digest('hex');
}

/** GSMA asynchronous response: the batch is being processed; follow it by request state or callback. */
export interface AsyncResponse {
  serverCorrelationId: string;
  status: 'pending';
  notificationMethod: 'callback' | 'polling';
  objectReference: string;
  pollLimit: number;
}

export type ReceiveResult = { kind: 'accepted' | 'replayed'; response: AsyncResponse } | { kind: 'conflict' };

export interface RequestState {
  serverCorrelationId: string;
  status: 'pending' | 'completed' | 'failed';
  objectReference: string;
}

export type BatchStatus = 'created' | 'approved' | 'completed';

export interface WalletBatch {
  batchId: string;
  batchTitle: string;
  batchDescription?: string;
  scheduledStartDate?: string;
  batchStatus: BatchStatus;
  creationDate: string;
  approvalDate?: string;
  completionDate?: string;
  processingFlag: boolean;
  completedCount: number;
  rejectionCount: number;
  parsingSuccessCount: number;
}

export interface Completion {
  transactionReference: string;
  requestingOrganisationTransactionReference: string;
  amount: string;
  currency: string;
  completionDate: string;
  link: string;
}

/** GSMA lists only reference, reason and date; amount and currency are added so a rejection needs no lookup. */
export interface Rejection {
  requestingOrganisationTransactionReference: string;
  amount: string;
  currency: string;
  rejectionReason: RejectionReason;
  rejectionDate: string;
}

/** accountDormant and recipientIdMismatch: a transaction that names its recipient (recipient-check.ts). */
export type RejectionReason =
  | 'unknownWallet'
  | 'accountClosed'
  | 'accountDormant'
  | 'recipientIdMismatch'
  | 'kycLimitExceeded'
  | 'duplicateTransactionReference'
  | 'transactionNotAccepted';

export interface LedgerSummary {
  account: string;
  /** Credits to wallets (reversals are not counted: entries per reference stay one per payment). */
  entries: number;
  distinctReferences: number;
  /** Credits taken back since. */
  reversals: number;
  /** Net out of the account per currency: transfers minus reversals. */
  totals: Array<{ currency: string; amount: string }>;
}

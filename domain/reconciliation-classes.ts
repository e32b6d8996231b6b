// The classes a reconciliation run assigns to each payment of a cycle, and what finance may do about a
// break. Three sources are compared by the payment's end-to-end key: our instruction (and ledger), the
// rail's own status report (pain.002 / wallet completions and rejections) and the statement lines
// (camt.053 / wallet settlement). The SQL that assigns them is activities/reconciliation-match.ts.
import Decimal from 'decimal.js';

/** Plain outcomes: the three sources agree. */
export const OUTCOME_CLASSES = ['MATCHED', 'FAILED', 'PENDING'] as const;

/** Breaks, in the order they take precedence when a payment shows several symptoms. */
export const BREAK_CLASSES = [
  /** Two or more payment lines on the statement for one key. */
  'CREDITED_TWICE',
  /** Paid, then a reversal line brought the money back. */
  'REVERSED_AFTER_PAYMENT',
  /** One statement line, but its amount or currency differs from the instruction. */
  'AMOUNT_MISMATCH',
  /** We recorded it paid; the rail says it failed. */
  'RAIL_FAILED_OURS_PAID',
  /** The rail paid it (status or statement line); we have it failed or still pending. */
  'RAIL_PAID_OURS_NOT',
  /** We sent it; the rail has no record of the batch, and no statement shows it. */
  'UNKNOWN_TO_RAIL',
  /** Still pending (or paid but never on a statement) after the settlement deadline. */
  'PENDING_PAST_DEADLINE',
  /** A debit of the program's funding account whose end-to-end ID we never instructed. */
  'NOT_INSTRUCTED',
] as const;

export type OutcomeClass = (typeof OUTCOME_CLASSES)[number];
export type BreakClass = (typeof BREAK_CLASSES)[number];
export type ReconciliationClass = OutcomeClass | BreakClass;

export const BREAK_RESOLUTIONS = ['CONFIRM', 'REISSUE', 'REQUEST_RETURN', 'WRITE_OFF'] as const;
export type BreakResolution = (typeof BREAK_RESOLUTIONS)[number];

/**
 * What finance may choose for each class. CONFIRM: it reached the beneficiary once, as instructed (mark it
 * paid). REISSUE: it did not (mark it failed, so a re-issue cycle can pay it). REQUEST_RETURN: money went
 * out that must come back (a receivable from the rail). WRITE_OFF: accept that excess as lost (a reason is
 * required). Only the choices that make sense for the evidence are offered.
 */
export const RESOLUTIONS_BY_CLASS: Record<BreakClass, readonly BreakResolution[]> = {
  CREDITED_TWICE: ['REQUEST_RETURN', 'WRITE_OFF'],
  REVERSED_AFTER_PAYMENT: ['REISSUE'],
  AMOUNT_MISMATCH: ['REQUEST_RETURN', 'WRITE_OFF'],
  RAIL_FAILED_OURS_PAID: ['REISSUE', 'CONFIRM'],
  RAIL_PAID_OURS_NOT: ['CONFIRM', 'REQUEST_RETURN'],
  UNKNOWN_TO_RAIL: ['REISSUE'],
  PENDING_PAST_DEADLINE: ['CONFIRM', 'REISSUE'],
  NOT_INSTRUCTED: ['REQUEST_RETURN', 'WRITE_OFF'],
};

/** Resolutions that change the payment's own status (and move its amount in the ledger). */
export const STATUS_RESOLUTIONS: readonly BreakResolution[] = ['CONFIRM', 'REISSUE'];

/**
 * The money that left without an instruction behind it, which REQUEST_RETURN claims back and WRITE_OFF
 * accepts as lost: the excess of the statement over what we instructed (the whole line when we never
 * instructed it, or when we had failed it, e.g. after re-issuing it). Exact decimals, as strings.
 */
export function excessAmount(b: { breakClass: BreakClass; expected: Decimal | null; statement: Decimal | null }): Decimal {
  const statement = b.statement ?? new Decimal(0);
  const expected = b.expected ?? new Decimal(0);
  if (b.breakClass === 'NOT_INSTRUCTED' || b.breakClass === 'RAIL_PAID_OURS_NOT') return b.statement ?? expected;
  return statement.minus(expected).abs();
}

export const isBreakClass = (c: string): c is BreakClass => (BREAK_CLASSES as readonly string[]).includes(c);

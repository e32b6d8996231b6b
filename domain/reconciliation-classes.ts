// The classes a reconciliation run assigns to each payment of a cycle. Three sources are compared by the
// payment's end-to-end key: our instruction (and ledger), the rail's own status report (pain.002 / wallet
// completions and rejections) and the statement lines (camt.053 / wallet settlement). The rules are data
// (CLASS_RULES, first that applies); the SQL of activities/reconciliation-match.ts is generated from them
// (classificationSql), and a test holds the SQL and classify() to the same answers. What finance may do
// about a break, and on what evidence, is domain/payment-transitions.ts.
import Decimal from 'decimal.js';
import type { InstructionStatus, RailStatus } from './payment-transitions';

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

/** What the three sources say of one of our payments, as the classification reads it. */
export interface MatchFacts {
  ourStatus: InstructionStatus;
  railStatus: RailStatus | null;
  /** Payment and reversal lines for the key on the statements taken as evidence. */
  payments: number;
  reversals: number;
  /** The statement's net amount, or a line's currency, differs from the instruction. */
  amountDiffers: boolean;
  /** Sent longer ago than the settlement deadline. */
  pastDeadline: boolean;
}

/**
 * Each condition a rule may require, in TypeScript and in SQL. The SQL reads the columns of the matching
 * query: o (our instruction: our_status, amount, submitted_at), rr (rail_report: status), l (the key's
 * statement lines: payments, reversals, net, other_currency; null when there are none), and $DEADLINE.
 */
const CONDITIONS = {
  creditedTwice: { holds: (f: MatchFacts) => f.payments > 1, sql: 'l.payments > 1' },
  reversed: { holds: (f: MatchFacts) => f.reversals > 0, sql: 'l.reversals > 0' },
  onePayment: { holds: (f: MatchFacts) => f.payments === 1, sql: 'l.payments = 1' },
  noPayment: { holds: (f: MatchFacts) => f.payments === 0, sql: 'coalesce(l.payments, 0) = 0' },
  amountDiffers: { holds: (f: MatchFacts) => f.amountDiffers, sql: '(l.net <> o.amount OR l.other_currency)' },
  oursPaid: { holds: (f: MatchFacts) => f.ourStatus === 'PAID', sql: "o.our_status = 'PAID'" },
  oursNotPaid: { holds: (f: MatchFacts) => f.ourStatus !== 'PAID', sql: "o.our_status <> 'PAID'" },
  oursFailed: { holds: (f: MatchFacts) => f.ourStatus === 'FAILED', sql: "o.our_status = 'FAILED'" },
  oursNeedsAttention: { holds: (f: MatchFacts) => f.ourStatus === 'NEEDS_ATTENTION', sql: "o.our_status = 'NEEDS_ATTENTION'" },
  railPaid: { holds: (f: MatchFacts) => f.railStatus === 'PAID', sql: "rr.status = 'PAID'" },
  railFailed: { holds: (f: MatchFacts) => f.railStatus === 'FAILED', sql: "rr.status = 'FAILED'" },
  railUnknown: { holds: (f: MatchFacts) => f.railStatus === 'UNKNOWN', sql: "rr.status = 'UNKNOWN'" },
  pastDeadline: { holds: (f: MatchFacts) => f.pastDeadline, sql: 'o.submitted_at < $DEADLINE' },
} as const;
type Condition = keyof typeof CONDITIONS;

/**
 * The class of one of our payments: the first rule whose conditions all hold. Statement lines come first
 * (they are the books); the rail's word next; UNKNOWN_TO_RAIL only past the deadline and with no line, so
 * a payment the statement shows but the rail no longer remembers is matched or confirmed, never re-issued.
 */
export const CLASS_RULES: ReadonlyArray<{ class: Exclude<ReconciliationClass, 'NOT_INSTRUCTED'>; when: readonly Condition[] }> = [
  { class: 'CREDITED_TWICE', when: ['creditedTwice'] },
  { class: 'REVERSED_AFTER_PAYMENT', when: ['reversed'] },
  { class: 'AMOUNT_MISMATCH', when: ['onePayment', 'amountDiffers'] },
  { class: 'RAIL_FAILED_OURS_PAID', when: ['oursPaid', 'railFailed'] },
  { class: 'RAIL_PAID_OURS_NOT', when: ['oursNotPaid', 'railPaid'] },
  { class: 'RAIL_PAID_OURS_NOT', when: ['oursNotPaid', 'onePayment'] },
  { class: 'UNKNOWN_TO_RAIL', when: ['railUnknown', 'noPayment', 'pastDeadline'] },
  { class: 'MATCHED', when: ['oursPaid', 'onePayment'] },
  { class: 'FAILED', when: ['oursFailed'] },
  { class: 'PENDING_PAST_DEADLINE', when: ['oursNeedsAttention'] },
  { class: 'PENDING_PAST_DEADLINE', when: ['pastDeadline'] },
  { class: 'PENDING', when: [] },
];

export function classify(f: MatchFacts): ReconciliationClass {
  return CLASS_RULES.find((r) => r.when.every((c) => CONDITIONS[c].holds(f)))!.class;
}

/** The rules as one SQL CASE expression; `deadline` is the query's parameter for the settlement deadline. */
export function classificationSql(deadline: string): string {
  const whens = CLASS_RULES.map((r) =>
    r.when.length
      ? `WHEN ${r.when.map((c) => CONDITIONS[c].sql.replace('$DEADLINE', deadline)).join(' AND ')} THEN '${r.class}'`
      : `ELSE '${r.class}'`,
  );
  return `CASE ${whens.join(' ')} END`;
}

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

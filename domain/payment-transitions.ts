// How a payment may change, in one table: every transition of an instruction, the statuses it may start
// from, the status it ends in, the evidence it needs, and (derived from where each status keeps the money)
// the ledger movement it posts. Activities and services ask this table; nothing else decides it.
//
// The evidence rules are what keeps a household from being paid twice by a person's decision: a payment is
// re-issued only on the rail's own word that it did not pay (or a return on the statement), with no payment
// line for it on any statement, its batch closed and the settlement deadline past; it is confirmed only on
// the rail's word or a statement line that it did pay.
import type { BreakClass, BreakResolution } from './reconciliation-classes';

export const INSTRUCTION_STATUSES = ['CREATED', 'SUBMITTED', 'PAID', 'FAILED', 'NEEDS_ATTENTION', 'CANCELLED', 'HELD'] as const;
export type InstructionStatus = (typeof INSTRUCTION_STATUSES)[number];

/** What the rail's own status report says of a payment (rail_report): UNKNOWN, it has no record of it. */
export type RailStatus = 'PAID' | 'FAILED' | 'PENDING' | 'UNKNOWN';

/** The program ledger's accounts by role (lib/ledger.ts gives each its code; in transit is per provider). */
export type LedgerRole = 'budget' | 'payable' | 'inTransit' | 'paid' | 'appropriation' | 'returnsReceivable' | 'writtenOff';

/** Where an instruction's amount is held in the ledger while it has this status. */
export const HELD_IN: Record<InstructionStatus, LedgerRole> = {
  CREATED: 'payable',
  SUBMITTED: 'inTransit',
  NEEDS_ATTENTION: 'inTransit',
  PAID: 'paid',
  FAILED: 'payable',
  CANCELLED: 'budget',
  // Never left: owed to the household until a re-issue pays it to an account its rail confirms.
  HELD: 'payable',
};

/** What is known of one payment when a person or the rail would change it. */
export interface Evidence {
  ourStatus: InstructionStatus;
  railStatus: RailStatus | null;
  /** Payment and reversal lines for its key on the statements taken as evidence (hand uploads once confirmed). */
  statementPayments: number;
  statementReversals: number;
  /** Its batch's workflow has finished (completed, needs attention, cancelled): nothing more will be sent or read. */
  batchClosed: boolean;
  /** Its batch was sent longer ago than the settlement deadline. */
  pastDeadline: boolean;
  /** Another instruction already pays the same entitlement (a re-issue). */
  paidAgain: boolean;
}

/** The statement shows the money out for good: more payment lines than reversals. */
const statementShowsPayment = (e: Evidence) => e.statementPayments > e.statementReversals;
/** The money came back: every payment line on the statement has its reversal. */
const returnConfirmed = (e: Evidence) => e.statementPayments > 0 && e.statementReversals >= e.statementPayments;

/** A missing piece of evidence, as a sentence for the person refused; null when the evidence suffices. */
type Requirement = (e: Evidence) => string | null;

const NOT_PAID_BY_RAIL: Requirement = (e) =>
  e.railStatus === 'FAILED' || e.railStatus === 'UNKNOWN' || returnConfirmed(e)
    ? null
    : `the rail has not said it failed (it says ${e.railStatus?.toLowerCase() ?? 'nothing'}) and no return is on the statement`;
const NO_PAYMENT_LINE: Requirement = (e) => (statementShowsPayment(e) ? 'a statement line shows it paid' : null);
const BATCH_CLOSED: Requirement = (e) => (e.batchClosed ? null : 'its batch is still being sent or followed');
const PAST_DEADLINE: Requirement = (e) => (e.pastDeadline ? null : 'the settlement deadline has not passed');
const NOT_PAID_AGAIN: Requirement = (e) => (e.paidAgain ? 'it was already paid again by a re-issue' : null);
const PAID_BY_RAIL_OR_STATEMENT: Requirement = (e) =>
  e.railStatus === 'PAID' || statementShowsPayment(e) ? null : 'neither the rail nor a statement line says it was paid';

export interface Transition {
  from: readonly InstructionStatus[];
  /** Null: the instruction keeps its status (the money moved is an excess, not the payment). */
  to: InstructionStatus | null;
  /** What must be known first, checked in order; the first missing one is the reason for a refusal. */
  requires: readonly Requirement[];
  /** The evidence in words, for documentation and pages. */
  evidence: string;
}

/** Every way an instruction may change. */
export const TRANSITIONS = {
  /** The batch is reserved within the cycle's approved control totals and leaves. */
  send: { from: ['CREATED'], to: 'SUBMITTED', requires: [], evidence: "the batch is reserved within the cycle's approved control totals" },
  /** Its rail did not confirm the account (or the identity is disputed) as the batch was about to leave. */
  holdBack: {
    from: ['CREATED'],
    to: 'HELD',
    requires: [],
    evidence: "the rail did not confirm the account is open and the beneficiary's, or the beneficiary's identity is disputed",
  },
  /** The cycle was cancelled before the batch left. */
  cancel: { from: ['CREATED', 'HELD'], to: 'CANCELLED', requires: [], evidence: 'the cycle was cancelled before the batch left' },
  railPaid: { from: ['SUBMITTED', 'NEEDS_ATTENTION'], to: 'PAID', requires: [], evidence: "the rail's own report says it paid" },
  railFailed: { from: ['SUBMITTED', 'NEEDS_ATTENTION'], to: 'FAILED', requires: [], evidence: "the rail's own report says it failed" },
  /** Still in flight at the deadline: a person must look, it is never left "sent". */
  deadlinePassed: { from: ['SUBMITTED'], to: 'NEEDS_ATTENTION', requires: [], evidence: 'no final status by the settlement deadline' },
  /** Resolution CONFIRM: it reached the beneficiary once, as instructed. */
  confirm: {
    from: ['SUBMITTED', 'NEEDS_ATTENTION', 'FAILED', 'PAID'],
    to: 'PAID',
    requires: [PAID_BY_RAIL_OR_STATEMENT, NOT_PAID_AGAIN],
    evidence: 'the rail says it paid, or a statement line shows it, and no re-issue paid it again',
  },
  /** Resolution REISSUE: it did not reach the beneficiary, so a re-issue cycle may pay it. */
  markFailed: {
    from: ['SUBMITTED', 'NEEDS_ATTENTION', 'PAID', 'FAILED'],
    to: 'FAILED',
    requires: [NOT_PAID_BY_RAIL, NO_PAYMENT_LINE, BATCH_CLOSED, PAST_DEADLINE],
    evidence:
      "the rail's own word that it failed (or has no record of it), or a return on the statement; no payment line on any statement; its batch closed; the settlement deadline past",
  },
  /** Resolutions REQUEST_RETURN and WRITE_OFF: money left beyond what we instructed (the excess moves, not the payment). */
  excess: { from: INSTRUCTION_STATUSES, to: null, requires: [], evidence: 'a statement shows more money out than we instructed' },
  /** A failed or held payment is paid again by a new instruction of a re-issue cycle (which starts at CREATED). */
  reissue: {
    from: ['FAILED', 'HELD'],
    to: null,
    requires: [NOT_PAID_AGAIN, NO_PAYMENT_LINE],
    evidence: 'failed or held back, not paid again, no payment line',
  },
} as const satisfies Record<string, Transition>;

export type TransitionName = keyof typeof TRANSITIONS;

/** Why `name` cannot move a payment with this evidence (a sentence), or null when it can. */
export function refusedBecause(name: TransitionName, e: Evidence): string | null {
  const t: Transition = TRANSITIONS[name];
  if (!t.from.includes(e.ourStatus)) return `it is ${e.ourStatus.toLowerCase().replace('_', ' ')}`;
  for (const requirement of t.requires) {
    const missing = requirement(e);
    if (missing) return missing;
  }
  return null;
}

/** The ledger movement of a status change: from where the old status keeps the money to where the new one does. */
export function movement(from: InstructionStatus, to: InstructionStatus): { from: LedgerRole; to: LedgerRole } | null {
  return HELD_IN[from] === HELD_IN[to] ? null : { from: HELD_IN[from], to: HELD_IN[to] };
}

/** The transition each break resolution makes, the classes it is offered for, and what some classes add. */
export const RESOLUTIONS: Record<
  BreakResolution,
  { transition: TransitionName; classes: readonly BreakClass[]; alsoRequires?: Partial<Record<BreakClass, Requirement>> }
> = {
  CONFIRM: {
    transition: 'confirm',
    classes: ['RAIL_FAILED_OURS_PAID', 'RAIL_PAID_OURS_NOT', 'UNKNOWN_TO_RAIL', 'PENDING_PAST_DEADLINE'],
  },
  REISSUE: {
    transition: 'markFailed',
    classes: ['REVERSED_AFTER_PAYMENT', 'RAIL_FAILED_OURS_PAID', 'UNKNOWN_TO_RAIL', 'PENDING_PAST_DEADLINE'],
  },
  REQUEST_RETURN: {
    transition: 'excess',
    classes: ['CREDITED_TWICE', 'AMOUNT_MISMATCH', 'RAIL_PAID_OURS_NOT', 'NOT_INSTRUCTED'],
    // The rail paid what we had failed (and may have re-issued): the whole credit is the excess. While our
    // books still have it on its way, it is the payment itself, to confirm.
    alsoRequires: {
      RAIL_PAID_OURS_NOT: (e) => (e.ourStatus === 'FAILED' ? null : 'it is still on its way in our books: confirm it instead'),
    },
  },
  WRITE_OFF: { transition: 'excess', classes: ['CREDITED_TWICE', 'AMOUNT_MISMATCH', 'NOT_INSTRUCTED'] },
};

/**
 * Why a resolution is not open to a break now (a sentence), or null when it is. `evidence` is null for a
 * statement line we never instructed (NOT_INSTRUCTED): only the excess resolutions apply to it.
 */
export function resolutionRefused(resolution: BreakResolution, breakClass: BreakClass, evidence: Evidence | null): string | null {
  const r = RESOLUTIONS[resolution];
  if (!r.classes.includes(breakClass)) return `not one of ${offeredFor(breakClass).join(', ')} for this class`;
  if (!evidence) return r.transition === 'excess' ? null : 'this break has no instruction of ours';
  return refusedBecause(r.transition, evidence) ?? r.alsoRequires?.[breakClass]?.(evidence) ?? null;
}

/** The resolutions a class may have at all (before evidence). */
export const offeredFor = (breakClass: BreakClass): BreakResolution[] =>
  (Object.keys(RESOLUTIONS) as BreakResolution[]).filter((r) => RESOLUTIONS[r].classes.includes(breakClass));

/** The resolutions open to a break with this evidence: what a page offers and the service accepts. */
export const resolutionsFor = (breakClass: BreakClass, evidence: Evidence | null): BreakResolution[] =>
  offeredFor(breakClass).filter((r) => resolutionRefused(r, breakClass, evidence) === null);

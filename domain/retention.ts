// Retention: how long an application's personal fields (lib/personal-data.ts SEALED_FIELDS) are kept, and
// what keeps them longer. Data minimisation says a person's data goes once the program no longer needs it;
// the program still needs it while the application is being decided, while its household is enrolled (it is
// paid, and may be disputed), and while money may still move to it (a payment not settled, or a failed or
// held one a re-issue may pay). The rules are data here; lib/erasure.ts applies them in SQL, a batch at a time.
//
// Erasure keeps what audit, reconciliation and deduplication need: hashes, codes, amounts, dates, the audit
// trail. So an erased application keeps its national ID hash, and with it the program's one application per
// national ID: an erased rejected applicant cannot apply to the same program again, as before the erasure
// (a submission gets the neutral answer of web/services/repeat-application.ts). Only a program's own
// application is held: another program takes the person.
import { HELD_IN, INSTRUCTION_STATUSES, TRANSITIONS, type InstructionStatus } from './payment-transitions';

const DAY_MS = 24 * 3600_000;

export type ApplicationStatus = 'RECEIVED' | 'VERIFYING' | 'ENROLLED' | 'REJECTED' | 'NEEDS_REVIEW' | 'APPEALED';
export type HouseholdStatus = 'ACTIVE' | 'SUSPENDED' | 'REMOVED';
export type CycleStatus = 'DRAFT' | 'APPROVED' | 'RUNNING' | 'PAUSED' | 'COMPLETED' | 'CANCELLED' | 'FAILED';

/** A program's retention periods, in days (program.rejected_retention_days, left_retention_days). */
export interface RetentionPeriods {
  rejectedRetentionDays: number;
  leftRetentionDays: number;
}

/**
 * Each rule: which applications it applies to, the moment its days count from, and the program's setting
 * that gives the days. REJECTED counts from the appeal deadline (the last moment the applicant could still
 * contest it: a rejection upheld on appeal sets it to its decision); a rejection without a window (an
 * unconfirmed phone lapsed, a test closed by hand) counts from its decision, else from its receipt.
 */
export const RETENTION_RULES = {
  REJECTED: {
    applies: 'application REJECTED, no household',
    from: 'appeal_deadline, decided_at, created_at',
    days: 'rejectedRetentionDays',
  },
  LEFT: { applies: 'household REMOVED', from: 'beneficiary.left_at', days: 'leftRetentionDays' },
} as const satisfies Record<string, { applies: string; from: string; days: keyof RetentionPeriods }>;
export type RetentionRule = keyof typeof RETENTION_RULES;

/** Application statuses still being decided: a workflow or a person still reads the personal fields. */
export const UNDECIDED_STATUSES = ['RECEIVED', 'VERIFYING', 'NEEDS_REVIEW', 'APPEALED'] as const satisfies readonly ApplicationStatus[];
/** Households paid (ACTIVE) or held pending a dispute (SUSPENDED): enrolled, so their data stays. */
export const ENROLLED_HOUSEHOLD_STATUSES = ['ACTIVE', 'SUSPENDED'] as const satisfies readonly HouseholdStatus[];
/**
 * Instruction statuses whose money is owed or on its way (the ledger holds it as payable or in transit:
 * domain/payment-transitions.ts HELD_IN). PAID is settled and CANCELLED went back to the budget.
 */
export const MONEY_MAY_MOVE_STATUSES: readonly InstructionStatus[] = INSTRUCTION_STATUSES.filter(
  (s) => HELD_IN[s] === 'payable' || HELD_IN[s] === 'inTransit',
);
/** The statuses a re-issue pays again (FAILED, HELD): owed until a re-issue has run. */
export const REISSUABLE_STATUSES: readonly InstructionStatus[] = TRANSITIONS.reissue.from;
/** A re-issue cycle in one of these has paid (or given up on) what it took: the original's money moved on. */
export const FINISHED_CYCLE_STATUSES = ['COMPLETED', 'CANCELLED', 'FAILED'] as const satisfies readonly CycleStatus[];

/** The reasons an administrator may erase a person's data on request: codes, so the audit trail holds no words. */
export const ERASURE_REQUEST_REASONS = ['DATA_SUBJECT_REQUEST', 'COURT_ORDER', 'DECEASED'] as const;
export type ErasureRequestReason = (typeof ERASURE_REQUEST_REASONS)[number];

/** What an application is judged on. */
export interface RetentionSubject {
  status: ApplicationStatus;
  appealDeadline: Date | null;
  decidedAt: Date | null;
  createdAt: Date;
  /** Its beneficiary, if it was enrolled. */
  household: { status: HouseholdStatus; leftAt: Date | null } | null;
}

/** When the application's personal fields are due for erasure, and by which rule; null: kept (no end yet). */
export function retentionEnd(subject: RetentionSubject, periods: RetentionPeriods): { rule: RetentionRule; at: Date } | null {
  const { household } = subject;
  if (household)
    return household.status === 'REMOVED' && household.leftAt
      ? { rule: 'LEFT', at: new Date(household.leftAt.getTime() + periods.leftRetentionDays * DAY_MS) }
      : null;
  if (subject.status !== 'REJECTED') return null;
  const from = subject.appealDeadline ?? subject.decidedAt ?? subject.createdAt;
  return { rule: 'REJECTED', at: new Date(from.getTime() + periods.rejectedRetentionDays * DAY_MS) };
}

/**
 * The same ends as cutoffs, for the daily run's SQL: an application is due when the moment its rule counts
 * from is at or before its cutoff (from + days <= now exactly when from <= now - days).
 */
export function retentionCutoffs(periods: RetentionPeriods, now: Date): { rejectedBefore: Date; leftBefore: Date } {
  return {
    rejectedBefore: new Date(now.getTime() - periods.rejectedRetentionDays * DAY_MS),
    leftBefore: new Date(now.getTime() - periods.leftRetentionDays * DAY_MS),
  };
}

/** Whether a payment may still move money to its household. */
export function moneyMayMove(payment: { status: InstructionStatus; reissueCycleStatus: CycleStatus | null }): boolean {
  if (!MONEY_MAY_MOVE_STATUSES.includes(payment.status)) return false;
  const reissued =
    payment.reissueCycleStatus !== null && (FINISHED_CYCLE_STATUSES as readonly string[]).includes(payment.reissueCycleStatus);
  return !(REISSUABLE_STATUSES.includes(payment.status) && reissued);
}

/** Why an application's data must stay, whatever its retention or a request says; null: it may be erased. */
export type ErasureBlock = 'being_decided' | 'household_enrolled' | 'money_in_flight';

export function erasureBlock(subject: {
  status: ApplicationStatus;
  household: RetentionSubject['household'];
  /** Its household's payments that may still move money (moneyMayMove). */
  paymentsInFlight: number;
}): ErasureBlock | null {
  if ((UNDECIDED_STATUSES as readonly string[]).includes(subject.status)) return 'being_decided';
  if (subject.household && (ENROLLED_HOUSEHOLD_STATUSES as readonly string[]).includes(subject.household.status))
    return 'household_enrolled';
  if (subject.paymentsInFlight > 0) return 'money_in_flight';
  return null;
}

// What a rail can answer when asked whether an account is open and held by a person, and what Amparo
// tells the applicant for each answer that is not a yes. The national ID decides who holds an account;
// the name is a second signal, so NAME_DIFFERS goes to a person rather than being refused.
import type { ReasonCode } from './reason-codes';

export const ACCOUNT_CHECK_OUTCOMES = ['VERIFIED', 'NAME_DIFFERS', 'HOLDER_MISMATCH', 'NOT_OPEN', 'UNKNOWN_ACCOUNT'] as const;

/**
 * Held by the person (VERIFIED), by them but under a name the rail finds different (NAME_DIFFERS),
 * by someone else, not open (closed, dormant or blocked), or not an account the rail has.
 */
export type AccountCheckOutcome = (typeof ACCOUNT_CHECK_OUTCOMES)[number];

const REASON_OF: Record<Exclude<AccountCheckOutcome, 'VERIFIED'>, ReasonCode> = {
  NAME_DIFFERS: 'ACCOUNT_NAME_DIFFERS',
  HOLDER_MISMATCH: 'ACCOUNT_HOLDER_MISMATCH',
  NOT_OPEN: 'ACCOUNT_CLOSED',
  UNKNOWN_ACCOUNT: 'ACCOUNT_UNKNOWN',
};

/** The reason an account is not paid without a person looking, or null when the rail confirmed it. */
export const accountCheckReason = (outcome: AccountCheckOutcome): ReasonCode | null => (outcome === 'VERIFIED' ? null : REASON_OF[outcome]);

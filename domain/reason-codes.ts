// Every reason the rail can give for a decision. Each names one rule or check, so it can be told to
// the applicant in plain language (domain/reason-messages.ts) and explained to a reviewer.
export const REASON_CODES = [
  // Registry verification
  'NOT_IN_REGISTRY', // the national ID is not in the social registry
  'DATE_OF_BIRTH_MISMATCH', // the registry has another date of birth for this ID
  'NAME_MISMATCH', // the registry's name for this ID is not the applicant's (beyond accents, order, typos)
  // Eligibility rules (domain/eligibility.ts); facts are in the rule results
  'INCOME_ABOVE_THRESHOLD', // facts: perCapita, threshold
  'APPLICANT_TOO_YOUNG', // facts: age, minimum
  'APPLICANT_TOO_OLD', // facts: age, maximum
  'HOUSEHOLD_SIZE_OUT_OF_RANGE', // facts: householdSize, min?, max?
  'NOT_ENOUGH_CHILDREN', // facts: children, required, underAge
  'FORMALLY_EMPLOYED', // facts: scope ('applicant' | 'household')
  'CONFLICTING_BENEFIT', // facts: benefits (comma-separated)
  'OUTSIDE_TARGET_AREA', // facts: municipality (code)
  'VULNERABILITY_TOO_LOW', // facts: score, minimum
  // Intake
  'PHONE_NOT_VERIFIED', // the phone was not confirmed with its code in time, and a new application took the ID's place
  // Deduplication
  'DUPLICATE_PERSON', // this national ID is already enrolled in the program
  'DUPLICATE_HOUSEHOLD', // the applicant's household is already enrolled
  'ACCOUNT_IN_USE', // the bank account or wallet already receives payments for another household
  'PHONE_SHARED_TOO_OFTEN', // facts: count, maximum
  // The account, checked with its rail (domain/account-check.ts)
  'ACCOUNT_HOLDER_MISMATCH', // the rail says the account belongs to someone else
  'ACCOUNT_CLOSED', // the rail says the account is closed, dormant or blocked
  'ACCOUNT_UNKNOWN', // the rail has no such account
  'ACCOUNT_NAME_DIFFERS', // the account is the applicant's, under a name the rail finds different
  'IDENTITY_DISPUTED', // a reviewer doubts the applicant is who they say: payments wait
  'HOUSEHOLD_REMOVED', // the household left the program (two people decided it): it is not paid again
  // People's decisions
  'REVIEW_REJECTED', // a reviewer rejected a probable duplicate
  'APPEAL_REJECTED', // a reviewer upheld the rejection on appeal
] as const;

export type ReasonCode = (typeof REASON_CODES)[number];

export const isReasonCode = (value: string): value is ReasonCode => (REASON_CODES as readonly string[]).includes(value);

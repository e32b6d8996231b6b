// What the rail tells an applicant, and when. Each event is sent once per application (its key).
import type { ReasonCode } from './reason-codes';

export type ApplicantEvent =
  | { kind: 'DECISION'; status: 'ENROLLED' }
  | { kind: 'DECISION'; status: 'NEEDS_REVIEW' }
  | { kind: 'DECISION'; status: 'REJECTED'; reasonCodes: ReasonCode[]; appealDeadline: string /* ISO date-time */ }
  | { kind: 'APPEAL_RECEIVED' }
  | { kind: 'APPEAL_DECIDED'; status: 'ENROLLED' }
  | { kind: 'APPEAL_DECIDED'; status: 'REJECTED'; reasonCodes: ReasonCode[] }
  /** Someone applied again with this application's national ID (on that day): told at most once a day. */
  | { kind: 'IDENTITY_ATTEMPT'; on: string /* YYYY-MM-DD */ }
  /** The rail did not confirm the account given (domain/account-check.ts); `account` is its key, so each account given is told once. */
  | { kind: 'ACCOUNT_NOT_CONFIRMED'; reasonCodes: ReasonCode[]; account: string }
  /** A reviewer disputes the applicant's identity: payments are held until they confirm it with the program (once per dispute). */
  | { kind: 'IDENTITY_DISPUTED'; disputeId: string }
  /** A one-time code (its row's ID is the key: each code is its own message). */
  | { kind: 'CODE'; codeId: string; code: string };

/** The event's idempotency key within an application: a retried step never sends a second message. */
export function eventKey(event: ApplicantEvent): string {
  if (event.kind === 'APPEAL_RECEIVED') return 'appeal:received';
  if (event.kind === 'IDENTITY_ATTEMPT') return `identity-attempt:${event.on}`;
  if (event.kind === 'CODE') return `code:${event.codeId}`;
  if (event.kind === 'IDENTITY_DISPUTED') return `identity-dispute:${event.disputeId}`;
  if (event.kind === 'ACCOUNT_NOT_CONFIRMED') return `account:${event.account}`;
  return `${event.kind === 'DECISION' ? 'decision' : 'appeal'}:${event.status}`;
}

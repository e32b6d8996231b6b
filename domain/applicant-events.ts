// What the rail tells an applicant, and when. Each event is sent once per application (its key).
import type { ReasonCode } from './reason-codes';

export type ApplicantEvent =
  | { kind: 'DECISION'; status: 'ENROLLED' }
  | { kind: 'DECISION'; status: 'NEEDS_REVIEW' }
  | { kind: 'DECISION'; status: 'REJECTED'; reasonCodes: ReasonCode[]; appealDeadline: string /* ISO date-time */ }
  | { kind: 'APPEAL_RECEIVED' }
  | { kind: 'APPEAL_DECIDED'; status: 'ENROLLED' }
  | { kind: 'APPEAL_DECIDED'; status: 'REJECTED'; reasonCodes: ReasonCode[] };

/** The event's idempotency key within an application: a retried step never sends a second message. */
export function eventKey(event: ApplicantEvent): string {
  return event.kind === 'APPEAL_RECEIVED' ? 'appeal:received' : `${event.kind === 'DECISION' ? 'decision' : 'appeal'}:${event.status}`;
}

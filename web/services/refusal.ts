// A service's "no": a stable code, the kind of refusal, a title and a sentence a person can act on, and for
// bad input the fields (or headers) at fault. It knows nothing of HTTP: the API maps a kind to a status once
// (web/http/errors.ts), the pages render the same title and sentence (web/admin/http.ts, web/applicant/http.ts).
import type { z } from 'zod';
import { parseInput, type FieldErrors } from '../../schema/fields';

export type RefusalKind =
  | 'invalid'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'unprocessable'
  | 'too_large'
  | 'unsupported'
  | 'too_many'
  | 'unavailable';

interface Entry {
  kind: RefusalKind;
  title: string;
  sentence: string;
}

/** Every refusal a service or the edge can give, by code. The sentence is shown to the person refused. */
export const REFUSALS = {
  invalid_request: { kind: 'invalid', title: 'Not valid', sentence: 'Some of what was sent is not valid: each field at fault is named.' },
  invalid_path_parameter: { kind: 'invalid', title: 'Page not found', sentence: 'There is nothing at this address.' },
  reason_required: { kind: 'invalid', title: 'Reason needed', sentence: 'This resolution needs a reason.' },
  authentication_required: {
    kind: 'unauthenticated',
    title: 'Sign in',
    sentence: 'This needs a bearer token in the Authorization header.',
  },
  invalid_token: {
    kind: 'unauthenticated',
    title: 'Sign in',
    sentence: 'This token is not valid: it is unknown, expired or revoked. Ask an administrator for a new one.',
  },
  role_not_allowed: { kind: 'forbidden', title: 'Not allowed', sentence: 'Your role does not allow this.' },
  maker_cannot_approve: {
    kind: 'forbidden',
    title: 'You cannot approve this cycle',
    sentence:
      'You prepared this cycle, so you cannot approve it: another person with the approver role must check and approve it (maker-checker).',
  },
  route_not_found: {
    kind: 'not_found',
    title: 'Page not found',
    sentence: 'There is nothing at this address. The API is described at /api/v1/openapi.json.',
  },
  program_not_found: { kind: 'not_found', title: 'Program not found', sentence: 'There is no program with this code.' },
  cycle_not_found: { kind: 'not_found', title: 'Cycle not found', sentence: 'There is no payment cycle at this address.' },
  break_not_found: { kind: 'not_found', title: 'Break not found', sentence: 'There is no break at this address.' },
  review_not_found: { kind: 'not_found', title: 'Review not found', sentence: 'There is no review task at this address.' },
  application_not_found: { kind: 'not_found', title: 'Application not found', sentence: 'There is no application with this number.' },
  idempotency_key_reused: {
    kind: 'conflict',
    title: 'Idempotency-Key already used',
    sentence:
      'This Idempotency-Key was sent before with a different application. Send a new key for a new application; repeat a request only with its own key and the same content.',
  },
  open_cycle_exists: {
    kind: 'conflict',
    title: 'A cycle is already open',
    sentence: 'This program already has a cycle that is not finished. It must complete or be cancelled before another is prepared.',
  },
  budget_exceeded: {
    kind: 'conflict',
    title: 'Above the budget',
    sentence:
      "The cycle's total is above the program's budget per cycle, so it cannot be approved. Cancel it or change the program's budget.",
  },
  control_totals_mismatch: {
    kind: 'conflict',
    title: 'Control totals do not match',
    sentence: 'The count or the amount given is not the one in the control totals: check the totals you reviewed.',
  },
  cycle_not_draft: {
    kind: 'conflict',
    title: 'Not waiting for approval',
    sentence: 'This cycle is no longer waiting for approval (someone may have approved it a moment ago), so nothing was recorded.',
  },
  cycle_not_approved: { kind: 'conflict', title: 'Not approved', sentence: 'Only an approved cycle can be launched.' },
  cycle_not_running: {
    kind: 'conflict',
    title: 'Not running',
    sentence: 'Only a running or paused cycle can be paused, resumed or cancelled. It may have just finished.',
  },
  not_reissuable: {
    kind: 'conflict',
    title: 'Cannot be re-issued',
    sentence: 'Some of the payments chosen cannot be re-issued: each is named.',
  },
  program_code_taken: { kind: 'conflict', title: 'Code taken', sentence: 'A program with this code already exists: choose another code.' },
  review_already_decided: {
    kind: 'conflict',
    title: 'Already decided',
    sentence: 'This review task had already been decided, so this decision was not recorded.',
  },
  break_not_open: {
    kind: 'conflict',
    title: 'Already resolved',
    sentence:
      'This break is no longer open (someone may have resolved it a moment ago, or a later reconciliation cleared it), so nothing was recorded.',
  },
  already_reissued: {
    kind: 'conflict',
    title: 'Already paid again',
    sentence: 'This payment was re-issued, so confirming it would pay it twice. Request the return of the extra credit instead.',
  },
  cycle_closed: {
    kind: 'conflict',
    title: 'Cycle signed off',
    sentence: 'This cycle is signed off: its breaks can no longer be resolved.',
  },
  cycle_not_finished: {
    kind: 'conflict',
    title: 'Cycle not finished',
    sentence:
      'This cycle has not finished paying (it must be completed or cancelled, every batch closed), so it cannot be reconciled by request or signed off.',
  },
  reconciliation_running: {
    kind: 'conflict',
    title: 'Reconciliation under way',
    sentence: 'A reconciliation of this cycle is running: sign off once it has finished and its report is the one you checked.',
  },
  reconciliation_stale: {
    kind: 'conflict',
    title: 'Something new arrived',
    sentence:
      'A statement line or a rail report arrived after the last reconciliation, so its report is not the whole picture. A new run has been started: check its report, then sign off.',
  },
  no_reconciliation: {
    kind: 'conflict',
    title: 'Not reconciled',
    sentence: 'This cycle has no completed reconciliation yet, so it cannot be signed off.',
  },
  breaks_open: {
    kind: 'conflict',
    title: 'Breaks still open',
    sentence: 'Every break must be resolved before the cycle can be signed off. One may have appeared since the page was loaded.',
  },
  not_balanced: {
    kind: 'conflict',
    title: 'Not balanced',
    sentence: 'The latest reconciliation is not balanced, so the cycle cannot be signed off.',
  },
  already_signed: {
    kind: 'conflict',
    title: 'Already signed off',
    sentence: 'This cycle was already signed off (perhaps a moment ago by someone else). Nothing was recorded.',
  },
  resolution_not_allowed: {
    kind: 'unprocessable',
    title: 'Resolution not allowed',
    sentence: 'This resolution is not allowed for this break: the reason is given with the resolution field.',
  },
  unknown_account: { kind: 'unprocessable', title: 'Unknown account', sentence: 'No program pays from the account of this statement.' },
  body_too_large: { kind: 'too_large', title: 'Too large', sentence: 'What was sent is larger than this address accepts.' },
  unsupported_media_type: {
    kind: 'unsupported',
    title: 'Not readable',
    sentence: 'What was sent is not in a format this address reads: see the content-type field.',
  },
  decision_not_found: { kind: 'not_found', title: 'Decision not found', sentence: 'There is no decision at this address.' },
  identity_dispute_not_found: {
    kind: 'not_found',
    title: 'Dispute not found',
    sentence: 'There is no identity dispute at this address.',
  },
  identity_dispute_open: {
    kind: 'conflict',
    title: 'Already disputed',
    sentence: "This application's identity is already disputed: its payments are held until that dispute is closed.",
  },
  identity_dispute_closed: {
    kind: 'conflict',
    title: 'Dispute closed',
    sentence: 'This identity dispute is already closed (perhaps a moment ago), so nothing was recorded.',
  },
  household_not_enrolled: {
    kind: 'conflict',
    title: 'Not in the program',
    sentence: 'This application has no household in the program (it was never enrolled, or it has left already), so nothing was recorded.',
  },
  erasure_being_decided: {
    kind: 'conflict',
    title: 'Still being decided',
    sentence:
      'This application is still being decided (received, checked, in review or appealed), and that needs its data: erase it once it is decided.',
  },
  erasure_household_enrolled: {
    kind: 'conflict',
    title: 'Household still enrolled',
    sentence:
      "This application's household is enrolled (active, or suspended by an identity dispute), so the program still pays it with this data: it must leave the program before its data can be erased.",
  },
  erasure_money_in_flight: {
    kind: 'conflict',
    title: 'Money may still move',
    sentence:
      'A payment to this household is not settled yet, or failed or was held and may still be paid again: its data is needed until that money has moved or its re-issue has run.',
  },
  account_not_waiting: {
    kind: 'conflict',
    title: 'No account to replace',
    sentence: 'This application is not waiting for another account: its rail confirmed the one given, or the application was decided.',
  },
  decision_pending: {
    kind: 'conflict',
    title: 'Already proposed',
    sentence: 'A proposal for this already waits for a second person: approve or decline it first.',
  },
  decision_not_open: {
    kind: 'conflict',
    title: 'Already decided',
    sentence: 'This proposal was already approved or declined (perhaps a moment ago by someone else), so nothing was recorded.',
  },
  proposer_cannot_approve: {
    kind: 'forbidden',
    title: 'You cannot approve your own proposal',
    sentence: 'You proposed this, so you cannot approve it: another person must check and approve it (four eyes).',
  },
  rate_limited: { kind: 'too_many', title: 'Too many attempts', sentence: 'Too many requests: try again after the time given.' },
  busy: {
    kind: 'unavailable',
    title: 'Busy',
    sentence: 'We are very busy right now. Send the same request again in a few seconds: sending it twice is safe.',
  },
  callback_unsigned: {
    kind: 'unauthenticated',
    title: 'Not signed by the rail',
    sentence: "This callback does not carry the rail's signature of its timestamp and body: the header at fault is named.",
  },
  callback_stale: {
    kind: 'unauthenticated',
    title: 'Signed too long ago',
    sentence: 'This callback was signed more than five minutes away from our clock: a rail signs each delivery as it sends it.',
  },
  callback_replayed: {
    kind: 'unauthenticated',
    title: 'Already received',
    sentence: 'This signed callback was already received: a rail signs each delivery afresh, so one signature is taken once.',
  },
  cycle_signed_off: {
    kind: 'conflict',
    title: 'Reconciliation signed off',
    sentence: "This cycle's reconciliation is signed off: it can no longer be approved or launched.",
  },
  account_changes_not_approved: {
    kind: 'conflict',
    title: 'Account changes not approved',
    sentence:
      'This re-issue pays some households to a new account: the account changes must be approved first, by an approver who did not prepare the re-issue, and then the cycle.',
  },
  account_changed_since: {
    kind: 'conflict',
    title: 'An account changed meanwhile',
    sentence:
      "A household's account changed after this re-issue was prepared, so these changes no longer replace the accounts shown. Nothing was changed: decline them.",
  },
  account_in_use: {
    kind: 'conflict',
    title: 'Account in use',
    sentence:
      'One of the new accounts has since become the account of another household of this program, and each household has its own. Nothing was changed: decline these account changes.',
  },
} as const satisfies Record<string, Entry>;

export type RefusalCode = keyof typeof REFUSALS;

export class Refusal extends Error {
  readonly kind: RefusalKind;
  constructor(
    readonly code: RefusalCode,
    readonly fields: FieldErrors = {},
    /** For a rate limit or a busy moment: when the same request may be tried again. */
    readonly retryAfterSeconds?: number,
  ) {
    super(REFUSALS[code].sentence);
    this.name = 'Refusal';
    this.kind = REFUSALS[code].kind;
  }

  get title(): string {
    return REFUSALS[this.code].title;
  }
}

export const refuse = (code: RefusalCode, fields?: FieldErrors) => new Refusal(code, fields);
/** Bad input: every field at fault, by name. */
export const invalid = (fields: FieldErrors) => new Refusal('invalid_request', fields);
/** A thing looked up by `field` (a path parameter, usually) that does not exist. */
export const notFound = (code: RefusalCode & `${string}_not_found`, field: string) =>
  new Refusal(code, { [field]: REFUSALS[code].sentence });

/** The input parsed by the schema, or a refusal naming every field at fault. */
export function validInput<T extends z.ZodType>(schema: T, input: unknown): z.infer<T> {
  const parsed = parseInput(schema, input);
  if (!parsed.ok) throw invalid(parsed.fields);
  return parsed.value;
}

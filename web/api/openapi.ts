// GET /api/v1/openapi.json: an OpenAPI 3.1 description of the programs, applications, cycles and money
// decisions API.
// The request bodies are generated from the very zod schemas the routes validate with (z.toJSONSchema,
// input side: a field with a default is optional), so the document cannot drift from what is accepted.
// Refinements zod cannot express in JSON Schema (check digits, real dates) are named in descriptions.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Role } from '../../generated/prisma/client';
import {
  AccountCodeInput,
  AccountReplacementInput,
  applicationInput,
  PhoneCodeResendInput,
  PhoneVerificationInput,
  StatusLookupInput,
} from '../../schema/application';
import { CycleApprovalInput, ReissueInput } from '../../schema/cycle';
import { ErasureRequestInput } from '../../schema/erasure';
import { HouseholdRemovalInput } from '../../schema/household-removal';
import { DisputeProposalInput, IdentityDisputeInput } from '../../schema/identity-dispute';
import { BreakResolutionInput, SettlementReportFile, StatementUploadQuery } from '../../schema/reconciliation';
import { ProgramInput } from '../../schema/program';
import { BREAK_CLASSES, BREAK_RESOLUTIONS } from '../../domain/reconciliation-classes';
import { BREAK_COLUMNS, SUMMARY_COLUMNS } from '../services/finance-report-csv';
import { BREAK_STATUSES, BreakCsvQuery, BreakQuery, type BreakItem, type FinanceReport } from '../services/finance-report';
import type { SignOffResult } from '../services/sign-off';
import type { AccountChanges } from '../services/account-changes';
import type { ErasureDone } from '../services/erasure';
import { DeclineInput } from './decisions';

const ErrorBody = z.object({
  error: z.string().meta({ description: 'A stable machine-readable code, e.g. invalid_request, cycle_not_found, maker_cannot_approve.' }),
  fields: z
    .record(z.string(), z.string())
    .optional()
    .meta({ description: 'For bad input: each wrong field (dotted path) with what it should be.' }),
});
const ApplicationAck = z.object({
  applicationNumber: z.string(),
  status: z.string(),
  phoneVerification: z.enum(['required', 'verified']).meta({
    description:
      'required: a code was sent by SMS to the phone; the application is not checked until it is typed back (POST /api/v1/applications/phone-verification)',
  }),
  phoneEnding: z.string().meta({ description: 'The last four digits of the phone the code went to, as given' }),
});
const PhoneVerified = z.object({ applicationNumber: z.string(), phoneVerification: z.literal('verified') });
const PhoneCodeRequested = z.object({ applicationNumber: z.string() });
const AccountCodeSent = z.object({ applicationNumber: z.string(), phoneEnding: z.string() });
const AccountGiven = z.object({
  applicationNumber: z.string(),
  account: z.literal('checking').meta({ description: 'The rail is asked about the new account; the applicant is told by SMS' }),
});
const ProgramCreated = z.object({ id: z.uuid(), code: z.string() });
const CycleLaunched = z.object({ id: z.uuid(), workflowId: z.string() });
const CycleControlRequested = z.object({ id: z.uuid(), requested: z.enum(['pause', 'resume', 'cancel']) });
const ReconciliationStarted = z.object({ workflowId: z.string() });
const ResolvedBreak = z.object({
  id: z.uuid(),
  cycleId: z.uuid(),
  breakClass: z.enum(BREAK_CLASSES),
  resolution: z.enum(BREAK_RESOLUTIONS),
  posted: z.string().meta({ description: 'What moved in the ledger, exact decimal' }),
  currency: z.string(),
});
const Totals = z.object({ count: z.number().int(), amount: z.string() });
const DECISION_STATUSES = ['PROPOSED', 'APPROVED', 'DECLINED'] as const;
const MaskedAccountBody = z.object({
  rail: z.enum(['BANK', 'WALLET']),
  bankCode: z.string().nullable(),
  lastFour: z.string().meta({ description: 'The last four digits of the account or wallet number (none when it has four or fewer)' }),
  label: z.string().meta({ description: 'e.g. "Bank 001, account ****4321" or "Wallet ****0042"; never the whole number' }),
});
const AccountChangesBody = z
  .object({
    decisionId: z.uuid().meta({ description: 'The ACCOUNT_CHANGES decision: approve it with POST /api/v1/decisions/{id}/approve' }),
    status: z.enum(DECISION_STATUSES),
    proposedBy: z.uuid().meta({ description: 'Whoever prepared the re-issue, who cannot approve its account changes' }),
    proposedAt: z.iso.datetime(),
    decidedBy: z.uuid().nullable(),
    decidedAt: z.iso.datetime().nullable(),
    declineReason: z.string().nullable(),
    items: z.array(
      z.object({
        paymentKey: z.string().meta({ description: 'The failed payment paid again' }),
        amount: z.string(),
        before: MaskedAccountBody.meta({ description: "The household's account the new one replaces" }),
        after: MaskedAccountBody.meta({ description: 'The new account, which becomes the household’s once approved' }),
      }),
    ),
  })
  .meta({
    description:
      "A re-issue's new accounts, masked. A second person (an APPROVER who did not prepare the re-issue) approves them as a step of their own; until then the cycle's approval is refused (409 account_changes_not_approved).",
  });
const CycleSummary = z
  .object({
    id: z.uuid(),
    number: z.number().int(),
    kind: z.enum(['REGULAR', 'REISSUE']),
    status: z.enum(['DRAFT', 'APPROVED', 'RUNNING', 'PAUSED', 'COMPLETED', 'CANCELLED', 'FAILED']),
    currency: z.string(),
    programCode: z.string(),
    preview: Totals,
    approved: Totals.nullable(),
    instructed: Totals.nullable(),
    signedOffAt: z.iso
      .datetime()
      .nullable()
      .meta({ description: 'When finance signed the reconciliation off: a signed-off cycle is never approved or launched' }),
    accountChanges: AccountChangesBody.nullable().meta({
      description: 'For a re-issue that pays households to new accounts; null otherwise',
    }),
  })
  .meta({
    description:
      'The cycle as an administrator watches it (web/cycle-view.ts); batches, failures by reason and the latest reconciliation are also included.',
  });

// The finance report (web/finance-report.ts); the type checks below keep these in step with the code.
const RailTotals = z.object({
  provider: z.string(),
  currency: z.string(),
  balanced: z.boolean().meta({ description: 'instructed = paid + failed + pending + breaks + heldBack, in count and amount' }),
  instructed: Totals,
  paid: Totals,
  failed: Totals,
  pending: Totals,
  breaks: Totals,
  heldBack: Totals.meta({
    description: 'held back before their batch left (account not confirmed by the rail, identity disputed): never sent, still owed',
  }),
  notInstructed: Totals,
  statement: Totals,
});
const FinanceReportBody = z
  .object({
    cycle: z.object({ id: z.uuid(), programCode: z.string(), number: z.number().int(), currency: z.string(), status: z.string() }),
    run: z.object({ id: z.uuid(), finishedAt: z.iso.datetime(), trigger: z.string(), balanced: z.boolean() }).nullable(),
    totals: z.array(RailTotals),
    breaksByClass: z.array(
      z.object({ provider: z.string(), currency: z.string(), breakClass: z.string(), count: z.number().int(), amount: z.string() }),
    ),
    breakStatus: z.object({ OPEN: z.number().int(), RESOLVED: z.number().int(), CLEARED: z.number().int() }),
    signOff: z
      .object({
        username: z.string().meta({ description: 'Who proposed the sign-off' }),
        approvedBy: z.string().nullable().meta({ description: 'The second finance user who approved it (null: signed before four eyes)' }),
        signedAt: z.iso.datetime(),
        sha256: z.string(),
      })
      .nullable(),
  })
  .meta({
    description: 'The latest completed reconciliation run of a cycle and its breaks; once signed off, the report exactly as signed.',
  });
const BreakItemBody = z.object({
  id: z.uuid(),
  paymentKey: z.string(),
  breakClass: z.enum(BREAK_CLASSES),
  provider: z.string(),
  currency: z.string(),
  expectedAmount: z.string().nullable(),
  statementAmount: z.string().nullable(),
  statementLines: z.number().int(),
  ourStatus: z.string().nullable(),
  railStatus: z.string().nullable(),
  status: z.enum(BREAK_STATUSES),
  resolution: z.enum(BREAK_RESOLUTIONS).nullable(),
  resolutionReason: z.string().nullable(),
  resolvedBy: z.string().nullable(),
  resolvedAt: z.iso.datetime().nullable(),
  firstRunId: z.uuid(),
  beneficiary: z.string().nullable().meta({ description: 'Initials only, e.g. "M*** S***"' }),
  account: z.string().nullable().meta({ description: 'Last four digits only, e.g. "****1234"' }),
});
const BreakPage = z.object({ total: z.number().int(), page: z.number().int(), pageSize: z.number().int(), items: z.array(BreakItemBody) });
const SignOff = z.object({
  cycleId: z.uuid(),
  runId: z.uuid(),
  signedBy: z.string().meta({ description: 'Who proposed the sign-off' }),
  approvedBy: z.string().meta({ description: 'The second finance user who approved it' }),
  signedAt: z.iso.datetime(),
  reportSha256: z.string().meta({ description: 'SHA-256 (hex) of the signed report as canonical JSON: keys sorted, no spaces' }),
});
const DecisionBody = z.object({
  id: z.uuid(),
  kind: z.enum(['BREAK_RESOLUTION', 'SIGN_OFF', 'STATEMENT_UPLOAD', 'ACCOUNT_CHANGES', 'IDENTITY_DISPUTE', 'HOUSEHOLD_REMOVAL']),
  subjectId: z.uuid().meta({ description: 'The break, cycle, statement upload, identity dispute or household decided on' }),
  cycleId: z.uuid().nullable(),
  details: z.record(z.string(), z.unknown()).meta({ description: 'What is proposed: codes and amounts, never personal data' }),
  status: z.enum(DECISION_STATUSES),
  proposedBy: z.uuid(),
  proposedAt: z.iso.datetime(),
  decidedBy: z.uuid().nullable(),
  decidedAt: z.iso.datetime().nullable(),
  declineReason: z.string().nullable(),
});
const DecisionList = z.object({ decisions: z.array(DecisionBody) });
const DecisionProposed = z.object({ decision: DecisionBody });
const StatementUploaded = z.object({
  lines: z.number().int(),
  imported: z.number().int().meta({ description: 'New lines (a line already imported is skipped)' }),
  cycleIds: z.array(z.uuid()).meta({ description: 'Cycles the file concerns, reconciled again once it is confirmed' }),
  decision: DecisionBody.nullable().meta({
    description:
      'The confirmation a second finance user must approve before the lines are evidence (null when every line was already stored)',
  }),
});
const DecisionApproved = z.object({
  approved: z.literal(true),
  result: z.unknown().meta({ description: 'What the decision did, by kind; for ACCOUNT_CHANGES { cycleId, accountsChanged }' }),
});
const DecisionDeclined = z.object({ declined: z.literal(true), id: z.uuid() });
const IdentityDisputeBody = z.object({
  id: z.uuid(),
  applicationId: z.uuid(),
  beneficiaryId: z.uuid().nullable().meta({ description: 'The household this dispute suspended (null: none was enrolled and active)' }),
  reason: z.string().meta({ description: "The reviewer's words: kept on the dispute, never in the audit trail" }),
  status: z.enum(['OPEN', 'LIFTED', 'UPHELD']),
  openedBy: z.uuid(),
  openedAt: z.iso.datetime(),
  closedBy: z.uuid().nullable().meta({ description: 'Who approved how it ended (its proposer is on the decision)' }),
  closedAt: z.iso.datetime().nullable(),
});
const IdentityDisputeOpened = IdentityDisputeBody.extend({
  applicantNotified: z.boolean().meta({ description: 'False when the SMS could not be queued: the dispute and its hold stand' }),
});
const IdentityDisputeView = IdentityDisputeBody.extend({
  proposal: DecisionBody.nullable().meta({ description: 'How it should end, waiting for a second person' }),
});
const HouseholdRemovals = z.object({
  removals: z.array(
    z.object({
      id: z.uuid().meta({ description: 'The decision: approve or decline it at /api/v1/decisions/{id}/approve|decline' }),
      kind: z.literal('HOUSEHOLD_REMOVAL'),
      subjectId: z.uuid().meta({ description: 'The household (beneficiary)' }),
      details: z.record(z.string(), z.unknown()).meta({ description: '{ reason, applicationId }' }),
      proposedBy: z.uuid(),
      proposer: z.string().meta({ description: "The proposer's username" }),
      proposedAt: z.iso.datetime(),
    }),
  ),
});
const ErasureDoneBody = z.object({
  applicationId: z.uuid(),
  erasedAt: z.iso.datetime(),
  alreadyErased: z.boolean().meta({ description: 'True when it had been erased before (by retention or a request): nothing changed' }),
});
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
const _accountChangesInStep: Same<z.infer<typeof AccountChangesBody>, AccountChanges> = true;
const _erasureInStep: Same<z.infer<typeof ErasureDoneBody>, ErasureDone> = true;
const _inStep: [
  Same<z.infer<typeof FinanceReportBody>, FinanceReport>,
  Same<z.infer<typeof SignOff>, SignOffResult>,
  Same<keyof z.infer<typeof BreakItemBody>, keyof BreakItem>,
] = [true, true, true];

/** Every schema of the document, by its component name. */
export const OPENAPI_SCHEMAS = {
  ProgramInput,
  ApplicationInput: applicationInput('BR'),
  StatusLookupInput,
  PhoneVerificationInput,
  PhoneCodeResendInput,
  PhoneVerified,
  PhoneCodeRequested,
  AccountCodeInput,
  AccountReplacementInput,
  AccountCodeSent,
  AccountGiven,
  CycleApprovalInput,
  ReissueInput,
  ErrorBody,
  ProgramCreated,
  ApplicationAck,
  CycleSummary,
  AccountChanges: AccountChangesBody,
  CycleLaunched,
  CycleControlRequested,
  ReconciliationStarted,
  FinanceReport: FinanceReportBody,
  BreakPage,
  SignOff,
  BreakQuery,
  BreakCsvQuery,
  BreakResolutionInput,
  ResolvedBreak,
  StatementUploadQuery,
  SettlementReportFile,
  StatementUploaded,
  DecisionList,
  DecisionProposed,
  DeclineInput,
  DecisionApproved,
  DecisionDeclined,
  IdentityDisputeInput,
  DisputeProposalInput,
  IdentityDisputeOpened,
  IdentityDisputeView,
  ErasureRequestInput,
  ErasureDone: ErasureDoneBody,
  HouseholdRemovalInput,
  HouseholdRemovals,
} as const satisfies Record<string, z.ZodType>;
type SchemaName = keyof typeof OPENAPI_SCHEMAS;

interface Operation {
  summary: string;
  roles?: Role[];
  body?: SchemaName;
  /** Query parameters: each property of this (object) schema. */
  query?: SchemaName;
  /** `csv`: the answer is a text/csv file (RFC 4180) rather than JSON. */
  ok: { status: number; description: string; schema?: SchemaName; csv?: boolean };
  errors: number[];
  description?: string;
  idempotencyKey?: boolean;
}

const ERROR_TEXT: Record<number, string> = {
  400: 'Invalid input: the fields that were wrong, nothing written',
  401: 'No or unknown bearer token',
  403: "The token's role may not do this (or maker-checker)",
  404: 'Not found',
  409: 'Conflicts with the current state',
  415: 'A body of another media type was expected',
  422: 'Well formed, but not allowed in this state or for this item',
  429: 'Too many attempts: Retry-After says when to try again',
};
const ref = (name: SchemaName) => ({ $ref: `#/components/schemas/${name}` });
const json = (name: SchemaName) => ({ 'application/json': { schema: ref(name) } });

function operation(path: string, op: Operation) {
  const params: Array<{ name: string | undefined; in: string; required: boolean; schema: object }> = [...path.matchAll(/\{(\w+)\}/g)].map(
    ([, name]) => ({ name, in: 'path', required: true, schema: name === 'id' ? { type: 'string', format: 'uuid' } : { type: 'string' } }),
  );
  if (op.query) {
    const q = z.toJSONSchema(OPENAPI_SCHEMAS[op.query], { io: 'input' }) as { properties?: Record<string, object>; required?: string[] };
    for (const [name, schema] of Object.entries(q.properties ?? {}))
      params.push({ name, in: 'query', required: (q.required ?? []).includes(name), schema });
  }
  if (op.idempotencyKey) params.push({ name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string' } });
  const errors = [...(op.roles ? [401, 403] : []), ...op.errors].sort();
  return {
    summary: op.summary,
    ...(op.description || op.roles
      ? { description: [op.description, op.roles && `Roles: ${op.roles.join(', ')}.`].filter(Boolean).join(' ') }
      : {}),
    ...(params.length ? { parameters: params } : {}),
    ...(op.roles ? { security: [{ bearerAuth: [] }] } : { security: [] }),
    ...(op.body ? { requestBody: { required: true, content: json(op.body) } } : {}),
    responses: {
      [op.ok.status]: {
        description: op.ok.description,
        ...(op.ok.schema ? { content: json(op.ok.schema) } : {}),
        ...(op.ok.csv ? { content: { 'text/csv': { schema: { type: 'string' } } } } : {}),
      },
      ...Object.fromEntries(errors.map((s) => [s, { description: ERROR_TEXT[s], content: json('ErrorBody') }])),
    },
  };
}

const PATHS: Record<string, Record<string, Operation>> = {
  '/api/v1/programs': {
    post: {
      summary: 'Create a program with its first rule set',
      roles: ['ADMIN'],
      body: 'ProgramInput',
      ok: { status: 201, description: "Created: the program's id and code", schema: 'ProgramCreated' },
      errors: [400, 409],
    },
  },
  '/api/v1/programs/{code}/stats': {
    get: {
      summary: 'Applications by status, rejection reasons and active beneficiaries of a program',
      roles: ['ADMIN', 'APPROVER', 'REVIEWER', 'FINANCE'],
      ok: { status: 200, description: "The program's statistics" },
      errors: [404],
    },
  },
  '/api/v1/programs/{code}/applications': {
    post: {
      summary: 'Apply to a program',
      body: 'ApplicationInput',
      idempotencyKey: true,
      errors: [400, 404, 409],
      description:
        "The national ID's check digits are those of the program's country (CPF in BR, CUIL/CUIT in AR); dates must be real and not in the future. The phone (and a wallet) must have one of the program's country calling codes (400 naming the field otherwise). A code goes by SMS to the phone: the application is checked only once the code is typed back (phone-verification). A program holds one application per national ID: another submission with an ID that has one gets the answer a new applicant gets and reveals nothing of it (the owner is told by SMS, once their phone is confirmed); an application whose phone was not confirmed within an hour gives its ID to the next submission. A repeat with the same Idempotency-Key and the same content gets the original answer (200); the same key with other content is refused (409).",
      ok: { status: 201, description: 'Received: the application number to follow it with', schema: 'ApplicationAck' },
    },
  },
  '/api/v1/applications/phone-verification': {
    post: {
      summary: "Confirm an application's phone with the code sent to it by SMS",
      body: 'PhoneVerificationInput',
      description:
        'A code lives 10 minutes and takes 5 wrong tries; only the newest counts. A code refused is a 400 naming the field code: not the code sent, expired or already used, or typed wrong too many times (then ask for a new one). Any number gets the answers a real one would, so they tell no one which numbers exist. Counted per address and per number (429).',
      ok: { status: 200, description: 'The phone is confirmed: the application will be checked', schema: 'PhoneVerified' },
      errors: [400, 429],
    },
  },
  '/api/v1/applications/phone-verification/resend': {
    post: {
      summary: "A new code by SMS to an application's phone, replacing the last",
      body: 'PhoneCodeResendInput',
      description: 'At most 3 an hour per application number (429 after). The same answer for any number.',
      ok: {
        status: 202,
        description: 'Accepted: a new code goes to the phone of the application, if it waits for one',
        schema: 'PhoneCodeRequested',
      },
      errors: [400, 429],
    },
  },
  '/api/v1/applications/account-code': {
    post: {
      summary: "A code by SMS to an application's phone, to give another account for one its rail did not confirm",
      body: 'AccountCodeInput',
      description:
        'Only while the application waits for another account (reason ACCOUNT_CLOSED, ACCOUNT_HOLDER_MISMATCH, ACCOUNT_UNKNOWN or ACCOUNT_NAME_DIFFERS; 409 otherwise). Counted like an appeal: per address and per number, five wrong dates of birth lock the number for an hour, 3 codes an hour.',
      ok: { status: 202, description: 'A code went to the phone of the application', schema: 'AccountCodeSent' },
      errors: [400, 404, 409, 429],
    },
  },
  '/api/v1/applications/account': {
    post: {
      summary: 'Another account for an application whose account its rail did not confirm',
      body: 'AccountReplacementInput',
      description:
        'With the code sent by SMS (account-code). The account replaces the one given and is checked with its rail; once the rail confirms it, the household is enrolled and told by SMS. A code refused is a 400 naming code.',
      ok: { status: 202, description: 'Accepted: the rail is asked about the new account', schema: 'AccountGiven' },
      errors: [400, 404, 409, 429],
    },
  },
  '/api/v1/applications/status': {
    post: {
      summary: "Status of an application, by its number and the applicant's date of birth (no personal data in the answer)",
      body: 'StatusLookupInput',
      description:
        'Both in the body, never in a URL. Counted like the status page: per address and per number, and five wrong dates of birth lock the number for an hour.',
      ok: { status: 200, description: 'Status, reason codes, decision date, and the appeal deadline while an appeal is possible' },
      errors: [400, 404, 429],
    },
  },
  '/api/v1/programs/{code}/cycles': {
    post: {
      summary: 'Prepare a payment cycle: the control totals of every active household, per rail',
      roles: ['ADMIN'],
      ok: { status: 201, description: 'The prepared cycle, waiting for approval', schema: 'CycleSummary' },
      errors: [404, 409],
    },
  },
  '/api/v1/cycles/{id}': {
    get: {
      summary: 'A cycle with its totals, batch progress, failures by reason and latest reconciliation',
      roles: ['ADMIN', 'APPROVER', 'FINANCE'],
      ok: { status: 200, description: 'The cycle', schema: 'CycleSummary' },
      errors: [404],
    },
  },
  '/api/v1/cycles/{id}/approve': {
    post: {
      summary: 'Approve a cycle by restating its control totals (the envelope)',
      roles: ['APPROVER'],
      body: 'CycleApprovalInput',
      errors: [400, 404, 409],
      description:
        "The preparer cannot approve (403 maker_cannot_approve); totals other than the prepared ones are refused (409 control_totals_mismatch), as is a total above the program's budget, a re-issue whose account changes are not approved yet (409 account_changes_not_approved: see accountChanges in the cycle) and a cycle whose reconciliation is signed off (409 cycle_signed_off).",
      ok: { status: 200, description: 'The approved cycle', schema: 'CycleSummary' },
    },
  },
  '/api/v1/cycles/{id}/launch': {
    post: {
      summary: 'Launch an approved cycle (idempotent)',
      roles: ['ADMIN', 'APPROVER'],
      description:
        'Refused with 409 when the cycle is not approved (cycle_not_approved) or its reconciliation is signed off (cycle_signed_off).',
      ok: { status: 202, description: 'The payment cycle workflow is started', schema: 'CycleLaunched' },
      errors: [404, 409],
    },
  },
  ...Object.fromEntries(
    (['pause', 'resume', 'cancel'] as const).map((action) => [
      `/api/v1/cycles/{id}/${action}`,
      {
        post: {
          summary: `Ask a running cycle to ${action}; batches already sent finish either way`,
          roles: ['ADMIN', 'APPROVER'],
          ok: { status: 202, description: 'Requested', schema: 'CycleControlRequested' },
          errors: [404, 409],
        } satisfies Operation,
      },
    ]),
  ),
  '/api/v1/cycles/{id}/reissues': {
    post: {
      summary: 'Prepare a re-issue of failed payments, to a corrected account or the other rail',
      roles: ['ADMIN'],
      body: 'ReissueInput',
      description:
        "A corrected account that is not the household's own is an account change: proposed for a second person (the cycle's accountChanges), it must be approved before the cycle. Two households given one new account, or another household's account, are refused (409 not_reissuable, naming the item).",
      ok: { status: 201, description: 'The re-issue cycle, waiting for approval', schema: 'CycleSummary' },
      errors: [400, 404, 409],
    },
  },
  '/api/v1/cycles/{id}/decisions': {
    get: {
      summary: 'The money decisions of a cycle, newest first: what waits for a second person, and what was approved or declined',
      roles: ['FINANCE', 'APPROVER', 'ADMIN'],
      ok: { status: 200, description: "The cycle's decisions", schema: 'DecisionList' },
      errors: [404],
    },
  },
  '/api/v1/decisions/{id}/approve': {
    post: {
      summary: 'Approve a money decision as the second person: it takes effect in the same transaction',
      roles: ['FINANCE', 'APPROVER', 'ADMIN'],
      errors: [404, 409, 422],
      description:
        "Which role decides depends on the kind (403 role_not_allowed otherwise): ACCOUNT_CHANGES by an APPROVER. The proposer is refused (403 proposer_cannot_approve), as is a decision already decided (409 decision_not_open). Approved account changes make the re-issue's new accounts the households' own, audited before and after, masked; refused with 409, changing nothing, when the re-issue no longer waits for approval (cycle_not_draft), a household's account changed since (account_changed_since) or a new account became another household's (account_in_use).",
      ok: { status: 200, description: 'Approved, with what it did', schema: 'DecisionApproved' },
    },
  },
  '/api/v1/decisions/{id}/decline': {
    post: {
      summary: 'Decline a money decision (its proposer may withdraw their own): nothing of it takes effect',
      roles: ['FINANCE', 'APPROVER', 'ADMIN'],
      body: 'DeclineInput',
      errors: [400, 404, 409],
      ok: { status: 200, description: 'Declined', schema: 'DecisionDeclined' },
    },
  },
  '/api/v1/applications/{id}/identity-disputes': {
    post: {
      summary:
        "Dispute an application's identity (its national ID may be someone else's): the household's payments are held and the applicant is asked by SMS to confirm their identity with the program",
      roles: ['REVIEWER', 'ADMIN'],
      body: 'IdentityDisputeInput',
      errors: [400, 404, 409],
      description:
        'An enrolled household becomes SUSPENDED: no new cycle takes it, and a batch about to leave holds its payment. Audited as application.identity_disputed, without the reason. One dispute is open per application (409 identity_dispute_open).',
      ok: { status: 201, description: 'Opened', schema: 'IdentityDisputeOpened' },
    },
  },
  '/api/v1/applications/{id}/erasure': {
    post: {
      summary: "Erase an application's personal data on request, at once, with a reason code",
      roles: ['ADMIN'],
      body: 'ErasureRequestInput',
      errors: [400, 404, 409],
      description:
        "Every personal field of the application and of its rows (accounts, reviews, messages, disputes) becomes null; its hashes, codes, amounts and audit trail stay, so its national ID still holds its place in the program. Audited as application.personal_data_erased with the administrator and the reason. Refused (409) while it is being decided (erasure_being_decided), while its household is enrolled (erasure_household_enrolled), or while a payment to it may still move money (erasure_money_in_flight). Asked again, the same answer with alreadyErased: nothing changes. The daily retention run erases the rest by each program's retention.",
      ok: { status: 200, description: 'Erased (or already erased)', schema: 'ErasureDone' },
    },
  },
  '/api/v1/applications/{id}/household-removal': {
    post: {
      summary: "Propose that an application's household leave its program, with a reason code, for a second person to approve",
      roles: ['ADMIN'],
      body: 'HouseholdRemovalInput',
      errors: [400, 404, 409],
      description:
        "Nothing changes until an APPROVER or another ADMIN approves it at /api/v1/decisions/{id}/approve (its proposer is refused: 403 proposer_cannot_approve). Then the household becomes REMOVED with left_at: no cycle takes it, a batch not yet sent holds its payment (HOUSEHOLD_REMOVED), and its personal data is erased after the program's leftRetentionDays. Audited as household.removal_proposed, household.removal_approved and household.removed with the reason. A household not in the program is 409 household_not_enrolled; one with a removal waiting, 409 decision_pending.",
      ok: { status: 202, description: 'Proposed: waiting for a second person', schema: 'DecisionProposed' },
    },
  },
  '/api/v1/household-removals': {
    get: {
      summary: 'Removals of households from their programs waiting for a second person, oldest first',
      roles: ['APPROVER', 'ADMIN'],
      errors: [],
      ok: { status: 200, description: 'The waiting removals', schema: 'HouseholdRemovals' },
    },
  },
  '/api/v1/identity-disputes/{id}': {
    get: {
      summary: 'An identity dispute, with the proposal of how it ends that waits for a second person',
      roles: ['REVIEWER', 'ADMIN'],
      errors: [400, 404],
      ok: { status: 200, description: 'The dispute', schema: 'IdentityDisputeView' },
    },
  },
  '/api/v1/identity-disputes/{id}/proposals': {
    post: {
      summary: 'Propose how an open dispute ends (LIFT: payments resume; UPHOLD: the household stays suspended), for a second person',
      roles: ['REVIEWER', 'ADMIN'],
      body: 'DisputeProposalInput',
      errors: [400, 404, 409],
      description:
        'Whoever opened the dispute may propose. A dispute already closed (identity_dispute_closed) or with a proposal waiting (decision_pending) is 409.',
      ok: { status: 202, description: 'Proposed: waiting for a second reviewer or administrator', schema: 'DecisionProposed' },
    },
  },
  '/api/v1/identity-dispute-proposals/{id}/approve': {
    post: {
      summary: 'Approve how a dispute ends, as the second person: LIFT makes the household ACTIVE again, audited',
      roles: ['REVIEWER', 'ADMIN'],
      errors: [400, 404, 409],
      description:
        "The id is the proposal's (the decision's). The proposer is refused (403 proposer_cannot_approve); a decision already decided (decision_not_open) or a dispute closed meanwhile (identity_dispute_closed) is 409.",
      ok: { status: 200, description: 'Approved: result is { disputeId, status, beneficiaryId, reactivated }', schema: 'DecisionApproved' },
    },
  },
  '/api/v1/identity-dispute-proposals/{id}/decline': {
    post: {
      summary: 'Decline how a dispute was proposed to end (its proposer may withdraw it): the dispute stays open, the hold with it',
      roles: ['REVIEWER', 'ADMIN'],
      body: 'DeclineInput',
      errors: [400, 404, 409],
      ok: { status: 200, description: 'Declined', schema: 'DecisionDeclined' },
    },
  },
  '/api/v1/cycles/{id}/report': {
    get: {
      summary: 'The finance report of a cycle: control totals per rail and currency, breaks by class and status, sign-off',
      roles: ['FINANCE', 'ADMIN'],
      ok: { status: 200, description: 'The report', schema: 'FinanceReport' },
      errors: [404],
    },
  },
  '/api/v1/cycles/{id}/report.csv': {
    get: {
      summary: 'The report as CSV (RFC 4180, UTF-8, CRLF, header row)',
      roles: ['FINANCE', 'ADMIN'],
      errors: [404],
      ok: { status: 200, description: 'The summary file', csv: true },
      description: `Columns: ${SUMMARY_COLUMNS.join(', ')}. One row per rail, currency and category (instructed, paid, failed, pending, in_break, not_instructed, statement), then one per rail, currency and break class (category "break"). Amounts are exact decimal strings.`,
    },
  },
  '/api/v1/cycles/{id}/breaks': {
    get: {
      summary: 'The breaks of a cycle, 50 a page, by payment key; names and accounts masked',
      roles: ['FINANCE', 'ADMIN'],
      query: 'BreakQuery',
      errors: [400, 404],
      description: 'A class, status or page that is not one of those listed is refused with 400 naming it.',
      ok: { status: 200, description: 'One page of breaks', schema: 'BreakPage' },
    },
  },
  '/api/v1/cycles/{id}/breaks.csv': {
    get: {
      summary: 'Every break of a cycle as CSV (RFC 4180), streamed; the payment key identifies the payment, no personal data',
      roles: ['FINANCE', 'ADMIN'],
      query: 'BreakCsvQuery',
      errors: [400, 404],
      description: `Columns: ${BREAK_COLUMNS.join(', ')}. Text that a spreadsheet would run as a formula is prefixed with an apostrophe.`,
      ok: { status: 200, description: 'The breaks file', csv: true },
    },
  },
  '/api/v1/cycles/{id}/sign-off': {
    post: {
      summary:
        "Propose signing off a cycle; when a second finance user approves the proposal (POST /api/v1/decisions/{id}/approve, answering the SignOff), its report and every break's resolution are frozen with the report's SHA-256",
      roles: ['FINANCE'],
      errors: [404, 409],
      description:
        'Refused with 409 unless the cycle finished (cycle_not_finished: completed or cancelled, every batch closed), no reconciliation is running (reconciliation_running), nothing arrived since the latest run (reconciliation_stale: a new run is started), there is a completed reconciliation (no_reconciliation), no break is open (breaks_open, with fields.openBreaks), the latest run is balanced (not_balanced), nothing else is proposed (decision_pending) and the cycle is not already signed (already_signed). The same is checked again at approval; the proposer cannot approve it (403 proposer_cannot_approve).',
      ok: { status: 202, description: 'Proposed: waiting for a second finance user', schema: 'DecisionProposed' },
    },
  },
  '/api/v1/cycles/{id}/reconciliations': {
    post: {
      summary: 'Reconcile a cycle again now (its watch workflow runs it; started if it was not running)',
      roles: ['FINANCE'],
      ok: { status: 202, description: "Requested from the cycle's reconciliation watch", schema: 'ReconciliationStarted' },
      errors: [404, 409],
      description: 'Refused with 409 cycle_not_finished for a cycle that has not finished paying (never launched, still running).',
    },
  },
  '/api/v1/breaks/{id}/resolution': {
    post: {
      summary:
        "Propose a reconciliation break's resolution; when a second finance user approves it (POST /api/v1/decisions/{id}/approve, answering the ResolvedBreak), the payment's status and the ledger move with it, audited",
      roles: ['FINANCE'],
      body: 'BreakResolutionInput',
      errors: [400, 404, 409, 422],
      description:
        "Which resolutions are open depends on the payment's evidence (domain/payment-transitions.ts): REISSUE only on the rail's own word that it failed (or a return on the statement), with no payment line on any statement, its batch closed and the settlement deadline past; CONFIRM only on the rail's word or a statement line that it paid (422 resolution_not_allowed, saying what is missing). WRITE_OFF needs a reason (400 reason_required). A break already resolved, one with a proposal waiting (decision_pending) or a signed-off cycle is 409. The evidence is checked again at approval.",
      ok: { status: 202, description: 'Proposed: waiting for a second finance user', schema: 'DecisionProposed' },
    },
  },
  '/api/v1/statements': {
    post: {
      summary:
        'Upload a statement file: a camt.053.001.08 (application/xml) for bank-sim, a settlement report (application/json, SettlementReportFile) for wallet-sim',
      roles: ['FINANCE'],
      query: 'StatementUploadQuery',
      errors: [400, 415, 422],
      description:
        "Every line is checked before any is stored (400 naming the line, nothing written); lines already imported are skipped. The new lines are evidence only once a second finance user approves the upload's decision (POST /api/v1/decisions/{id}/approve): until then they change no class; on approval the cycles they concern are reconciled again. 422 unknown_account when no program pays from the statement's account.",
      ok: { status: 202, description: 'Stored; waiting for a second finance user to confirm it', schema: 'StatementUploaded' },
    },
  },
};

/** The component schemas, one JSON Schema (2020-12) each, with references between them as OpenAPI wants. */
function componentSchemas(): Record<string, unknown> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(OPENAPI_SCHEMAS)) registry.add(schema, { id });
  const { schemas } = z.toJSONSchema(registry, { io: 'input', unrepresentable: 'throw', uri: (id) => `#/components/schemas/${id}` });
  // $schema and a fragment-only $id do not belong inside an OpenAPI component (its dialect is declared once).
  return Object.fromEntries(
    Object.entries(schemas).map(([id, s]) => {
      const { $schema: _schema, $id: _id, ...rest } = s as Record<string, unknown>;
      return [id, rest];
    }),
  );
}

let cached: Record<string, unknown> | undefined;
export function openApiDocument(): Record<string, unknown> {
  cached ??= {
    openapi: '3.1.0',
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    info: {
      title: 'Amparo API',
      version: '1',
      description:
        'Intake, programs and payment cycles of Amparo, a G2P cash-transfer payment rail. Amounts are exact decimal strings in the currency\'s minor units ("600.00").',
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
    },
    paths: Object.fromEntries(
      Object.entries(PATHS).map(([path, ops]) => [
        path,
        Object.fromEntries(Object.entries(ops).map(([method, op]) => [method, operation(path, op)])),
      ]),
    ),
    components: {
      schemas: componentSchemas(),
      securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', description: 'The token printed once by npm run create-user' } },
    },
  };
  return cached;
}

export function openApiRoutes(app: FastifyInstance): void {
  app.get('/api/v1/openapi.json', (_request, reply) => reply.type('application/json; charset=utf-8').send(openApiDocument()));
}

// GET /api/v1/openapi.json: an OpenAPI 3.1 description of the programs, applications and cycles API.
// The request bodies are generated from the very zod schemas the routes validate with (z.toJSONSchema,
// input side: a field with a default is optional), so the document cannot drift from what is accepted.
// Refinements zod cannot express in JSON Schema (check digits, real dates) are named in descriptions.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Role } from '../../generated/prisma/client';
import { applicationInput } from '../../schema/application';
import { CycleApprovalInput, ReissueInput } from '../../schema/cycle';
import { ProgramInput } from '../../schema/program';

const ErrorBody = z.object({
  error: z.string().meta({ description: 'A stable machine-readable code, e.g. invalid_request, cycle_not_found, maker_cannot_approve.' }),
  fields: z.record(z.string(), z.string()).optional().meta({ description: 'For bad input: each wrong field (dotted path) with what it should be.' }),
});
const ApplicationAck = z.object({ applicationNumber: z.string(), status: z.string() });
const ProgramCreated = z.object({ id: z.uuid(), code: z.string() });
const CycleLaunched = z.object({ id: z.uuid(), workflowId: z.string() });
const CycleControlRequested = z.object({ id: z.uuid(), requested: z.enum(['pause', 'resume', 'cancel']) });
const ReconciliationStarted = z.object({ workflowId: z.string() });
const Totals = z.object({ count: z.number().int(), amount: z.string() });
const CycleSummary = z.object({
  id: z.uuid(), number: z.number().int(), kind: z.enum(['REGULAR', 'REISSUE']), status: z.enum(['DRAFT', 'APPROVED', 'RUNNING', 'PAUSED', 'COMPLETED', 'CANCELLED', 'FAILED']),
  currency: z.string(), programCode: z.string(), preview: Totals, approved: Totals.nullable(), instructed: Totals.nullable(),
}).meta({ description: 'The cycle as an administrator watches it (web/cycle-view.ts); batches, failures by reason and the latest reconciliation are also included.' });

/** Every schema of the document, by its component name. */
export const OPENAPI_SCHEMAS = {
  ProgramInput, ApplicationInput: applicationInput('BR'), CycleApprovalInput, ReissueInput,
  ErrorBody, ProgramCreated, ApplicationAck, CycleSummary, CycleLaunched, CycleControlRequested, ReconciliationStarted,
} as const satisfies Record<string, z.ZodType>;
type SchemaName = keyof typeof OPENAPI_SCHEMAS;

interface Operation {
  summary: string;
  roles?: Role[];
  body?: SchemaName;
  ok: { status: number; description: string; schema?: SchemaName };
  errors: number[];
  description?: string;
  idempotencyKey?: boolean;
}

const ERROR_TEXT: Record<number, string> = {
  400: 'Invalid input: the fields that were wrong, nothing written', 401: 'No or unknown bearer token', 403: 'The token\'s role may not do this (or maker-checker)',
  404: 'Not found', 409: 'Conflicts with the current state',
};
const ref = (name: SchemaName) => ({ $ref: `#/components/schemas/${name}` });
const json = (name: SchemaName) => ({ 'application/json': { schema: ref(name) } });

function operation(path: string, op: Operation) {
  const params = [...path.matchAll(/\{(\w+)\}/g)].map(([, name]) => ({ name, in: 'path', required: true, schema: name === 'id' ? { type: 'string', format: 'uuid' } : { type: 'string' } }));
  if (op.idempotencyKey) params.push({ name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string' } });
  const errors = [...(op.roles ? [401, 403] : []), ...op.errors].sort();
  return {
    summary: op.summary,
    ...(op.description || op.roles ? { description: [op.description, op.roles && `Roles: ${op.roles.join(', ')}.`].filter(Boolean).join(' ') } : {}),
    ...(params.length ? { parameters: params } : {}),
    ...(op.roles ? { security: [{ bearerAuth: [] }] } : { security: [] }),
    ...(op.body ? { requestBody: { required: true, content: json(op.body) } } : {}),
    responses: {
      [op.ok.status]: { description: op.ok.description, ...(op.ok.schema ? { content: json(op.ok.schema) } : {}) },
      ...Object.fromEntries(errors.map((s) => [s, { description: ERROR_TEXT[s], content: json('ErrorBody') }])),
    },
  };
}

const PATHS: Record<string, Record<string, Operation>> = {
  '/api/v1/programs': {
    post: { summary: 'Create a program with its first rule set', roles: ['ADMIN'], body: 'ProgramInput', ok: { status: 201, description: 'Created: the program\'s id and code', schema: 'ProgramCreated' }, errors: [400, 409] },
  },
  '/api/v1/programs/{code}/stats': {
    get: { summary: 'Applications by status, rejection reasons and active beneficiaries of a program', roles: ['ADMIN', 'APPROVER', 'REVIEWER', 'FINANCE'], ok: { status: 200, description: 'The program\'s statistics' }, errors: [404] },
  },
  '/api/v1/programs/{code}/applications': {
    post: {
      summary: 'Apply to a program', body: 'ApplicationInput', idempotencyKey: true, errors: [400, 404],
      description: 'The national ID\'s check digits are those of the program\'s country (CPF in BR, CUIL/CUIT in AR); dates must be real and not in the future. The same national ID in a program always gets the existing application back (200).',
      ok: { status: 201, description: 'Received: the application number to follow it with', schema: 'ApplicationAck' },
    },
  },
  '/api/v1/applications/{number}': {
    get: { summary: 'Status of an application by its number (no personal data)', ok: { status: 200, description: 'Status, reason codes and decision date' }, errors: [404] },
  },
  '/api/v1/programs/{code}/cycles': {
    post: { summary: 'Prepare a payment cycle: the control totals of every active household, per rail', roles: ['ADMIN'], ok: { status: 201, description: 'The prepared cycle, waiting for approval', schema: 'CycleSummary' }, errors: [404, 409] },
  },
  '/api/v1/cycles/{id}': {
    get: { summary: 'A cycle with its totals, batch progress, failures by reason and latest reconciliation', roles: ['ADMIN', 'APPROVER', 'FINANCE'], ok: { status: 200, description: 'The cycle', schema: 'CycleSummary' }, errors: [404] },
  },
  '/api/v1/cycles/{id}/approve': {
    post: {
      summary: 'Approve a cycle by restating its control totals (the envelope)', roles: ['APPROVER'], body: 'CycleApprovalInput', errors: [400, 404, 409],
      description: 'The preparer cannot approve (403 maker_cannot_approve); totals other than the prepared ones are refused (409 control_totals_mismatch), as is a total above the program\'s budget.',
      ok: { status: 200, description: 'The approved cycle', schema: 'CycleSummary' },
    },
  },
  '/api/v1/cycles/{id}/launch': {
    post: { summary: 'Launch an approved cycle (idempotent)', roles: ['ADMIN', 'APPROVER'], ok: { status: 202, description: 'The payment cycle workflow is started', schema: 'CycleLaunched' }, errors: [404, 409] },
  },
  ...Object.fromEntries((['pause', 'resume', 'cancel'] as const).map((action) => [`/api/v1/cycles/{id}/${action}`, {
    post: { summary: `Ask a running cycle to ${action}; batches already sent finish either way`, roles: ['ADMIN', 'APPROVER'], ok: { status: 202, description: 'Requested', schema: 'CycleControlRequested' }, errors: [404, 409] } satisfies Operation,
  }])),
  '/api/v1/cycles/{id}/reissues': {
    post: { summary: 'Prepare a re-issue of failed payments, to a corrected account or the other rail', roles: ['ADMIN'], body: 'ReissueInput', ok: { status: 201, description: 'The re-issue cycle, waiting for approval', schema: 'CycleSummary' }, errors: [400, 404, 409] },
  },
  '/api/v1/cycles/{id}/reconciliations': {
    post: { summary: 'Reconcile a cycle against the rail\'s statement again', roles: ['FINANCE'], ok: { status: 202, description: 'The reconciliation workflow is started', schema: 'ReconciliationStarted' }, errors: [404] },
  },
};

/** The component schemas, one JSON Schema (2020-12) each, with references between them as OpenAPI wants. */
function componentSchemas(): Record<string, unknown> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(OPENAPI_SCHEMAS)) registry.add(schema, { id });
  const { schemas } = z.toJSONSchema(registry, { io: 'input', unrepresentable: 'throw', uri: (id) => `#/components/schemas/${id}` });
  // $schema and a fragment-only $id do not belong inside an OpenAPI component (its dialect is declared once).
  return Object.fromEntries(Object.entries(schemas).map(([id, s]) => {
    const { $schema: _schema, $id: _id, ...rest } = s as Record<string, unknown>;
    return [id, rest];
  }));
}

let cached: Record<string, unknown> | undefined;
export function openApiDocument(): Record<string, unknown> {
  cached ??= {
    openapi: '3.1.0',
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    info: {
      title: 'Amparo API', version: '1',
      description: 'Intake, programs and payment cycles of Amparo, a G2P cash-transfer payment rail. Amounts are exact decimal strings in the currency\'s minor units ("600.00").',
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
    },
    paths: Object.fromEntries(Object.entries(PATHS).map(([path, ops]) => [path, Object.fromEntries(Object.entries(ops).map(([method, op]) => [method, operation(path, op)]))])),
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

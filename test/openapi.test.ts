// The OpenAPI document: served as JSON, describes exactly the JSON API routes the server has (programs,
// applications, cycles, reconciliation and money decisions), every reference resolves, and each request
// body is the zod schema the route validates with: a field is required in the document exactly when zod
// refuses the body without it, and a strict schema refuses unknown fields in both.
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createLogger } from '../lib/logger';
import { applicationInput, PhoneCodeResendInput, PhoneVerificationInput } from '../schema/application';
import { CycleApprovalInput, ReissueInput } from '../schema/cycle';
import { ErasureRequestInput } from '../schema/erasure';
import { HouseholdRemovalInput } from '../schema/household-removal';
import { ProgramInput } from '../schema/program';
import { applicationRoutes } from '../web/api/applications';
import { cycleRoutes } from '../web/api/cycles';
import { DeclineInput, decisionRoutes } from '../web/api/decisions';
import { erasureRoutes } from '../web/api/erasure';
import { householdRemovalRoutes } from '../web/api/household-removal';
import { identityDisputeRoutes } from '../web/api/identity-disputes';
import { financeReportRoutes } from '../web/api/finance-reports';
import { reconciliationRoutes } from '../web/api/reconciliation';
import { openApiDocument } from '../web/api/openapi';
import { programRoutes } from '../web/api/programs';
import { buildServer } from '../web/http/server';

// Building routes touches no service: the database, queues and Temporal are only used by requests.
const ctx = {
  db: {},
  queues: {},
  temporal: {},
  config: { PII_HASH_KEYS: [], TEMPORAL_TASK_QUEUE: 'q' },
  log: createLogger('openapi-test', 'error'),
} as unknown as Parameters<typeof buildServer>[0];

interface Doc {
  openapi: string;
  paths: Record<
    string,
    Record<
      string,
      { requestBody?: { content: Record<string, { schema: { $ref: string } }> }; responses: Record<string, unknown>; security?: unknown[] }
    >
  >;
  components: { schemas: Record<string, { required?: string[]; properties?: Record<string, unknown>; additionalProperties?: boolean }> };
}

let app: FastifyInstance;
let doc: Doc;
beforeAll(async () => {
  app = buildServer(ctx);
  await app.ready();
  const res = await app.inject({ method: 'GET', url: '/api/v1/openapi.json' });
  expect([res.statusCode, res.headers['content-type']]).toEqual([200, 'application/json; charset=utf-8']);
  doc = JSON.parse(res.body) as Doc;
});
afterAll(() => app?.close());

/** The JSON API routes of programs, applications, cycles, reconciliation and decisions, as Fastify registers them. */
async function apiRoutes(): Promise<string[]> {
  const probe = Fastify();
  const routes: string[] = [];
  probe.addHook('onRoute', (r) => {
    for (const m of [r.method].flat()) if (m !== 'HEAD') routes.push(`${m.toLowerCase()} ${r.url.replace(/:(\w+)/g, '{$1}')}`);
  });
  programRoutes(probe, ctx);
  applicationRoutes(probe, ctx);
  cycleRoutes(probe, ctx);
  reconciliationRoutes(probe, ctx);
  financeReportRoutes(probe, ctx);
  decisionRoutes(probe, ctx);
  identityDisputeRoutes(probe, ctx);
  erasureRoutes(probe, ctx);
  householdRemovalRoutes(probe, ctx);
  await probe.ready();
  await probe.close();
  return routes.sort();
}

const bodyRef = (path: string, method = 'post') => doc.paths[path]?.[method]?.requestBody?.content['application/json']?.schema.$ref;
const component = (ref: string) => doc.components.schemas[ref.replace('#/components/schemas/', '')]!;

describe('GET /api/v1/openapi.json', () => {
  it('is an OpenAPI 3.1 document with exactly the programs, applications and cycles routes', async () => {
    expect(doc.openapi).toBe('3.1.0');
    const documented = Object.entries(doc.paths)
      .flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m} ${path}`))
      .sort();
    expect(documented).toEqual(await apiRoutes());
    for (const path of [
      '/api/v1/programs',
      '/api/v1/programs/{code}/applications',
      '/api/v1/programs/{code}/cycles',
      '/api/v1/cycles/{id}/approve',
      '/api/v1/cycles/{id}',
    ]) {
      expect(doc.paths[path], path).toBeDefined();
    }
  });

  it('resolves every $ref, and says which operations need a bearer token', () => {
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"([^"]+)"/g)].map((m) => m[1]!);
    expect(refs.length).toBeGreaterThan(20);
    for (const ref of refs) expect(component(ref), ref).toBeDefined();
    const approve = doc.paths['/api/v1/cycles/{id}/approve']!.post!;
    expect([approve.security, Object.keys(approve.responses)]).toEqual([[{ bearerAuth: [] }], ['200', '400', '401', '403', '404', '409']]);
    expect(doc.paths['/api/v1/programs/{code}/applications']!.post!.security).toEqual([]);
  });
});

// A valid body for each schema, and where it is posted.
const BODIES = [
  {
    name: 'ProgramInput',
    path: '/api/v1/programs',
    schema: ProgramInput as z.ZodType,
    valid: {
      code: 'OPENAPI-1',
      name: 'Test program',
      country: 'BR',
      currency: 'BRL',
      baseAmount: '600.00',
      fundingAccount: 'FUND-1',
      rules: [{ type: 'min_applicant_age', years: 18 }],
      batchSize: 100,
      capPerHousehold: '900.00',
    },
  },
  {
    name: 'ApplicationInput',
    path: '/api/v1/programs/{code}/applications',
    schema: applicationInput('BR') as z.ZodType,
    valid: {
      nationalId: '529.982.247-25',
      fullName: 'Maria José da Silva',
      dateOfBirth: '1985-03-14',
      phone: '+5511987654321',
      municipality: 'São Paulo',
      householdSize: 4,
      dependantsUnder18: 2,
      declaredMonthlyIncome: '1200.00',
      payment: { rail: 'BANK', bankCode: '001', accountNumber: '12345678' },
      consent: true,
      language: 'pt',
    },
  },
  {
    name: 'PhoneVerificationInput',
    path: '/api/v1/applications/phone-verification',
    schema: PhoneVerificationInput as z.ZodType,
    valid: { applicationNumber: 'BR-7K2M9QXA', code: '042917' },
  },
  {
    name: 'PhoneCodeResendInput',
    path: '/api/v1/applications/phone-verification/resend',
    schema: PhoneCodeResendInput as z.ZodType,
    valid: { applicationNumber: 'BR-7K2M9QXA' },
  },
  {
    name: 'CycleApprovalInput',
    path: '/api/v1/cycles/{id}/approve',
    schema: CycleApprovalInput as z.ZodType,
    valid: { approvedCount: 30, approvedAmount: '18000.00' },
  },
  {
    name: 'ReissueInput',
    path: '/api/v1/cycles/{id}/reissues',
    schema: ReissueInput as z.ZodType,
    valid: { items: [{ instructionId: '6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b' }] },
  },
  {
    name: 'DeclineInput',
    path: '/api/v1/decisions/{id}/decline',
    schema: DeclineInput as z.ZodType,
    valid: { reason: 'the new account is not the household’s' },
  },
  {
    name: 'ErasureRequestInput',
    path: '/api/v1/applications/{id}/erasure',
    schema: ErasureRequestInput as z.ZodType,
    valid: { reason: 'DATA_SUBJECT_REQUEST' },
  },
  {
    name: 'HouseholdRemovalInput',
    path: '/api/v1/applications/{id}/household-removal',
    schema: HouseholdRemovalInput as z.ZodType,
    valid: { reason: 'ASKED_TO_LEAVE' },
  },
];

describe('request bodies are the zod schemas', () => {
  it.each(BODIES)('$name: generated from the zod schema the route validates with', ({ name, path, schema }) => {
    expect(bodyRef(path)).toBe(`#/components/schemas/${name}`);
    const { $schema: _, ...expected } = z.toJSONSchema(schema, { io: 'input' }) as Record<string, unknown>;
    expect(component(bodyRef(path)!)).toEqual(expected);
  });

  it.each(BODIES)('$name: a field is required in the document exactly when zod refuses the body without it', ({ path, schema, valid }) => {
    const s = component(bodyRef(path)!);
    expect(schema.safeParse(valid).success).toBe(true);
    for (const key of Object.keys(s.properties ?? {})) {
      const without: Record<string, unknown> = { ...valid };
      delete without[key];
      expect(schema.safeParse(without).success, key).toBe(!(s.required ?? []).includes(key));
    }
    // Strict schemas: an unknown field is refused by zod and by the document alike.
    expect([schema.safeParse({ ...valid, unexpected: 1 }).success, s.additionalProperties]).toEqual([false, false]);
  });

  it('requires what a program cannot do without, and leaves defaults and options optional', () => {
    const required = component(bodyRef('/api/v1/programs')!).required;
    expect(required).toEqual(expect.arrayContaining(['code', 'name', 'country', 'currency', 'baseAmount', 'fundingAccount', 'rules']));
    for (const optional of ['batchSize', 'amountPerDependant', 'capPerHousehold', 'budgetPerCycle', 'schedule'])
      expect(required).not.toContain(optional);
    expect(component(bodyRef('/api/v1/cycles/{id}/approve')!).required).toEqual(['approvedCount', 'approvedAmount']);
  });

  it('is built once, and is the same object the route serves', () => {
    expect(openApiDocument()).toBe(openApiDocument());
    expect(JSON.parse(JSON.stringify(openApiDocument()))).toEqual(doc);
  });
});

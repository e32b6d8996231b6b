// The fuzz suite: generated malformed and hostile input (fast-check) thrown at the intake API, the
// applicant's form, statement uploads, the rails' callbacks and every route with a path parameter. Whatever
// comes in, the answer is never a 5xx, and a refused request writes nothing. A failing case prints its seed
// and the shrunk input; `FUZZ_SEED=<seed> npx vitest run test/fuzz.test.ts` replays it.
import { randomBytes, randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { signCallback } from '../lib/callback-signature';
import { loadConfig } from '../lib/config';
import { createUser, hashToken } from '../lib/users';
import { FORM_FIELDS } from '../web/applicant/apply-input';
import { VALID_APPLICATION } from './support/application';
import { createProgram } from './support/fixtures';
import { encodeAny, hostileString, hostileValue, mutated, mutatedText, routesOf } from './support/fuzz';
import { camt053, craftedCycle, type CraftedCycle } from './support/reconciliation-fixture';
import { uid } from './support/util';
import { signInUsers, startTestWeb, type TestWeb } from './support/web';

const RUNS = Number(process.env.FUZZ_RUNS ?? 120);
const SEED = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);
const settings = { numRuns: RUNS, seed: SEED, endOnFailure: true };

let web: TestWeb;
let users: Awaited<ReturnType<typeof signInUsers>>;
let program: { id: string; code: string };
let c: CraftedCycle;
/** A signed-in admin-page session per role: its cookie and CSRF token. */
const sessions: Array<{ role: string; cookie: string; csrf: string; userId: string }> = [];

beforeAll(async () => {
  // Rate limits stay on, far above what the fuzzer sends: their refusals are 4xx, but they would hide the routes.
  const lifted = [
    'intakePerIp',
    'intakePerPhone',
    'statusLookupPerIp',
    'statusLookupPerNumber',
    'appealPerIp',
    'appealPerNumber',
    'phoneVerifyPerNumber',
    'phoneCodePerNumber',
  ]
    .map((name) => `${name}=1000000/60`)
    .join(',');
  web = await startTestWeb({ rateLimits: lifted });
  users = await signInUsers(web.db);
  program = await createProgram(web.db);
  c = await craftedCycle(web.db, [
    { ours: 'PAID', rail: 'PAID' },
    { ours: 'FAILED', rail: 'FAILED' },
  ]);
  for (const role of ['ADMIN', 'APPROVER', 'REVIEWER', 'FINANCE'] as const) {
    const user = await createUser(web.db, uid(`fuzz-${role.toLowerCase()}`), role);
    const token = randomBytes(32).toString('base64url');
    const csrf = randomBytes(32).toString('base64url');
    await web.db.session.create({
      data: { tokenHash: hashToken(token), userId: user.id, csrfToken: csrf, expiresAt: new Date(Date.now() + 3_600_000) },
    });
    sessions.push({ role, cookie: `amparo_admin=${token}`, csrf, userId: user.id });
  }
}, 60_000);

afterAll(async () => {
  await web?.db.application.updateMany({
    where: { programId: program.id, status: 'RECEIVED' },
    data: { status: 'REJECTED', reasonCodes: ['TEST_CLEANUP'] },
  });
  await web?.close();
});

const APPLICATION_PATHS = [
  ...Object.keys(VALID_APPLICATION),
  'payment.rail',
  'payment.bankCode',
  'payment.accountNumber',
  'payment.msisdn',
  'language',
];

const applications = () => web.db.application.count({ where: { programId: program.id } });
// Refused approvals are audited on purpose (a maker trying to approve is worth seeing): everything else counts.
const staffAudit = () =>
  web.db.auditEvent.count({
    where: {
      actor: { in: [...Object.values(users).map((u) => u.id), ...sessions.map((s) => s.userId)] },
      action: { not: 'cycle.approval_refused' },
    },
  });

/** Never a 5xx; a refusal (4xx) leaves `count` as it was. */
/** Every status a test's inputs were answered with: a fuzz whose every input bounced off one check proves little. */
const answered = new Set<number>();
beforeEach(() => answered.clear());

/** Refusals about what was sent (not about a resource's state, as a 409 is): each names a field or header. */
const ABOUT_INPUT = new Set([400, 401, 403, 404, 413, 415, 429]);

/** Never a 5xx; a refusal (4xx) leaves `count` as it was; a JSON refusal about the input names what is wrong. */
async function holds(
  send: () => Promise<{ statusCode: number; body: string; headers: Record<string, unknown> }>,
  count: () => Promise<number>,
) {
  const before = await count();
  const res = await send();
  answered.add(res.statusCode);
  expect(res.statusCode, res.body.slice(0, 300)).toBeLessThan(500);
  if (res.statusCode < 400) return;
  expect(await count()).toBe(before);
  if (ABOUT_INPUT.has(res.statusCode) && String(res.headers['content-type']).startsWith('application/json')) {
    const fields = Object.keys((JSON.parse(res.body) as { fields?: object }).fields ?? {});
    expect(fields.length > 0 && !fields.includes('_'), res.body.slice(0, 300)).toBe(true);
  }
}

describe('the intake API', () => {
  it('answers any JSON body without a 5xx, and a refused one writes nothing', async () => {
    const body = fc.oneof(
      fc.constant(JSON.stringify(VALID_APPLICATION)),
      mutated(VALID_APPLICATION, APPLICATION_PATHS).map((b) => JSON.stringify(b)),
      fc.string({ unit: 'binary', maxLength: 100 }),
      fc.constantFrom(
        '[]',
        'null',
        '"x"',
        '{"__proto__":{"x":1}}',
        `${'['.repeat(10_000)}${']'.repeat(10_000)}`,
        `{"a":${'{"a":'.repeat(5000)}1${'}'.repeat(5001)}`,
      ),
    );
    await fc.assert(
      fc.asyncProperty(body, fc.option(hostileString, { nil: undefined }), async (payload, idempotencyKey) => {
        await holds(
          () =>
            web.app.inject({
              method: 'POST',
              url: `/api/v1/programs/${program.code}/applications`,
              headers: {
                'content-type': 'application/json',
                ...(idempotencyKey === undefined ? {} : { 'idempotency-key': encodeAny(idempotencyKey) }),
              },
              payload,
            }),
          applications,
        );
      }),
      settings,
    );
    expect([...answered].filter((s) => s < 300).length, 'some inputs are taken').toBeGreaterThan(0);
    expect(answered.has(400), 'some inputs are refused by validation').toBe(true);
  });
});

describe('the phone code step', () => {
  // A real application waiting for its code, so that some inputs reach it; what a refusal must not change.
  let number = '';
  const written = () =>
    web.db.oneTimeCode.count({ where: { application: { programId: program.id } } }).then(async (codes) => {
      const verified = await web.db.application.count({ where: { programId: program.id, phoneVerifiedAt: { not: null } } });
      return codes * 1000 + verified;
    });
  beforeAll(async () => {
    const res = await web.app.inject({
      method: 'POST',
      url: `/api/v1/programs/${program.code}/applications`,
      payload: { ...VALID_APPLICATION, nationalId: '111.444.777-35' },
    });
    number = res.json<{ applicationNumber: string }>().applicationNumber;
  });

  it('answers any JSON body to confirm a phone or send a new code without a 5xx, and a refused one writes nothing', async () => {
    const body = fc.oneof(
      mutated({ applicationNumber: number, code: '000000' }, ['applicationNumber', 'code']).map((b) => JSON.stringify(b)),
      fc.string({ unit: 'binary', maxLength: 100 }),
      fc.constantFrom('[]', 'null', '{"__proto__":{"x":1}}', JSON.stringify({ applicationNumber: number.toLowerCase(), code: ' 000000 ' })),
    );
    const url = fc.constantFrom('/api/v1/applications/phone-verification', '/api/v1/applications/phone-verification/resend');
    await fc.assert(
      fc.asyncProperty(body, url, async (payload, to) => {
        await holds(() => web.app.inject({ method: 'POST', url: to, headers: { 'content-type': 'application/json' }, payload }), written);
      }),
      settings,
    );
    expect(answered.has(400), 'some inputs are refused by validation').toBe(true);
  });

  it('answers any form to the code step without a 5xx', async () => {
    const values = fc.record({ number: fc.oneof(fc.constant(number), hostileString), code: hostileString, resend: hostileString });
    await fc.assert(
      fc.asyncProperty(values, fc.constantFrom('es', 'pt', 'en', 'xx'), async (v, lang) => {
        await holds(
          () =>
            web.app.inject({
              method: 'POST',
              url: `/apply/${program.code}/confirm?lang=${lang}`,
              headers: { 'content-type': 'application/x-www-form-urlencoded' },
              payload: new URLSearchParams(v).toString(),
            }),
          written,
        );
      }),
      settings,
    );
    expect(answered.has(400), 'some codes are refused').toBe(true);
  });
});

describe('the applicant form', () => {
  it('answers any form without a 5xx, and a refused one writes nothing', async () => {
    const fields = fc.dictionary(fc.oneof(fc.constantFrom(...FORM_FIELDS), hostileString), hostileString, { maxKeys: 18 });
    await fc.assert(
      fc.asyncProperty(fields, fc.constantFrom('es', 'pt', 'en', 'xx'), async (values, lang) => {
        await holds(
          () =>
            web.app.inject({
              method: 'POST',
              url: `/apply/${program.code}?lang=${lang}`,
              headers: { 'content-type': 'application/x-www-form-urlencoded' },
              payload: new URLSearchParams(Object.entries(values)).toString(),
            }),
          applications,
        );
      }),
      settings,
    );
    expect(answered.has(400), 'some forms are refused by validation').toBe(true);
  });

  it('answers any status look-up and appeal without a 5xx', async () => {
    const values = fc.record({
      number: hostileString,
      dobDay: hostileString,
      dobMonth: hostileString,
      dobYear: hostileString,
      dateOfBirth: hostileString,
      statement: hostileString,
    });
    await fc.assert(
      fc.asyncProperty(values, fc.constantFrom('/status', '/status/appeal'), async (v, url) => {
        await holds(
          () =>
            web.app.inject({
              method: 'POST',
              url,
              headers: { 'content-type': 'application/x-www-form-urlencoded' },
              payload: new URLSearchParams(v).toString(),
            }),
          () => web.db.reviewTask.count({ where: { application: { programId: program.id } } }),
        );
      }),
      settings,
    );
    expect(answered.has(404), 'some look-ups reach the database').toBe(true);
  });
});

describe('statement uploads', () => {
  const lines = () => web.db.statementEntry.count({ where: { account: c.account } });

  it('answers any camt.053 without a 5xx, and a refused file imports nothing', async () => {
    const valid = camt053(c.account, [{ ref: uid('NTRY'), key: c.payments[0]!.key, amount: c.payments[0]!.amount }]);
    await fc.assert(
      fc.asyncProperty(mutatedText(valid), async (xml) => {
        await holds(
          () =>
            web.app.inject({
              method: 'POST',
              url: '/api/v1/statements?provider=bank-sim',
              headers: { ...users.finance.headers, 'content-type': 'application/xml' },
              payload: xml,
            }),
          lines,
        );
      }),
      settings,
    );
    expect(answered.has(202) && answered.has(400), 'some files are taken, some refused').toBe(true);
  });

  it('answers any settlement report without a 5xx, and a refused file imports nothing', async () => {
    const entry = {
      transactionReference: 'W-1',
      requestingOrganisationTransactionReference: c.payments[0]!.key,
      amount: c.payments[0]!.amount,
      currency: 'BRL',
      completedAt: new Date().toISOString(),
    };
    const valid = { account: c.account, entries: [entry] };
    const paths = ['account', 'entries', 'entries.0', ...Object.keys(entry).map((k) => `entries.0.${k}`)];
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.constant(valid), mutated(valid, paths)),
        fc.oneof(fc.constant('wallet-sim'), fc.constantFrom('bank-sim', 'nope', '')),
        async (report, provider) => {
          await holds(
            () =>
              web.app.inject({
                method: 'POST',
                url: `/api/v1/statements?provider=${encodeURIComponent(provider)}`,
                headers: { ...users.finance.headers, 'content-type': 'application/json' },
                payload: JSON.stringify(report),
              }),
            lines,
          );
        },
      ),
      settings,
    );
    expect(answered.has(202) && answered.has(400), 'some files are taken, some refused').toBe(true);
  });
});

describe("the rails' callbacks", () => {
  const events = (provider: string) => web.db.providerEvent.count({ where: { provider } });
  const pain002 = (msgId: string, status: string) =>
    `<?xml version="1.0" encoding="UTF-8"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.002.001.10"><CstmrPmtStsRpt><GrpHdr><MsgId>N-1</MsgId><CreDtTm>2026-01-01T00:00:00Z</CreDtTm></GrpHdr><OrgnlGrpInfAndSts><OrgnlMsgId>${msgId}</OrgnlMsgId><OrgnlMsgNmId>pain.001.001.09</OrgnlMsgNmId><GrpSts>${status}</GrpSts></OrgnlGrpInfAndSts></CstmrPmtStsRpt></Document>`;
  const config = loadConfig();

  // Signed with the rail's own key, so the fuzz reaches past the signature check to the readers behind it.
  it("answers any bank notification, signed with the bank's key, without a 5xx; a refused one stores nothing", async () => {
    await fc.assert(
      fc.asyncProperty(
        mutatedText(pain002('MSG-FUZZ-1', 'ACSC')),
        fc.oneof(fc.uuid(), fc.option(hostileString, { nil: undefined })),
        async (xml, eventId) => {
          await holds(
            () =>
              web.app.inject({
                method: 'POST',
                url: '/callbacks/bank',
                headers: {
                  'content-type': 'application/xml',
                  ...(eventId === undefined ? {} : { 'x-event-id': encodeAny(eventId) }),
                  ...signCallback(config.BANK_CALLBACK_SECRET, xml),
                },
                payload: xml,
              }),
            () => events('bank-sim'),
          );
        },
      ),
      settings,
    );
    expect(answered.has(200) && answered.has(400), 'some notifications are taken, some refused').toBe(true);
  });

  it("answers any wallet notification, signed with the wallet's key, without a 5xx; a refused one stores nothing", async () => {
    const valid = { batchId: 'B-1', batchStatus: 'completed', completedCount: 1, rejectionCount: 0 };
    const body = fc.oneof(
      fc.constant(JSON.stringify(valid)),
      mutated(valid, Object.keys(valid)).map((b) => JSON.stringify(b)),
      fc.string({ unit: 'binary', maxLength: 100 }),
    );
    await fc.assert(
      fc.asyncProperty(
        body,
        fc.oneof(fc.uuid(), hostileString),
        fc.oneof(fc.uuid(), hostileString),
        async (json, eventId, correlationId) => {
          await holds(
            () =>
              web.app.inject({
                method: 'PUT',
                url: '/callbacks/wallet',
                headers: {
                  'content-type': 'application/json',
                  'x-event-id': encodeAny(eventId),
                  'x-correlationid': encodeAny(correlationId),
                  ...signCallback(config.WALLET_CALLBACK_SECRET, json),
                },
                payload: json,
              }),
            () => events('wallet-sim'),
          );
        },
      ),
      settings,
    );
    expect(answered.has(200) && answered.has(400), 'some notifications are taken, some refused').toBe(true);
  });
});

describe('every route with a path parameter', () => {
  it('answers any identifier and body without a 5xx, and a refused request records no action', async () => {
    const routes = routesOf(web.app).filter((r) => r.url.includes('/:'));
    expect(routes.length).toBeGreaterThan(20);
    const param = fc.oneof(
      hostileString,
      fc.constant(null).map(() => randomUUID()),
      fc.constantFrom(c.cycleId, program.code, 'not-a-uuid'),
    );
    const api = [users.admin, users.approver, users.finance];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...routes), param, fc.nat(sessions.length - 1), hostileValue, async (route, value, who, body) => {
        const url = route.url.replace(/:\w+/g, encodeAny(value));
        const isPage = !url.startsWith('/api/');
        const session = sessions[who]!;
        const headers = isPage
          ? { cookie: session.cookie, 'content-type': 'application/x-www-form-urlencoded' }
          : { ...api[who % api.length]!.headers, 'content-type': 'application/json' };
        const payload =
          route.method === 'GET'
            ? undefined
            : isPage
              ? new URLSearchParams({
                  _csrf: session.csrf,
                  value: typeof body === 'string' ? body : (JSON.stringify(body) ?? ''),
                }).toString()
              : JSON.stringify(body);
        await holds(
          () => web.app.inject({ method: route.method as 'GET' | 'POST', url, headers, ...(payload === undefined ? {} : { payload }) }),
          staffAudit,
        );
      }),
      { ...settings, numRuns: RUNS * 3 },
    );
    expect([...answered].filter((s) => s < 300).length > 0 && answered.has(404), 'some requests reach a service').toBe(true);
  });
});

// The malformed and hostile inputs that found 500s on a running stack (issue "Holds up under abuse"):
// each is answered with a 4xx that names the field or header at fault, and writes nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signCallback } from '../lib/callback-signature';
import { loadConfig } from '../lib/config';
import { application } from './support/application';
import { createProgram } from './support/fixtures';
import { camt053, craftedCycle, type CraftedCycle } from './support/reconciliation-fixture';
import { uid } from './support/util';
import { signInUsers, startTestWeb, type TestWeb } from './support/web';
import { openedApplication } from './support/personal-data';

const config = loadConfig();
let web: TestWeb;
let users: Awaited<ReturnType<typeof signInUsers>>;
let programCode: string;
let programId: string;
let c: CraftedCycle;

beforeAll(async () => {
  web = await startTestWeb();
  users = await signInUsers(web.db);
  const program = await createProgram(web.db);
  programCode = program.code;
  programId = program.id;
  c = await craftedCycle(web.db, [{ ours: 'PAID', rail: 'PAID' }]);
}, 60_000);
afterAll(() => web?.close());

/** A JSON body as raw text, so lone surrogates and NULs reach the server exactly as an attacker sends them. */
const rawJson = (value: unknown) => JSON.stringify(value);
const applications = () => web.db.application.count({ where: { programId } });

interface ErrorBody {
  error: string;
  fields?: Record<string, string>;
}
const fieldsOf = (body: string) => Object.keys((JSON.parse(body) as ErrorBody).fields ?? {});

describe('text a database cannot store or a person cannot read', () => {
  it.each([
    ['fullName', { fullName: 'Maria\u0000 Silva' }],
    ['municipality', { municipality: 'São\u0000Paulo' }],
    ['fullName', { fullName: 'Maria \ud800 Silva' }],
    ['fullName', { fullName: 'Maria \udc00 Silva' }],
    ['fullName', { fullName: 'Maria\u0007 Silva' }],
    ['municipality', { municipality: 'São Paulo\u009b' }],
  ])('refuses a %s with NUL, a lone surrogate or a control character, naming it', async (field, overrides) => {
    const before = await applications();
    const res = await web.app.inject({
      method: 'POST',
      url: `/api/v1/programs/${programCode}/applications`,
      headers: { 'content-type': 'application/json' },
      payload: rawJson(application(overrides)),
    });
    expect(res.statusCode).toBe(400);
    expect(fieldsOf(res.body)).toEqual([field]);
    expect(await applications()).toBe(before);
  });

  it('stores a name in NFC, whatever composition it was typed in', async () => {
    const decomposed = 'Jose\u0301 Conceic\u0327a\u0303o';
    const res = await web.app.inject({
      method: 'POST',
      url: `/api/v1/programs/${programCode}/applications`,
      payload: application({ fullName: decomposed, nationalId: '111.444.777-35' }),
    });
    expect(res.statusCode).toBe(201);
    const stored = await openedApplication(web.db, { number: res.json<{ applicationNumber: string }>().applicationNumber });
    expect(stored.fullName).toBe('José Conceição');
    await web.db.application.update({ where: { id: stored.id }, data: { status: 'REJECTED', reasonCodes: ['TEST_CLEANUP'] } });
  });

  it('refuses a NUL in a program code in the API and on the form, without a 500', async () => {
    const api = await web.app.inject({ method: 'POST', url: '/api/v1/programs/AB%00CD/applications', payload: application() });
    expect(api.statusCode).toBe(400);
    expect(fieldsOf(api.body)).toEqual(['code']);
    const page = await web.app.inject({ method: 'GET', url: '/apply/AB%00CD' });
    expect(page.statusCode).toBeLessThan(500);
    expect(page.statusCode).toBeGreaterThanOrEqual(400);
  });

  it('refuses a NUL typed into the form, next to the field, keeping the other values', async () => {
    const before = await applications();
    const form = new URLSearchParams({
      nationalId: '529.982.247-25',
      fullName: 'Maria\u0000 Silva',
      dobDay: '14',
      dobMonth: '3',
      dobYear: '1985',
      phone: '11987654321',
      municipality: 'São Paulo',
      householdSize: '4',
      dependantsUnder18: '2',
      declaredMonthlyIncome: '850,00',
      rail: 'BANK',
      bankCode: '001',
      accountNumber: '12345678',
      consent: 'yes',
    });
    const res = await web.app.inject({
      method: 'POST',
      url: `/apply/${programCode}?lang=en`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: form.toString(),
    });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('href="#fullName"');
    expect(res.body).toContain('value="São Paulo"');
    expect(await applications()).toBe(before);
  });
});

describe('dates in a plausible range', () => {
  it.each(['0000-01-01', '1899-12-31', '0999-05-05'])('refuses a birth date of %s, naming dateOfBirth', async (dateOfBirth) => {
    const before = await applications();
    const res = await web.app.inject({
      method: 'POST',
      url: `/api/v1/programs/${programCode}/applications`,
      payload: application({ dateOfBirth }),
    });
    expect(res.statusCode).toBe(400);
    expect(fieldsOf(res.body)).toEqual(['dateOfBirth']);
    expect(await applications()).toBe(before);
  });

  it('takes a birth date in 1900', async () => {
    const res = await web.app.inject({
      method: 'POST',
      url: `/api/v1/programs/${programCode}/applications`,
      payload: application({ dateOfBirth: '1900-01-01', nationalId: '390.533.447-05' }),
    });
    expect(res.statusCode).toBe(201);
    await web.db.application.updateMany({
      where: { programId, status: 'RECEIVED' },
      data: { status: 'REJECTED', reasonCodes: ['TEST_CLEANUP'] },
    });
  });
});

describe('rail callbacks and statement files', () => {
  const pain002 = (inner: string) =>
    `<?xml version="1.0" encoding="UTF-8"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.002.001.10"><CstmrPmtStsRpt>${inner}</CstmrPmtStsRpt></Document>`;
  const group = (msgId: string) =>
    `<GrpHdr><MsgId>N-1</MsgId><CreDtTm>2026-01-01T00:00:00Z</CreDtTm></GrpHdr><OrgnlGrpInfAndSts><OrgnlMsgId>${msgId}</OrgnlMsgId><OrgnlMsgNmId>pain.001.001.09</OrgnlMsgNmId><GrpSts>ACSC</GrpSts></OrgnlGrpInfAndSts>`;
  const bankCallback = (xml: string) =>
    web.app.inject({
      method: 'POST',
      url: '/callbacks/bank',
      // Signed by the bank: what is tested is how a malformed body is read, past the signature check.
      headers: { 'content-type': 'application/xml', 'x-event-id': uid('ev'), ...signCallback(config.BANK_CALLBACK_SECRET, xml) },
      payload: xml,
    });

  it('refuses a pain.002 nested 10,000 deep with a 4xx', async () => {
    const deep = `${'<X>'.repeat(10_000)}${'</X>'.repeat(10_000)}`;
    const res = await bankCallback(pain002(deep + group('MSG-1')));
    expect(res.statusCode).toBeGreaterThanOrEqual(400);
    expect(res.statusCode).toBeLessThan(500);
  });

  it('refuses a pain.002 carrying a __proto__ element with a 4xx', async () => {
    const res = await bankCallback(pain002(`<__proto__><polluted>yes</polluted></__proto__>${group('MSG-2')}`));
    expect(res.statusCode).toBeGreaterThanOrEqual(400);
    expect(res.statusCode).toBeLessThan(500);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses a NUL in a pain.002 message id, naming the element', async () => {
    const res = await bankCallback(pain002(group('MSG\u0000-3')));
    expect(res.statusCode).toBe(400);
    expect(fieldsOf(res.body).length).toBeGreaterThan(0);
    expect(fieldsOf(res.body)).not.toContain('_');
  });

  it('refuses a NUL in a wallet callback field, naming it', async () => {
    const before = await web.db.providerEvent.count();
    const body = rawJson({ batchId: 'B\u0000-1', batchStatus: 'completed' });
    const res = await web.app.inject({
      method: 'PUT',
      url: '/callbacks/wallet',
      headers: {
        'content-type': 'application/json',
        'x-event-id': uid('ev'),
        'x-correlationid': uid('corr'),
        ...signCallback(config.WALLET_CALLBACK_SECRET, body),
      },
      payload: body,
    });
    expect(res.statusCode).toBe(400);
    expect(fieldsOf(res.body)).toEqual(['batchId']);
    expect(await web.db.providerEvent.count()).toBe(before);
  });

  it('refuses a NUL in a statement line end-to-end id, naming the line, and imports nothing', async () => {
    const before = await web.db.statementEntry.count({ where: { account: c.account } });
    const report = {
      account: c.account,
      entries: [
        {
          transactionReference: uid('W'),
          requestingOrganisationTransactionReference: 'KEY\u0000-1',
          amount: '600.00',
          currency: 'BRL',
          completedAt: new Date().toISOString(),
        },
      ],
    };
    const json = await web.app.inject({
      method: 'POST',
      url: '/api/v1/statements?provider=wallet-sim',
      headers: { ...users.finance.headers, 'content-type': 'application/json' },
      payload: rawJson(report),
    });
    expect(json.statusCode).toBe(400);
    expect(fieldsOf(json.body)).toEqual(['entries.0.requestingOrganisationTransactionReference']);
    const xml = await web.app.inject({
      method: 'POST',
      url: '/api/v1/statements?provider=bank-sim',
      headers: { ...users.finance.headers, 'content-type': 'application/xml' },
      payload: camt053(c.account, [{ ref: uid('NTRY'), key: 'KEY\u0000-2', amount: '1.00' }]),
    });
    expect(xml.statusCode).toBe(400);
    expect(fieldsOf(xml.body).length).toBeGreaterThan(0);
    expect(await web.db.statementEntry.count({ where: { account: c.account } })).toBe(before);
  });
});

describe('identifiers in the path', () => {
  it.each([
    ['POST', '/api/v1/breaks/not-a-uuid/resolution', { resolution: 'CONFIRM' }],
    ['GET', '/api/v1/cycles/not-a-uuid/report', undefined],
    ['GET', '/api/v1/cycles/not-a-uuid/breaks', undefined],
    ['POST', '/api/v1/cycles/not-a-uuid/reconciliations', undefined],
    ['POST', '/api/v1/cycles/not-a-uuid/sign-off', undefined],
  ] as const)('%s %s answers a 4xx naming id', async (method, url, payload) => {
    const res = await web.app.inject({ method, url, headers: users.finance.headers, ...(payload ? { payload } : {}) });
    expect(res.statusCode).toBe(400);
    expect(fieldsOf(res.body)).toEqual(['id']);
  });
});

describe('addresses', () => {
  it('refuses a percent-encoding that is not UTF-8 naming the address, without echoing it', async () => {
    const res = await web.app.inject({ method: 'GET', url: '/api/v1/cycles/%ED%A0%80-secret-typed-here/report' });
    expect(res.statusCode).toBe(400);
    expect(fieldsOf(res.body)).toEqual(['url']);
    expect(res.body).not.toContain('secret-typed-here');
  });
});

describe('every 4xx names the field or header at fault', () => {
  const cases: Array<[string, () => Promise<{ statusCode: number; body: string }>, string[]]> = [
    [
      'unparsable JSON',
      () =>
        web.app.inject({
          method: 'POST',
          url: `/api/v1/programs/${programCode}/applications`,
          headers: { 'content-type': 'application/json' },
          payload: '{"fullName": ',
        }),
      ['body'],
    ],
    [
      'an unknown key',
      () =>
        web.app.inject({ method: 'POST', url: `/api/v1/programs/${programCode}/applications`, payload: application({ isAdmin: true }) }),
      ['isAdmin'],
    ],
    [
      'a body that is not an object',
      () =>
        web.app.inject({
          method: 'POST',
          url: `/api/v1/programs/${programCode}/applications`,
          headers: { 'content-type': 'application/json' },
          payload: '[1,2]',
        }),
      ['body'],
    ],
    [
      'a wrong content type',
      () =>
        web.app.inject({
          method: 'POST',
          url: `/api/v1/programs/${programCode}/applications`,
          headers: { 'content-type': 'text/plain' },
          payload: 'hello',
        }),
      ['content-type'],
    ],
    ['no bearer token', () => web.app.inject({ method: 'GET', url: `/api/v1/cycles/${c.cycleId}/report` }), ['authorization']],
    [
      'an unknown token',
      () => web.app.inject({ method: 'GET', url: `/api/v1/cycles/${c.cycleId}/report`, headers: { authorization: 'Bearer amp_nope' } }),
      ['authorization'],
    ],
    [
      'an unknown program',
      () => web.app.inject({ method: 'POST', url: '/api/v1/programs/NOPE-1/applications', payload: application() }),
      ['code'],
    ],
    [
      'an unknown cycle',
      () =>
        web.app.inject({
          method: 'GET',
          url: '/api/v1/cycles/00000000-0000-4000-8000-000000000000/report',
          headers: users.finance.headers,
        }),
      ['id'],
    ],
    [
      'a statement upload without a provider',
      () =>
        web.app.inject({
          method: 'POST',
          url: '/api/v1/statements',
          headers: { ...users.finance.headers, 'content-type': 'application/json' },
          payload: '{}',
        }),
      ['provider'],
    ],
  ];
  it.each(cases)('%s', async (_name, send, expected) => {
    const res = await send();
    expect(res.statusCode).toBeGreaterThanOrEqual(400);
    expect(res.statusCode).toBeLessThan(500);
    expect(fieldsOf(res.body)).toEqual(expected);
  });
});

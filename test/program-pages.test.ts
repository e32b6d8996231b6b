// The create-a-program admin page over app.inject, on the real database: an administrator creates a
// program with a staggered schedule and rules (stored exactly as the JSON API stores them, audited),
// wrong fields come back with their messages and every value kept while nothing is written, a taken code
// is a 409 next to the code field, forged forms and other roles are refused server-side.
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../lib/users';
import { escapeHtml } from '../web/http/html';
import { uid } from './support/util';
import { startTestWeb, type TestWeb } from './support/web';

const PASSWORD = 'correct horse battery staple';
let web: TestWeb;
const users = {} as Record<'admin' | 'approver' | 'reviewer', { id: string; cookie: string }>;

const request = (opts: InjectOptions) => web.app.inject(opts);
const get = (url: string, cookie = '') => request({ method: 'GET', url, headers: { cookie } });
const post = (url: string, fields: Record<string, string>, cookie = '') =>
  request({
    method: 'POST',
    url,
    payload: new URLSearchParams(fields).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
  });
const csrfOf = (body: string) => /name="_csrf" value="([^"]+)"/.exec(body)?.[1] ?? '';
const csrf = async (cookie: string) => csrfOf((await get('/admin/programs/new', cookie)).body);

async function signedInUser(role: 'ADMIN' | 'APPROVER' | 'REVIEWER') {
  const username = uid(role.toLowerCase());
  const { id } = await createUser(web.db, username, role, PASSWORD);
  const form = await get('/admin/sign-in');
  const res = await post(
    '/admin/sign-in',
    { _csrf: csrfOf(form.body), username, password: PASSWORD },
    form.cookies.map((c) => `${c.name}=${c.value}`).join('; '),
  );
  return { id, cookie: `amparo_admin=${res.cookies.find((c) => c.name === 'amparo_admin')!.value}` };
}

/** A complete, valid form as a browser sends it (the empty wave rows included). */
function validForm(code = uid('PF').toUpperCase()): Record<string, string> {
  const waves = Object.fromEntries(
    Array.from({ length: 10 }, (_, i): Array<[string, string]> => [
      [`wave${i + 1}Digits`, ''],
      [`wave${i + 1}PayOn`, ''],
    ]).flat(),
  );
  return {
    ...waves,
    code,
    name: 'Auxílio de teste',
    country: 'BR',
    currency: 'BRL',
    fundingAccount: `FUND-${code}`,
    baseAmount: '612.35',
    amountPerDependant: '150.10',
    capPerHousehold: '1200.00',
    budgetPerCycle: '9999999999999999.99',
    batchSize: '250',
    appealWindowDays: '45',
    maxApplicationsPerPhone: '2',
    rejectedRetentionDays: '120',
    leftRetentionDays: '730',
    maxIncomePerCapita: '218.00',
    minApplicantAge: '18',
    moreRules: '',
  };
}
const create = async (fields: Record<string, string>, who = users.admin) =>
  post('/admin/programs/new', { _csrf: await csrf(who.cookie), ...fields }, who.cookie);
const programCount = (code: string) => web.db.program.count({ where: { code } });

beforeAll(async () => {
  web = await startTestWeb();
  for (const [key, role] of [
    ['admin', 'ADMIN'],
    ['approver', 'APPROVER'],
    ['reviewer', 'REVIEWER'],
  ] as const)
    users[key] = await signedInUser(role);
});
afterAll(async () => web?.close());

describe('creating a program', () => {
  it('is linked from the program list, and stores the program, its schedule and rule set version 1 exactly, audited', async () => {
    expect((await get('/admin/cycles', users.admin.cookie)).body).toContain('<a href="/admin/programs/new">Create a program</a>');
    const page = await get('/admin/programs/new', users.admin.cookie);
    expect(page.statusCode).toBe(200);
    expect(page.headers['cache-control']).toBe('no-store');
    for (const text of [
      '<h1>Create a program</h1>',
      'id="wave10PayOn"',
      '<option value="CLP">CLP</option>',
      'id="batchSize" name="batchSize" type="text" value="500"',
    ])
      expect(page.body).toContain(text);
    expect(page.body).not.toContain('<script');

    // Wave rows 1 and 3: the empty row between them is ignored. Lower case code: upper-cased, not refused.
    const form = validForm();
    const res = await create({
      ...form,
      code: form.code!.toLowerCase(),
      wave1Digits: '0, 1,2,3,4',
      wave1PayOn: '2026-03-17',
      wave3Digits: '5,6,7,8,9',
      wave3PayOn: '2026-03-18',
      moreRules: '[{"type": "min_children", "count": 1, "underAge": 18}]',
    });
    expect([res.statusCode, res.headers.location]).toEqual([303, `/admin/cycles/new?program=${form.code}`]);
    const program = await web.db.program.findUniqueOrThrow({ where: { code: form.code }, include: { ruleSets: true } });
    expect(program).toMatchObject({
      name: 'Auxílio de teste',
      country: 'BR',
      currency: 'BRL',
      fundingAccount: form.fundingAccount,
      batchSize: 250,
      appealWindowDays: 45,
      maxApplicationsPerPhone: 2,
      rejectedRetentionDays: 120,
      leftRetentionDays: 730,
    });
    expect(
      [program.baseAmount, program.amountPerDependant, program.capPerHousehold, program.budgetPerCycle].map((d) => d?.toFixed(2)),
    ).toEqual(['612.35', '150.10', '1200.00', '9999999999999999.99']);
    expect(program.schedule).toEqual({
      waves: [
        { lastDigits: [0, 1, 2, 3, 4], payOn: '2026-03-17' },
        { lastDigits: [5, 6, 7, 8, 9], payOn: '2026-03-18' },
      ],
    });
    expect(program.ruleSets).toEqual([
      expect.objectContaining({
        version: 1,
        rules: [
          { type: 'max_income_per_capita', amount: '218.00' },
          { type: 'min_applicant_age', years: 18 },
          { type: 'min_children', count: 1, underAge: 18 },
        ],
      }),
    ]);
    expect(await web.db.auditEvent.count({ where: { entityId: program.id, action: 'program.created', actor: users.admin.id } })).toBe(1);
    const next = await get(res.headers.location!, users.admin.cookie);
    expect([next.statusCode, next.body]).toEqual([200, expect.stringContaining(`Prepare a payment cycle: ${form.code}`)]);
  });

  it('applies the defaults and no schedule when those fields are left empty', async () => {
    const form = validForm();
    const res = await create({
      ...form,
      amountPerDependant: '',
      capPerHousehold: '',
      budgetPerCycle: '',
      batchSize: '',
      appealWindowDays: '',
      maxApplicationsPerPhone: '',
      rejectedRetentionDays: '',
      leftRetentionDays: '',
      minApplicantAge: '',
    });
    expect(res.statusCode).toBe(303);
    const program = await web.db.program.findUniqueOrThrow({ where: { code: form.code }, include: { ruleSets: true } });
    expect(program).toMatchObject({
      schedule: null,
      capPerHousehold: null,
      budgetPerCycle: null,
      batchSize: 500,
      appealWindowDays: 30,
      maxApplicationsPerPhone: 3,
      rejectedRetentionDays: 90,
      leftRetentionDays: 365,
    });
    expect(program.amountPerDependant.toFixed(2)).toBe('0.00');
    expect(program.ruleSets[0]!.rules).toEqual([{ type: 'max_income_per_capita', amount: '218.00' }]);
  });
});

describe('wrong fields', () => {
  it('come back with 400, a message next to each field and in the summary, every value kept, and nothing written', async () => {
    const form: Record<string, string> = {
      ...validForm(),
      baseAmount: '12,50',
      batchSize: 'many',
      leftRetentionDays: '40000',
      wave1Digits: '0,1,2,3,4',
      wave1PayOn: '2026-03-17',
      wave2Digits: '5,6',
      wave2PayOn: '2026-03-18',
    };
    const res = await create(form);
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('<title>Error: Create a program - Amparo admin</title>');
    expect(res.body).toContain(
      '<a href="#baseAmount">Enter the base amount, more than zero, with a point before the cents, for example 600.00</a>',
    );
    expect(res.body).toMatch(
      /<span class="msg" id="baseAmount-error"><span class="vh">Error: <\/span>Enter the base amount[^<]*<\/span>\s*<input id="baseAmount" name="baseAmount" type="text" value="12,50"[^>]*aria-describedby="baseAmount-hint baseAmount-error" aria-invalid="true"/,
    );
    expect(res.body).toContain('<a href="#batchSize">Enter a batch size from 1 to 5000</a>');
    expect(res.body).toContain(
      '<a href="#leftRetentionDays">Enter how long a household&#39;s personal data is kept after it leaves, as a number of days from 0 to 3650</a>',
    );
    for (const [id, value] of [
      ['name', 'Auxílio de teste'],
      ['wave2Digits', '5,6'],
      ['wave2PayOn', '2026-03-18'],
      ['maxIncomePerCapita', '218.00'],
    ]) {
      expect(res.body).toContain(`id="${id}" name="${id}" type="text" value="${escapeHtml(value!)}"`);
    }
    expect(res.body).toContain('<input type="radio" id="country-BR" name="country" value="BR" checked');
    expect(res.body).toContain('<option value="BRL" selected>BRL</option>');
    expect(await programCount(form.code!)).toBe(0);

    // Only the amount fixed: the schedule's own check (every digit in a wave) is now the one to fix.
    const again = await create({ ...form, baseAmount: '12.50', batchSize: '500', leftRetentionDays: '365' });
    expect(again.statusCode).toBe(400);
    expect(again.body).toContain('<a href="#wave1Digits">Every digit 0-9 must belong to a wave</a>');
    expect(again.body).toContain(
      '<span class="msg" id="schedule-error"><span class="vh">Error: </span>Every digit 0-9 must belong to a wave</span>',
    );
    expect(again.body).not.toContain('id="baseAmount-error"');
    expect(await programCount(form.code!)).toBe(0);
  });

  it('name the wave row and the rule that is wrong, and refuse rules that are not JSON, keeping what was typed', async () => {
    const code = uid('PF').toUpperCase();
    const rows = await create({
      ...validForm(code),
      wave1Digits: '0-4',
      wave1PayOn: '2026-03-17',
      wave4Digits: '5,6,7,8,9',
      wave4PayOn: '18/03/2026',
    });
    expect(rows.statusCode).toBe(400);
    expect(rows.body).toContain('<a href="#wave1Digits">Wave 1: enter last digits from 0 to 9 separated by commas, for example 0,1,2</a>');
    expect(rows.body).toContain('<a href="#wave4PayOn">Wave 4: enter the date to pay on as YYYY-MM-DD, for example 2026-03-17</a>');

    const broken = '[{"type": "max_applicant_age", "years": 65},]';
    const json = await create({ ...validForm(code), moreRules: broken });
    expect(json.statusCode).toBe(400);
    expect(json.body).toMatch(/<a href="#moreRules">The rules are not valid JSON \([^)]*\): correct them or leave the box empty<\/a>/);
    expect(json.body).toContain(`aria-invalid="true" class="err">${escapeHtml(broken)}</textarea>`);

    const notArray = await create({ ...validForm(code), moreRules: '{"type": "max_applicant_age", "years": 65}' });
    expect(notArray.body).toContain('Enter the rules as a JSON array of rule objects, between [ and ]');
    const badRule = await create({
      ...validForm(code),
      moreRules: '[{"type": "max_applicant_age", "years": 65}, {"type": "max_applicant_age", "years": "old"}]',
    });
    expect([badRule.statusCode, badRule.body]).toEqual([
      400,
      expect.stringContaining('Rule 2 given as JSON (years): Invalid input: expected number, received string'),
    ]);
    const none = await create({ ...validForm(code), maxIncomePerCapita: '', minApplicantAge: '' });
    expect([none.statusCode, none.body]).toEqual([
      400,
      expect.stringContaining('<a href="#maxIncomePerCapita">Give at least one eligibility rule</a>'),
    ]);
    expect(await programCount(code)).toBe(0);
  });
});

describe('refusals', () => {
  it('answers a code already taken with 409 next to the code field, the rest kept', async () => {
    const form = validForm();
    expect((await create(form)).statusCode).toBe(303);
    const again = await create({ ...form, name: 'Another name' });
    expect(again.statusCode).toBe(409);
    expect(again.body).toContain('<a href="#code">A program with this code already exists: choose another code</a>');
    expect(again.body).toMatch(
      new RegExp(`id="code-error">.*?</span>\\s*<input id="code" name="code" type="text" value="${form.code}"[^>]*aria-invalid="true"`),
    );
    expect(again.body).toContain('value="Another name"');
    expect(await web.db.program.findMany({ where: { code: form.code }, select: { name: true } })).toEqual([{ name: 'Auxílio de teste' }]);
  });

  it("refuses forms without the session's CSRF token, and writes nothing", async () => {
    const form = validForm();
    for (const token of [{}, { _csrf: 'forged' }] as Record<string, string>[]) {
      const res = await post('/admin/programs/new', { ...form, ...token }, users.admin.cookie);
      expect([res.statusCode, res.body]).toEqual([403, expect.stringContaining('This form did not come from a page of this session')]);
    }
    expect(await programCount(form.code!)).toBe(0);
  });

  it('is for administrators only: visitors sign in, approvers and reviewers get 403 and no link', async () => {
    expect((await get('/admin/programs/new')).headers.location).toBe('/admin/sign-in?next=%2Fadmin%2Fprograms%2Fnew');
    const form = validForm();
    for (const who of [users.approver, users.reviewer]) {
      expect((await get('/admin/programs/new', who.cookie)).statusCode).toBe(403);
      const _csrf = csrfOf((await get('/admin', who.cookie)).body);
      const res = await post('/admin/programs/new', { _csrf, ...form }, who.cookie);
      expect([res.statusCode, res.body]).toEqual([403, expect.stringContaining('Your role does not give access to this page.')]);
    }
    expect((await get('/admin/cycles', users.approver.cookie)).body).not.toContain('/admin/programs/new');
    expect(await programCount(form.code!)).toBe(0);
  });
});

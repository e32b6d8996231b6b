// The applicant's HTML pages over app.inject, on the real database and Redis: languages, page weight,
// the form's errors (kept values, messages next to fields and in a summary), the intake it feeds,
// the status lookup and the appeal.
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reasonSentence, statusExplanation } from '../domain/reason-messages';
import { escapeHtml } from '../web/http/html';
import { createProgram } from './support/fixtures';
import { startTestWeb, type TestWeb } from './support/web';
import { openedApplication, smsText, testPersonalData } from './support/personal-data';

let web: TestWeb;
const programIds: string[] = [];
const sizes = new Map<string, number>();
beforeAll(async () => void (web = await startTestWeb()));
afterAll(async () => {
  // Leave nothing in RECEIVED: nothing would ever decide these (no dispatcher serves this file's task queue).
  await web.db.application.updateMany({
    where: { programId: { in: programIds }, status: 'RECEIVED' },
    data: { status: 'REJECTED', reasonCodes: ['TEST_CLEANUP'] },
  });
  console.log('page sizes (bytes):', Object.fromEntries(sizes));
  await web.close();
});

const newProgram = async () => createProgram(web.db).then((program) => (programIds.push(program.id), program));

const FORM = 'application/x-www-form-urlencoded';
const valid: Record<string, string> = {
  nationalId: '529.982.247-25',
  fullName: 'Maria José da Silva',
  dobDay: '14',
  dobMonth: '3',
  dobYear: '1985',
  phone: '(11) 98765-4321',
  municipality: 'São Paulo',
  householdSize: '4',
  dependantsUnder18: '2',
  declaredMonthlyIncome: '1.200,50',
  rail: 'BANK',
  bankCode: '001',
  accountNumber: '12345678',
  msisdn: '',
  consent: 'yes',
};

/** Records every page's size: each must stay under 30 KB including its CSS. */
const page = async (name: string, opts: InjectOptions) => {
  const res = await web.app.inject(opts);
  if (String(res.headers['content-type']).startsWith('text/html'))
    sizes.set(name, Math.max(sizes.get(name) ?? 0, Buffer.byteLength(res.body)));
  return res;
};
const post = (name: string, url: string, fields: Record<string, string>, headers: Record<string, string> = {}) =>
  page(name, { method: 'POST', url, payload: new URLSearchParams(fields).toString(), headers: { 'content-type': FORM, ...headers } });
const numberOf = (res: { headers: Record<string, unknown> }) => new URL(String(res.headers.location), 'http://x').searchParams.get('n')!;
const has = (body: string, text: string) => expect(body).toContain(escapeHtml(text));
const inputTag = (body: string, name: string) => new RegExp(`<input[^>]*\\sname="${name}"[^>]*>`).exec(body)?.[0] ?? '';

describe('languages', () => {
  it('speaks Spanish by default, Portuguese by Accept-Language, and remembers the visible switch in a cookie', async () => {
    const program = await newProgram();
    const url = `/apply/${program.code}`;
    const es = await page('form', { url });
    expect(es.body).toContain('<html lang="es">');
    has(es.body, 'Número de CPF');
    expect(es.headers.vary).toContain('Accept-Language');

    const pt = await page('form', { url, headers: { 'accept-language': 'pt-BR,pt;q=0.9,en;q=0.8' } });
    expect(pt.body).toContain('<html lang="pt">');
    has(pt.body, 'Número do CPF');
    expect((await page('form', { url, headers: { 'accept-language': 'de-DE, fr;q=0.9, en;q=0.5, pt;q=0.3' } })).body).toContain(
      '<html lang="en">',
    );

    const switched = await page('form', { url: `${url}?lang=en`, headers: { 'accept-language': 'pt' } });
    expect(switched.body).toContain('<html lang="en">');
    has(switched.body, 'CPF number');
    expect(switched.body).toContain(`href="${url}?lang=pt" hreflang="pt"`); // the switch links
    expect(String(switched.headers['set-cookie'])).toMatch(/^lang=en;.*HttpOnly/);
    expect((await page('form', { url, headers: { 'accept-language': 'pt', cookie: 'lang=en' } })).body).toContain('<html lang="en">');
  });

  it('names the national ID of the program country (CUIL in Argentina) and answers unknown programs with a 404 page', async () => {
    const ar = await web.db.program.update({ where: { id: (await newProgram()).id }, data: { country: 'AR', currency: 'ARS' } });
    has((await page('form', { url: `/apply/${ar.code}` })).body, 'como en su constancia de CUIL');
    const missing = await page('404', { url: '/apply/NO-SUCH-PROGRAM', headers: { 'accept-language': 'en' } });
    expect([missing.statusCode, missing.body]).toEqual([404, expect.stringContaining('We could not find this program')]);
  });
});

describe('GET /apply/:code', () => {
  it('has every field with a label, strict security headers, and no script', async () => {
    const program = await newProgram();
    const res = await page('form', { url: `/apply/${program.code}` });
    expect(res.statusCode).toBe(200);
    const ids = [...res.body.matchAll(/<(?:input|textarea)[^>]*\sid="([^"]+)"/g)].map((m) => m[1]!);
    expect(ids).toEqual(
      expect.arrayContaining([
        'nationalId',
        'fullName',
        'dobDay',
        'dobMonth',
        'dobYear',
        'phone',
        'municipality',
        'householdSize',
        'dependantsUnder18',
        'declaredMonthlyIncome',
        'rail-BANK',
        'rail-WALLET',
        'bankCode',
        'accountNumber',
        'msisdn',
        'consent',
      ]),
    );
    for (const id of ids) expect(res.body, id).toContain(`<label for="${id}">`);
    expect(res.headers['content-security-policy']).toMatch(/^default-src 'none'; style-src 'sha256-[^']+'; form-action 'self'/);
    expect(res.headers).toMatchObject({ 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer' });
    expect(res.body).not.toMatch(/<script|\son\w+=/i);
    const index = await page('index', { url: '/apply' });
    expect(index.body).toContain(`href="/apply/${program.code}"`);
  });
});

describe('POST /apply/:code', () => {
  it('creates the application through the intake and redirects (303) to a confirmation with the number', async () => {
    const program = await newProgram();
    const res = await post('form', `/apply/${program.code}`, valid);
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toMatch(new RegExp(`^/apply/${program.code}/done\\?n=BR-[0-9A-Z]{8}&lang=es$`));
    const number = numberOf(res);
    const stored = await openedApplication(web.db, { number });
    expect(stored).toMatchObject({
      nationalId: '52998224725',
      phone: '+5511987654321',
      householdSize: 4,
      dependantsUnder18: 2,
      language: 'es',
    });
    expect(stored.declaredMonthlyIncome.toString()).toBe('1200.5');
    expect(stored.paymentAccount).toMatchObject({ rail: 'BANK', bankCode: '001', accountNumber: '12345678' });
    expect(stored).toMatchObject({ decisionQueue: web.taskQueue, decisionBatchId: null });

    const done = await page('done', { url: String(res.headers.location) });
    expect(done.body).toContain(`<p class="number">${number}</p>`);
    has(done.body, 'Qué pasa ahora');
    expect(done.headers['cache-control']).toBe('no-store');
    // The same ID again from another form: a new applicant's answer, never a second application nor the first one's number.
    const again = await post('form', `/apply/${program.code}`, { ...valid, nationalId: '52998224725' });
    expect(again.headers.location).not.toContain(`n=${number}`);
    expect((await page('done', { url: String(again.headers.location) })).body).not.toContain('Ya teníamos una solicitud suya');
    expect(await web.db.application.count({ where: { programId: program.id } })).toBe(1);
  });

  it('answers the same form sent twice (a lost answer) with the first number', async () => {
    const program = await newProgram();
    const form = await page('form', { url: `/apply/${program.code}` });
    const submission = /name="submission" value="([\w-]+)"/.exec(form.body)![1]!;
    const first = numberOf(await post('form', `/apply/${program.code}`, { ...valid, submission }));
    const again = await post('form', `/apply/${program.code}`, { ...valid, submission });
    expect(again.headers.location).toContain(`n=${first}`);
    has((await page('done', { url: String(again.headers.location) })).body, 'Ya teníamos una solicitud suya');
    // Back, another answer changed, sent again: that answer stands alone (here the same person: a new applicant's answer).
    const changed = await post('form', `/apply/${program.code}`, { ...valid, submission, householdSize: '5' });
    expect(changed.statusCode).toBe(303);
    expect(changed.headers.location).not.toContain(`n=${first}`);
    expect(await web.db.application.count({ where: { programId: program.id } })).toBe(1);
  });

  it('accepts a mobile wallet instead of a bank account', async () => {
    const program = await newProgram();
    const res = await post('form', `/apply/${program.code}`, {
      ...valid,
      rail: 'WALLET',
      bankCode: '',
      accountNumber: '',
      msisdn: '11 91234-5678',
    });
    const stored = await openedApplication(web.db, { number: numberOf(res) });
    expect(stored.paymentAccount).toMatchObject({ rail: 'WALLET', msisdn: '+5511912345678', bankCode: null });
  });

  it('on errors answers 400 with every value kept, a Spanish message next to each wrong field and in the summary, and writes nothing', async () => {
    const program = await newProgram();
    const typed: Record<string, string> = {
      ...valid,
      nationalId: '529.982.247-24',
      fullName: 'Mo',
      dobDay: '31',
      dobMonth: '2',
      householdSize: '2',
      dependantsUnder18: '3',
      rail: 'BANK',
      bankCode: '12',
      consent: '',
    };
    const res = await post('form-errors', `/apply/${program.code}`, typed);
    expect([res.statusCode, res.headers['cache-control']]).toEqual([400, 'no-store']);
    for (const name of [
      'nationalId',
      'fullName',
      'dobDay',
      'dobMonth',
      'dobYear',
      'phone',
      'municipality',
      'householdSize',
      'dependantsUnder18',
      'declaredMonthlyIncome',
      'bankCode',
      'accountNumber',
    ]) {
      expect(inputTag(res.body, name), name).toContain(`value="${escapeHtml(typed[name]!)}"`);
    }
    expect(res.body).toContain('id="rail-BANK" name="rail" value="BANK" checked');
    const expected: Record<string, string> = {
      nationalId: 'Este CPF no es válido: los últimos números (dígitos de control) no coinciden con los demás.',
      fullName: 'Escriba su nombre completo, de al menos 3 letras.',
      dobDay: 'Esa fecha no existe.',
      dependantsUnder18: 'Debe ser menor que el número de personas del hogar',
      bankCode: 'El código del banco tiene de 3 a 8 números.',
      consent: 'Para enviar la solicitud, marque que acepta el aviso de privacidad.',
    };
    expect(res.body).toMatch(/<div class="summary" role="alert"/);
    for (const [anchor, message] of Object.entries(expected)) {
      expect(res.body, `summary ${anchor}`).toContain(`<a href="#${anchor}">${escapeHtml(message)}`);
      expect(res.body, `inline ${anchor}`).toContain(
        `id="${anchor === 'dobDay' ? 'dob' : anchor}-error"><span class="vh">Error: </span>${escapeHtml(message)}`,
      );
    }
    expect(res.body).toMatch(/id="fullName"[^>]*aria-describedby="fullName-hint fullName-error" aria-invalid="true"/);
    expect(res.body).not.toMatch(/id="municipality"[^>]*aria-invalid/);
    expect(await web.db.application.count({ where: { programId: program.id } })).toBe(0);
  });

  it('tells a malformed ID from a wrong check digit, in the applicant’s language', async () => {
    const program = await newProgram();
    const short = await post('form-errors', `/apply/${program.code}`, { ...valid, nationalId: '529.982.247' });
    has(short.body, 'El CPF tiene 11 números. Revise que los escribió todos.');
    const pt = await post('form-errors', `/apply/${program.code}`, { ...valid, nationalId: '52998224724' }, { 'accept-language': 'pt' });
    has(pt.body, 'Este CPF não é válido: os últimos números (dígitos verificadores) não batem');
  });
});

describe('GET/POST /status and the appeal', () => {
  const apply = async (code: string) => numberOf(await post('form', `/apply/${code}`, valid));
  const lookup = (number: string, dob = { dobDay: '14', dobMonth: '03', dobYear: '1985' }, headers: Record<string, string> = {}) =>
    post('status', '/status', { number, ...dob }, headers);

  it('answers "not found" the same way for an unknown number and a wrong date of birth', async () => {
    const number = await apply((await newProgram()).code);
    expect((await page('status-form', { url: `/status?n=${number}` })).body).toContain(`value="${number}"`);
    const unknown = await lookup('BR-00000000');
    const wrongDate = await lookup(number, { dobDay: '15', dobMonth: '3', dobYear: '1985' });
    for (const res of [unknown, wrongDate]) {
      expect(res.statusCode).toBe(404);
      has(res.body, 'No encontramos una solicitud con ese número y esa fecha de nacimiento.');
    }
    const missing = await lookup('', { dobDay: '', dobMonth: '', dobYear: '' });
    expect([missing.statusCode, missing.body]).toEqual([
      400,
      expect.stringContaining('<a href="#number">Escriba su número de solicitud.</a>'),
    ]);
  });

  it('explains where a found application stands, in the negotiated language, without caching it', async () => {
    const number = await apply((await newProgram()).code);
    const res = await lookup(number.toLowerCase(), undefined, { 'accept-language': 'en' });
    expect([res.statusCode, res.headers['cache-control']]).toEqual([200, 'no-store']);
    has(res.body, statusExplanation('RECEIVED', 'en'));
    expect(res.body).not.toContain('/status/appeal');
  });

  it('shows the decision with its reasons, takes an appeal inside the window, and refuses one after it', async () => {
    const program = await newProgram();
    const number = await apply(program.code);
    const facts = { householdMonthlyIncome: '4000.00', householdSize: 4, perCapita: '1000.00', threshold: '759.00' };
    const app = await web.db.application.update({
      where: { number },
      data: {
        status: 'REJECTED',
        reasonCodes: ['INCOME_ABOVE_THRESHOLD'],
        decidedAt: new Date(),
        appealDeadline: new Date(Date.now() + 10 * 86_400_000),
        ruleResults: [{ rule: 'max_income_per_capita', passed: false, reasonCode: 'INCOME_ABOVE_THRESHOLD', facts }],
      },
    });
    const shown = await lookup(number);
    has(shown.body, 'No aprobada');
    has(shown.body, reasonSentence('INCOME_ABOVE_THRESHOLD', 'es', facts));
    has(shown.body, 'Puede apelar hasta el');
    expect(shown.body).toContain('action="/status/appeal?lang=es"');

    // First the statement: a code goes by SMS to the application's phone, and nothing is filed until it comes back.
    const statement = 'Mi hijo ya no trabaja.';
    const asked = await post('appeal-code', '/status/appeal', { number, dateOfBirth: '1985-03-14', statement });
    expect(asked.statusCode).toBe(200);
    has(asked.body, 'Le enviamos un código por SMS al teléfono que termina en 4321');
    expect(asked.body).toContain('name="code"');
    expect(asked.body).toContain(statement);
    expect(await web.db.application.findUniqueOrThrow({ where: { id: app.id } })).toMatchObject({ status: 'REJECTED' });
    const code = await lastCode(app.id);
    const wrong = await post('appeal', '/status/appeal', {
      number,
      dateOfBirth: '1985-03-14',
      statement,
      code: code === '000000' ? '111111' : '000000',
    });
    expect(wrong.statusCode).toBe(400);
    has(wrong.body, 'El código no es correcto.');
    expect(await web.db.reviewTask.count({ where: { applicationId: app.id } })).toBe(0);

    const appeal = await post('appeal', '/status/appeal', { number, dateOfBirth: '1985-03-14', statement, code });
    expect([appeal.statusCode, appeal.body]).toEqual([200, expect.stringContaining('Recibimos su apelación')]);
    expect(await web.db.application.findUniqueOrThrow({ where: { id: app.id } })).toMatchObject({ status: 'APPEALED' });
    const tasks = await web.db.reviewTask.findMany({ where: { applicationId: app.id } });
    const pd = await testPersonalData(web.db);
    expect(tasks.map((t) => [t.kind, t.statement && pd.open('review_task.statement', t.statement)])).toEqual([
      ['APPEAL', 'Mi hijo ya no trabaja.'],
    ]);
    has((await post('appeal', '/status/appeal', { number, dateOfBirth: '1985-03-14', statement: '' })).body, 'Ya recibimos una apelación');
    expect((await post('appeal', '/status/appeal', { number, dateOfBirth: '1985-03-15', statement: '' })).statusCode).toBe(404);

    // After the deadline: no form on the status page, and a direct post is refused with a clear message.
    const late = await apply((await newProgram()).code);
    await web.db.application.update({
      where: { number: late },
      data: { status: 'REJECTED', reasonCodes: ['NOT_IN_REGISTRY'], decidedAt: new Date(), appealDeadline: new Date(Date.now() - 60_000) },
    });
    const closed = await lookup(late);
    has(closed.body, 'El plazo para apelar terminó el');
    has(closed.body, reasonSentence('NOT_IN_REGISTRY', 'es'));
    expect(closed.body).not.toContain('/status/appeal');
    const refused = await post('appeal', '/status/appeal', { number: late, dateOfBirth: '1985-03-14', statement: 'por favor' });
    expect([refused.statusCode, refused.body]).toEqual([
      409,
      expect.stringContaining(escapeHtml('El plazo para apelar ya terminó, así que no podemos recibir la apelación.')),
    ]);
    expect(await web.db.reviewTask.count({ where: { application: { number: late } } })).toBe(0);
  });
});

/** The code in the latest SMS sent to an application: what the applicant reads on their phone. */
async function lastCode(applicationId: string): Promise<string> {
  const sms = await web.db.notification.findFirstOrThrow({
    where: { applicationId, eventKey: { startsWith: 'code:' } },
    orderBy: { createdAt: 'desc' },
  });
  return /\b(\d{6})\b/.exec(await smsText(web.db, sms))![1]!;
}

describe('page weight', () => {
  it('keeps every page under 30 KB including its CSS', () => {
    expect([...sizes.keys()]).toEqual(
      expect.arrayContaining(['form', 'form-errors', 'done', 'status-form', 'status', 'appeal-code', 'appeal', '404', 'index']),
    );
    for (const [name, bytes] of sizes) expect(bytes, name).toBeLessThan(30 * 1024);
  });
});

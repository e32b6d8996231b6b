// Verified phones (issue 13): an application counts only once the applicant has typed back the code sent by
// SMS to its phone. A program takes phones of its own calling codes only; codes expire, wrong tries are
// limited, new codes are limited per number; a number that leads nowhere answers as a real one does; an
// unverified application gives its national ID way after UNVERIFIED_HOLD; the owner's warning of an
// identity attempt goes only to a verified phone.
import { describe, expect, it } from 'vitest';
import { claimDecisionBatch } from '../workers/decision-dispatcher';
import { createLogger } from '../lib/logger';
import { MAX_WRONG_TRIES } from '../web/services/one-time-codes';
import { application, randomCpf } from './support/application';
import { useIntakeWeb } from './support/intake-web';
import { openedApplication, testPersonalData } from './support/personal-data';

const intake = useIntakeWeb();
const { newProgram, submit } = intake;

const post = (url: string, payload: object) => intake.web.app.inject({ method: 'POST', url, payload });
const verify = (applicationNumber: string, code: string) => post('/api/v1/applications/phone-verification', { applicationNumber, code });
const resend = (applicationNumber: string) => post('/api/v1/applications/phone-verification/resend', { applicationNumber });
const other = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

async function applied(code: string, overrides: Record<string, unknown> = {}) {
  const res = await submit(code, application({ nationalId: randomCpf(), ...overrides }));
  expect(res.statusCode).toBe(201);
  return res.json<{ applicationNumber: string; status: string; phoneVerification: string; phoneEnding: string }>();
}
const stored = (number: string) => openedApplication(intake.web.db, { number });
/** What a refusal of a code says, by field. */
const refusal = (res: { statusCode: number; json: <T>() => T }) => [res.statusCode, Object.keys(res.json<{ fields: object }>().fields)];

describe('where a program sends its SMS', () => {
  it.each(['+99912345678', '+447700900123', '+12025550123'])(
    'refuses %s for a Brazilian program: 400 naming phone, nothing written',
    async (phone) => {
      const program = await newProgram();
      const res = await submit(program.code, application({ nationalId: randomCpf(), phone }));
      expect(refusal(res)).toEqual([400, ['phone']]);
      expect(await intake.web.db.application.count({ where: { programId: program.id } })).toBe(0);
    },
  );

  it('says on the form, in the applicant’s language, which numbers the program takes', async () => {
    const program = await newProgram();
    const form = {
      nationalId: randomCpf(),
      fullName: 'Maria José da Silva',
      dobDay: '14',
      dobMonth: '3',
      dobYear: '1985',
      phone: '+44 7700 900123',
      municipality: 'São Paulo',
      householdSize: '2',
      dependantsUnder18: '0',
      declaredMonthlyIncome: '100',
      rail: 'BANK',
      bankCode: '237',
      accountNumber: '99998888',
      consent: 'yes',
    };
    const res = await intake.web.app.inject({
      method: 'POST',
      url: `/apply/${program.code}?lang=pt`,
      payload: new URLSearchParams(form).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('Este programa só manda mensagens para números que começam com +55');
  });
});

describe('confirming the phone with a code', () => {
  it('answers 201 saying the phone must be confirmed, and sends the code to that phone', async () => {
    const program = await newProgram();
    const ack = await applied(program.code, { phone: '+5511912340042' });
    expect(ack).toMatchObject({ status: 'RECEIVED', phoneVerification: 'required', phoneEnding: '0042' });
    const app = await stored(ack.applicationNumber);
    expect(app.phoneVerifiedAt).toBeNull();
    const [sms] = await intake.web.db.notification.findMany({ where: { applicationId: app.id } });
    expect(sms).toMatchObject({ eventKey: expect.stringMatching(/^code:/) as string });
    expect((await testPersonalData(intake.web.db)).open('notification.recipient', sms!.recipient!)).toBe('+5511912340042');
  });

  it('decides nothing until the phone is confirmed, then the application is claimed', async () => {
    const program = await newProgram();
    const ack = await applied(program.code);
    const opts = {
      db: intake.web.db,
      temporal: intake.web.temporal,
      taskQueue: intake.web.taskQueue,
      log: createLogger('test', 'error'),
      programIds: [program.id],
      batchesInFlight: 10_000,
    };
    expect(await claimDecisionBatch(opts)).toBeNull();

    const res = await verify(ack.applicationNumber, await intake.phoneCode(ack.applicationNumber));
    expect([res.statusCode, res.json()]).toEqual([200, { applicationNumber: ack.applicationNumber, phoneVerification: 'verified' }]);
    const app = await stored(ack.applicationNumber);
    expect(app.phoneVerifiedAt).not.toBeNull();
    expect(await intake.web.db.auditEvent.count({ where: { entityId: app.id, action: 'application.phone_verified' } })).toBe(1);

    const batch = await claimDecisionBatch(opts);
    expect(batch?.size).toBe(1);
    expect((await stored(ack.applicationNumber)).decisionBatchId).toBe(batch!.id);
    // Set aside: no worker serves this task queue.
    await intake.web.db.application.update({ where: { id: app.id }, data: { status: 'REJECTED', reasonCodes: ['TEST_CLEANUP'] } });
  });

  it('takes the right code twice (a double click, a retry), and no other once the phone is confirmed', async () => {
    const program = await newProgram();
    const ack = await applied(program.code);
    const code = await intake.phoneCode(ack.applicationNumber);
    const [first, second] = await Promise.all([verify(ack.applicationNumber, code), verify(ack.applicationNumber, code)]);
    expect([first.statusCode, second.statusCode]).toEqual([200, 200]);
    expect(
      await intake.web.db.auditEvent.count({
        where: { entityId: (await stored(ack.applicationNumber)).id, action: 'application.phone_verified' },
      }),
    ).toBe(1);
    expect(refusal(await verify(ack.applicationNumber, other(code)))).toEqual([400, ['code']]);
  });

  it('refuses a wrong code, naming the code, and leaves the phone unconfirmed', async () => {
    const program = await newProgram();
    const ack = await applied(program.code);
    const code = await intake.phoneCode(ack.applicationNumber);
    const res = await verify(ack.applicationNumber, other(code));
    expect(refusal(res)).toEqual([400, ['code']]);
    expect(res.json<{ fields: { code: string } }>().fields.code).toMatch(/not the code/);
    expect(res.body).not.toContain(code);
    expect((await stored(ack.applicationNumber)).phoneVerifiedAt).toBeNull();
    expect((await verify(ack.applicationNumber, code)).statusCode).toBe(200);
  });

  it('refuses an expired code', async () => {
    const program = await newProgram();
    const ack = await applied(program.code);
    const code = await intake.phoneCode(ack.applicationNumber);
    const app = await stored(ack.applicationNumber);
    await intake.web.db.oneTimeCode.updateMany({ where: { applicationId: app.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const res = await verify(ack.applicationNumber, code);
    expect(refusal(res)).toEqual([400, ['code']]);
    expect(res.json<{ fields: { code: string } }>().fields.code).toMatch(/expired/);
    expect((await stored(ack.applicationNumber)).phoneVerifiedAt).toBeNull();
  });

  it(`refuses even the right code after ${MAX_WRONG_TRIES} wrong ones, until a new code is sent`, async () => {
    const program = await newProgram();
    const ack = await applied(program.code);
    const code = await intake.phoneCode(ack.applicationNumber);
    for (let i = 0; i < MAX_WRONG_TRIES; i += 1) expect(refusal(await verify(ack.applicationNumber, other(code)))).toEqual([400, ['code']]);
    const res = await verify(ack.applicationNumber, code);
    expect(refusal(res)).toEqual([400, ['code']]);
    expect(res.json<{ fields: { code: string } }>().fields.code).toMatch(/too many/);

    expect((await resend(ack.applicationNumber)).statusCode).toBe(202);
    const fresh = await intake.phoneCode(ack.applicationNumber);
    expect((await verify(ack.applicationNumber, fresh)).statusCode).toBe(200);
  });

  it('sends at most 3 new codes an hour for a number, each replacing the last', async () => {
    const program = await newProgram();
    const ack = await applied(program.code);
    const first = await intake.phoneCode(ack.applicationNumber);
    const answers = [];
    for (let i = 0; i < 4; i += 1) answers.push((await resend(ack.applicationNumber)).statusCode);
    expect(answers).toEqual([202, 202, 202, 429]);
    const app = await stored(ack.applicationNumber);
    expect(await intake.web.db.oneTimeCode.count({ where: { applicationId: app.id, purpose: 'PHONE' } })).toBe(4);
    const latest = await intake.phoneCode(ack.applicationNumber);
    if (latest !== first) expect(refusal(await verify(ack.applicationNumber, first))).toEqual([400, ['code']]);
    expect((await verify(ack.applicationNumber, latest)).statusCode).toBe(200);
  });

  it('answers 400 naming the field to a malformed number or code, and writes nothing', async () => {
    expect(refusal(await verify('not-a-number', '123456'))).toEqual([400, ['applicationNumber']]);
    expect(refusal(await verify('BR-7K2M9QXA', '12ab56'))).toEqual([400, ['code']]);
    expect(refusal(await resend('BR-7K2M9QX'))).toEqual([400, ['applicationNumber']]);
    expect(
      refusal(await post('/api/v1/applications/phone-verification', { applicationNumber: 'BR-7K2M9QXA', code: '123456', x: 1 })),
    ).toEqual([400, ['x']]);
  });
});

describe('a number that leads nowhere', () => {
  /** The neutral answer to someone applying with a national ID that already has an application. */
  async function neutralNumber(code: string) {
    const owner = application({ nationalId: randomCpf() });
    const real = (await submit(code, owner)).json<{ applicationNumber: string }>();
    const res = await submit(code, { ...owner, fullName: 'Carlos Impostor', phone: '+5511955554444' });
    expect(res.statusCode).toBe(201);
    return {
      real: real.applicationNumber,
      neutral: res.json<{ applicationNumber: string; phoneVerification: string; phoneEnding: string }>(),
    };
  }

  /** Every answer a guesser gets for a number: MAX_WRONG_TRIES + 1 guesses, 4 new codes, a guess after. */
  async function answers(number: string) {
    const out: unknown[] = [];
    for (let i = 0; i <= MAX_WRONG_TRIES; i += 1) {
      const res = await verify(number, '000000');
      out.push([res.statusCode, res.json()]);
    }
    for (let i = 0; i < 4; i += 1) {
      const res = await resend(number);
      out.push([res.statusCode, Object.keys(res.json<object>()).sort()]);
    }
    const res = await verify(number, '000000');
    out.push([res.statusCode, res.json()]);
    return JSON.stringify(out).replaceAll(number, 'N');
  }

  it('answers the neutral repeat answer like a new applicant’s, and its code step like a real one’s', async () => {
    const program = await newProgram();
    const { real, neutral } = await neutralNumber(program.code);
    expect(neutral).toMatchObject({ phoneVerification: 'required', phoneEnding: '4444' });
    const realCode = await intake.phoneCode(real);
    // (a real code of 000000 would make the real number's answers differ: one in a million)
    if (realCode === '000000') return;
    expect(await answers(neutral.applicationNumber)).toEqual(await answers(real));
  });

  it('answers a number no one was ever given like a real one whose code has expired', async () => {
    const program = await newProgram();
    const ack = await applied(program.code);
    const app = await stored(ack.applicationNumber);
    await intake.web.db.oneTimeCode.updateMany({ where: { applicationId: app.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const [made, never] = [await verify(ack.applicationNumber, '000000'), await verify('BR-00000000', '000000')];
    expect([never.statusCode, never.body.replace('BR-00000000', 'N')]).toEqual([
      made.statusCode,
      made.body.replace(ack.applicationNumber, 'N'),
    ]);
  });
});

describe('what an unverified application holds', () => {
  const identityMessages = (applicationId: string) =>
    intake.web.db.notification.count({ where: { applicationId, eventKey: { startsWith: 'identity-attempt:' } } });

  it('warns of an identity attempt only on a verified phone', async () => {
    const program = await newProgram();
    const owner = application({ nationalId: randomCpf() });
    const ack = (await submit(program.code, owner)).json<{ applicationNumber: string }>();
    const app = await stored(ack.applicationNumber);
    expect((await submit(program.code, { ...owner, phone: '+5511955554444' })).statusCode).toBe(201);
    expect(await identityMessages(app.id)).toBe(0);
    expect(await intake.web.db.auditEvent.count({ where: { entityId: app.id, action: 'application.repeat_attempt' } })).toBe(1);

    await intake.confirmPhone(ack.applicationNumber);
    expect((await submit(program.code, { ...owner, phone: '+5511955554444' })).statusCode).toBe(201);
    expect(await identityMessages(app.id)).toBe(1);
  });

  it('keeps the national ID for an hour, then gives it to a new submission, which gets its own code', async () => {
    const program = await newProgram();
    const owner = application({ nationalId: randomCpf() });
    const first = (await submit(program.code, owner)).json<{ applicationNumber: string }>();
    const within = await submit(program.code, { ...owner, phone: '+5511955554444' });
    expect(within.json<{ applicationNumber: string }>().applicationNumber).not.toBe(first.applicationNumber);
    expect(await intake.web.db.application.count({ where: { programId: program.id } })).toBe(1);

    const old = await stored(first.applicationNumber);
    await intake.web.db.application.update({ where: { id: old.id }, data: { createdAt: new Date(Date.now() - 61 * 60_000) } });
    const after = await submit(program.code, { ...owner, phone: '+5511955554444' });
    expect(after.statusCode).toBe(201);
    const taken = after.json<{ applicationNumber: string }>().applicationNumber;
    expect(await stored(taken)).toMatchObject({ phone: '+5511955554444', status: 'RECEIVED', phoneVerifiedAt: null });
    expect((await verify(taken, await intake.phoneCode(taken))).statusCode).toBe(200);
    // The lapsed one can no longer be confirmed or decided.
    expect(await stored(first.applicationNumber)).toMatchObject({ status: 'REJECTED', reasonCodes: ['PHONE_NOT_VERIFIED'] });
    expect((await verify(first.applicationNumber, '000000')).statusCode).toBe(400);
    expect(await intake.web.db.auditEvent.count({ where: { entityId: old.id, action: 'application.lapsed' } })).toBe(1);
  });

  it('never gives away a verified application’s national ID, however old', async () => {
    const program = await newProgram();
    const owner = application({ nationalId: randomCpf() });
    const first = (await submit(program.code, owner)).json<{ applicationNumber: string }>();
    await intake.confirmPhone(first.applicationNumber);
    const old = await stored(first.applicationNumber);
    await intake.web.db.application.update({ where: { id: old.id }, data: { createdAt: new Date(Date.now() - 48 * 3600_000) } });
    const again = await submit(program.code, { ...owner, phone: '+5511955554444' });
    expect(again.statusCode).toBe(201);
    expect(await intake.web.db.application.count({ where: { programId: program.id } })).toBe(1);
    expect((await stored(first.applicationNumber)).phone).toBe(old.phone);
  });
});

describe('the form’s code step (no JavaScript)', () => {
  const form = (payload: Record<string, string>, url: string) =>
    intake.web.app.inject({
      method: 'POST',
      url,
      payload: new URLSearchParams(payload).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });

  it('asks for the code on the confirmation page, refuses a wrong one in words, and confirms the right one', async () => {
    const program = await newProgram();
    const ack = await applied(program.code);
    const done = await intake.web.app.inject({ method: 'GET', url: `/apply/${program.code}/done?n=${ack.applicationNumber}&lang=es` });
    expect(done.body).toContain(`action="/apply/${program.code}/confirm?lang=es"`);
    expect(done.body).toContain(`name="number" value="${ack.applicationNumber}"`);
    const code = await intake.phoneCode(ack.applicationNumber);

    const wrong = await form({ number: ack.applicationNumber, code: other(code) }, `/apply/${program.code}/confirm?lang=es`);
    expect(wrong.statusCode).toBe(400);
    expect(wrong.body).toContain('El código no es correcto.');
    expect(wrong.body).toContain('aria-invalid="true"');

    const right = await form({ number: ack.applicationNumber, code }, `/apply/${program.code}/confirm?lang=es`);
    expect(right.statusCode).toBe(303);
    expect(right.headers.location).toBe(`/apply/${program.code}/done?n=${ack.applicationNumber}&v=1&lang=es`);
    expect((await stored(ack.applicationNumber)).phoneVerifiedAt).not.toBeNull();
    const confirmed = await intake.web.app.inject({ method: 'GET', url: String(right.headers.location) });
    expect(confirmed.body).not.toContain('/confirm');
  });

  it('leads back to the code step from the status page (and says so in the status API) while the phone is not confirmed', async () => {
    const program = await newProgram();
    const ack = await applied(program.code);
    const look = () =>
      form({ number: ack.applicationNumber, dobDay: '14', dobMonth: '3', dobYear: '1985' }, '/status?lang=es').then((r) => r.body);
    const link = `/apply/${program.code}/done?n=${ack.applicationNumber}&amp;lang=es`;
    expect(await look()).toContain(`<a href="${link}">Confirmar mi celular</a>`);
    const api = () =>
      post('/api/v1/applications/status', { applicationNumber: ack.applicationNumber, dateOfBirth: '1985-03-14' }).then((r) =>
        r.json<{ phoneVerification: string }>(),
      );
    expect(await api()).toMatchObject({ phoneVerification: 'required' });
    await intake.confirmPhone(ack.applicationNumber);
    expect(await look()).not.toContain('Confirmar mi celular');
    expect(await api()).toMatchObject({ phoneVerification: 'verified' });
  });

  it('sends a new code from the page', async () => {
    const program = await newProgram();
    const ack = await applied(program.code);
    const app = await stored(ack.applicationNumber);
    const res = await form({ number: ack.applicationNumber, resend: '1' }, `/apply/${program.code}/confirm?lang=en`);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('We sent a new code');
    expect(await intake.web.db.oneTimeCode.count({ where: { applicationId: app.id, purpose: 'PHONE' } })).toBe(2);
  });
});

// One-time codes by SMS (web/services/one-time-codes.ts): right once, wrong a few times at most, dead after
// ten minutes or when a newer one is sent, kept only as a hash; and the appeal page sends a few an hour.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../lib/config';
import { checkCode, MAX_WRONG_TRIES, sendCode } from '../web/services/one-time-codes';
import { application, randomCpf } from './support/application';
import { useIntakeWeb } from './support/intake-web';
import { openedApplication, smsText, testPersonalData } from './support/personal-data';

const intake = useIntakeWeb();
/** The services' context. */
const ctx = () => ({ db: intake.web.db, queues: intake.web.queues, config: loadConfig() });

async function newApplication() {
  const program = await intake.newProgram();
  const res = await intake.web.app.inject({
    method: 'POST',
    url: `/api/v1/programs/${program.code}/applications`,
    payload: application({ nationalId: randomCpf() }),
  });
  return openedApplication(intake.web.db, { number: res.json<{ applicationNumber: string }>().applicationNumber });
}

/** The code in the latest SMS: what the applicant reads. */
async function smsCode(applicationId: string): Promise<string> {
  const sms = await intake.web.db.notification.findFirstOrThrow({
    where: { applicationId, eventKey: { startsWith: 'code:' } },
    orderBy: { createdAt: 'desc' },
  });
  return /\b(\d{6})\b/.exec(await smsText(intake.web.db, sms))![1]!;
}
const other = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

describe('one-time codes', () => {
  it('sends six digits by SMS to the application’s phone, keeps only a hash, and takes the right one once', async () => {
    const app = await newApplication();
    expect(await sendCode(ctx(), app.id, 'APPEAL')).toBe(app.phone.slice(-4));
    const code = await smsCode(app.id);
    const [stored] = await intake.web.db.oneTimeCode.findMany({ where: { applicationId: app.id, purpose: 'APPEAL' } });
    expect(stored!.codeHash).not.toContain(code);
    const sms = await intake.web.db.notification.findMany({ where: { applicationId: app.id } });
    const pd = await testPersonalData(intake.web.db);
    expect(sms.map((n) => pd.open('notification.recipient', n.recipient!))).toEqual([app.phone, app.phone]); // the phone's code at intake, then the appeal's
    expect(await checkCode(ctx(), app.id, 'APPEAL', code)).toBe('ok');
    expect(await checkCode(ctx(), app.id, 'APPEAL', code)).toBe('expired');
  });

  it(`refuses the right code after ${MAX_WRONG_TRIES} wrong ones, even when tried at once`, async () => {
    const app = await newApplication();
    await sendCode(ctx(), app.id, 'APPEAL');
    const code = await smsCode(app.id);
    const guesses = await Promise.all(Array.from({ length: MAX_WRONG_TRIES + 3 }, () => checkCode(ctx(), app.id, 'APPEAL', other(code))));
    expect(guesses.filter((g) => g === 'wrong')).toHaveLength(MAX_WRONG_TRIES);
    expect(guesses.filter((g) => g === 'too_many')).toHaveLength(3);
    expect(await checkCode(ctx(), app.id, 'APPEAL', code)).toBe('too_many');
  });

  it('refuses an expired code, and an older one once a newer was sent', async () => {
    const app = await newApplication();
    await sendCode(ctx(), app.id, 'APPEAL');
    const first = await smsCode(app.id);
    await intake.web.db.oneTimeCode.updateMany({ where: { applicationId: app.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect(await checkCode(ctx(), app.id, 'APPEAL', first)).toBe('expired');

    await sendCode(ctx(), app.id, 'APPEAL');
    const second = await smsCode(app.id);
    if (second !== first) expect(await checkCode(ctx(), app.id, 'APPEAL', first)).toBe('wrong');
    expect(await checkCode(ctx(), app.id, 'APPEAL', second)).toBe('ok');
  });

  it('sends at most 3 appeal codes an hour for an application number', async () => {
    const app = await newApplication();
    await intake.web.db.application.update({
      where: { id: app.id },
      data: {
        status: 'REJECTED',
        reasonCodes: ['NOT_IN_REGISTRY'],
        decidedAt: new Date(),
        appealDeadline: new Date(Date.now() + 86_400_000),
      },
    });
    const ask = () =>
      intake.web.app.inject({
        method: 'POST',
        url: '/status/appeal',
        payload: new URLSearchParams({
          number: app.number,
          dateOfBirth: app.dateOfBirth,
          statement: '',
        }).toString(),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
    const answers = [];
    for (let i = 0; i < 4; i += 1) answers.push((await ask()).statusCode);
    expect(answers).toEqual([200, 200, 200, 429]);
    expect(await intake.web.db.oneTimeCode.count({ where: { applicationId: app.id, purpose: 'APPEAL' } })).toBe(3);
  });
});

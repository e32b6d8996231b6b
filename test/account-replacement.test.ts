// Another account for one its rail did not confirm, over HTTP: the JSON API and the status page's two steps
// (the account, then the code sent by SMS), proven like an appeal (number, birth date, code). The account is
// replaced only while its account review is open; bad input is a 400 naming the field and changes nothing.
// (The review that then asks the rail and enrols is tested in application-decisions.test.ts.)
import { describe, expect, it } from 'vitest';
import { application, randomCpf, VALID_APPLICATION } from './support/application';
import { useIntakeWeb } from './support/intake-web';
import { openedApplication, smsText } from './support/personal-data';

const intake = useIntakeWeb();
const DOB = VALID_APPLICATION.dateOfBirth;
const WALLET = { rail: 'WALLET', msisdn: '+5511912345678' };

/** An application whose account its rail did not confirm: waiting, with an open account review. */
async function waitingForAccount() {
  const program = await intake.newProgram();
  const res = await intake.submit(program.code, application({ nationalId: randomCpf() }));
  const { applicationNumber } = res.json<{ applicationNumber: string }>();
  const app = await intake.web.db.application.update({
    where: { number: applicationNumber },
    data: { status: 'NEEDS_REVIEW', reasonCodes: ['ACCOUNT_CLOSED'], reviewTasks: { create: { kind: 'ACCOUNT' } } },
  });
  await intake.web.db.paymentAccount.update({
    where: { applicationId: app.id },
    data: { checkOutcome: 'NOT_OPEN', checkedAt: new Date() },
  });
  return openedApplication(intake.web.db, { id: app.id });
}
const post = (url: string, payload: object) => intake.web.app.inject({ method: 'POST', url, payload });
const latestCode = async (applicationId: string) => {
  const sms = await intake.web.db.notification.findFirstOrThrow({
    where: { applicationId, eventKey: { startsWith: 'code:' } },
    orderBy: { createdAt: 'desc' },
  });
  return /\b(\d{6})\b/.exec(await smsText(intake.web.db, sms))![1]!;
};

describe('another account, JSON API', () => {
  it('sends a code, refuses a wrong one, and takes the account with the right one: unchecked, audited', async () => {
    const app = await waitingForAccount();
    const asked = await post('/api/v1/applications/account-code', { applicationNumber: app.number, dateOfBirth: DOB });
    expect(asked.statusCode).toBe(202);
    expect(asked.json()).toEqual({ applicationNumber: app.number, phoneEnding: app.phone.slice(-4) });
    const code = await latestCode(app.id);
    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
    const refused = await post('/api/v1/applications/account', {
      applicationNumber: app.number,
      dateOfBirth: DOB,
      code: wrong,
      payment: WALLET,
    });
    expect([refused.statusCode, Object.keys(refused.json<{ fields: object }>().fields)]).toEqual([400, ['code']]);
    const given = await post('/api/v1/applications/account', { applicationNumber: app.number, dateOfBirth: DOB, code, payment: WALLET });
    expect(given.statusCode).toBe(202);
    expect(given.json()).toEqual({ applicationNumber: app.number, account: 'checking' });
    const { paymentAccount: account } = await openedApplication(intake.web.db, { id: app.id });
    expect(account).toMatchObject({ rail: 'WALLET', msisdn: WALLET.msisdn, bankCode: null, accountNumber: null, checkOutcome: null });
    const audit = await intake.web.db.auditEvent.findFirstOrThrow({ where: { entityId: app.id, action: 'application.account_given' } });
    expect(JSON.stringify(audit.details)).not.toContain(WALLET.msisdn);
  });

  it('answers 404 for a wrong birth date, 409 when no account is awaited, 400 naming the field for a bad account', async () => {
    const app = await waitingForAccount();
    const wrongDob = await post('/api/v1/applications/account-code', { applicationNumber: app.number, dateOfBirth: '1990-01-01' });
    expect(wrongDob.statusCode).toBe(404);
    const bad = await post('/api/v1/applications/account', {
      applicationNumber: app.number,
      dateOfBirth: DOB,
      code: '123456',
      payment: { rail: 'BANK', bankCode: '1', accountNumber: '12' },
    });
    expect([bad.statusCode, Object.keys(bad.json<{ fields: object }>().fields).sort()]).toEqual([
      400,
      ['payment.accountNumber', 'payment.bankCode'],
    ]);
    await intake.web.db.reviewTask.updateMany({ where: { applicationId: app.id }, data: { status: 'DECIDED', decision: 'REJECT' } });
    const notWaiting = await post('/api/v1/applications/account-code', { applicationNumber: app.number, dateOfBirth: DOB });
    expect([notWaiting.statusCode, notWaiting.json<{ error: string }>().error]).toEqual([409, 'account_not_waiting']);
    expect(await intake.web.db.oneTimeCode.count({ where: { applicationId: app.id, purpose: 'ACCOUNT' } })).toBe(0);
  });
});

describe('another account, status page (no JavaScript)', () => {
  const form = (fields: Record<string, string>) =>
    intake.web.app.inject({
      method: 'POST',
      url: '/status/account?lang=pt',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams(fields).toString(),
    });

  it('offers the form on the status page, says what is wrong with an account, then takes it with the code', async () => {
    const app = await waitingForAccount();
    const status = await intake.web.app.inject({
      method: 'POST',
      url: '/status?lang=pt',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({
        number: app.number,
        dobDay: DOB.slice(8),
        dobMonth: DOB.slice(5, 7),
        dobYear: DOB.slice(0, 4),
      }).toString(),
    });
    expect(status.body).toContain('action="/status/account?lang=pt"');
    expect(status.body).toContain('Informar outra conta');
    const base = { number: app.number, dateOfBirth: DOB };
    const bad = await form({ ...base, rail: 'BANK', bankCode: '1', accountNumber: '' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('aria-invalid="true"');
    const step2 = await form({ ...base, rail: 'WALLET', msisdn: '11 91234-5678' });
    expect(step2.statusCode).toBe(200);
    expect(step2.body).toContain(app.phone.slice(-4));
    const done = await form({ ...base, rail: 'WALLET', msisdn: '11 91234-5678', code: await latestCode(app.id) });
    expect(done.statusCode).toBe(200);
    expect(done.body).toContain('Recebemos a nova conta');
    expect((await openedApplication(intake.web.db, { id: app.id })).paymentAccount?.msisdn).toBe('+5511912345678');
  });
});

// Applying with someone else's national ID (leaked IDs are cheap) must reveal nothing of their application:
// the answer is the one a new applicant gets, nothing of theirs changes, and they are told by SMS on the
// phone of their application (once it is confirmed: test/phone-verification.test.ts holds the rest). An
// Idempotency-Key replays the original answer only to the same body.
import { describe, expect, it } from 'vitest';
import { application, randomCpf } from './support/application';
import { uid } from './support/util';
import { useIntakeWeb } from './support/intake-web';
import { openedApplication, smsText, testPersonalData } from './support/personal-data';

const intake = useIntakeWeb();
const { newProgram, submit } = intake;

/** Someone else's details around the victim's national ID. */
const impostor = (nationalId: string) =>
  application({
    nationalId,
    fullName: 'Carlos Impostor',
    dateOfBirth: '1990-01-01',
    phone: '+5511955554444',
    payment: { rail: 'BANK', bankCode: '237', accountNumber: '99998888' },
  });

async function ownerApplication(code: string) {
  const owner = application({ nationalId: randomCpf() });
  const res = await submit(code, owner);
  expect(res.statusCode).toBe(201);
  const { applicationNumber } = res.json<{ applicationNumber: string }>();
  await intake.confirmPhone(applicationNumber);
  const stored = await openedApplication(intake.web.db, { number: applicationNumber });
  return { owner, number: applicationNumber, stored };
}

const identityMessages = (applicationId: string) =>
  intake.web.db.notification.findMany({ where: { applicationId, eventKey: { startsWith: 'identity-attempt:' } } });

describe('applying with a national ID that already has an application', () => {
  it('answers as to a new applicant, reveals no number or status, changes nothing, and texts the owner once a day', async () => {
    const program = await newProgram();
    const { owner, number, stored } = await ownerApplication(program.code);
    const newcomer = (await submit(program.code, application({ nationalId: randomCpf() }))).json<object>();

    const res = await submit(program.code, impostor(owner.nationalId as string));
    expect(res.statusCode).toBe(201);
    const answer = res.json<{ applicationNumber: string; status: string }>();
    expect(Object.keys(answer).sort()).toEqual(Object.keys(newcomer).sort());
    expect(answer).toMatchObject({ status: 'RECEIVED', phoneVerification: 'required', phoneEnding: '4444' });
    expect(answer.applicationNumber).toMatch(/^BR-[0-9A-HJKMNP-TV-Z]{8}$/);
    expect(answer.applicationNumber).not.toBe(number);
    expect(res.body).not.toContain(number);
    // The number given leads nowhere: it is not the owner's, and no application has it.
    for (const dateOfBirth of ['1990-01-01', stored.dateOfBirth]) {
      const lookup = await intake.web.app.inject({
        method: 'POST',
        url: '/api/v1/applications/status',
        payload: { applicationNumber: answer.applicationNumber, dateOfBirth },
      });
      expect(lookup.statusCode).toBe(404);
    }

    expect(await intake.web.db.application.count({ where: { programId: program.id } })).toBe(2);
    const after = await openedApplication(intake.web.db, { id: stored.id });
    expect(after).toMatchObject({ fullName: stored.fullName, phone: stored.phone, status: 'RECEIVED' });
    expect(after.paymentAccount).toMatchObject({
      bankCode: stored.paymentAccount!.bankCode,
      accountNumber: stored.paymentAccount!.accountNumber,
    });

    const [sms, ...more] = await identityMessages(stored.id);
    expect(more).toHaveLength(0);
    expect(sms).toMatchObject({ status: 'QUEUED' });
    expect((await testPersonalData(intake.web.db)).open('notification.recipient', sms!.recipient!)).toBe(stored.phone);
    expect(await smsText(intake.web.db, sms!)).toContain(number);
    expect(await smsText(intake.web.db, sms!)).not.toContain('Impostor');
    expect((await intake.web.queues.notifications.getJobs()).some((j) => j.data.notificationIds.includes(sms!.id))).toBe(true);
    const audit = await intake.web.db.auditEvent.findMany({ where: { entityId: stored.id, action: 'application.repeat_attempt' } });
    expect(audit).toHaveLength(1);
    expect(JSON.stringify(audit[0]!.details)).not.toContain('Impostor');

    // Again the same day: the same kind of answer, and no second SMS to the owner.
    const again = await submit(program.code, impostor(owner.nationalId as string));
    expect(again.statusCode).toBe(201);
    expect(again.json<{ applicationNumber: string }>().applicationNumber).not.toBe(number);
    expect(await identityMessages(stored.id)).toHaveLength(1);
  });

  it('answers ten simultaneous submissions of one ID alike, and stores one application', async () => {
    const program = await newProgram();
    const body = application({ nationalId: randomCpf() });
    const responses = await Promise.all(Array.from({ length: 10 }, () => submit(program.code, body)));
    expect(responses.map((r) => r.statusCode)).toEqual(Array(10).fill(201));
    expect(await intake.web.db.application.count({ where: { programId: program.id } })).toBe(1);
  });

  it('gives the web form the same page as a new applicant, without the owner’s number', async () => {
    const program = await newProgram();
    const { owner, number } = await ownerApplication(program.code);
    const form = {
      nationalId: owner.nationalId as string,
      fullName: 'Carlos Impostor',
      dobDay: '1',
      dobMonth: '1',
      dobYear: '1990',
      phone: '11 95555-4444',
      municipality: 'São Paulo',
      householdSize: '2',
      dependantsUnder18: '0',
      declaredMonthlyIncome: '100',
      rail: 'BANK',
      bankCode: '237',
      accountNumber: '99998888',
      msisdn: '',
      consent: 'yes',
    };
    const res = await intake.web.app.inject({
      method: 'POST',
      url: `/apply/${program.code}`,
      payload: new URLSearchParams(form).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(res.statusCode).toBe(303);
    const location = String(res.headers.location);
    expect(location).not.toContain(number);
    expect(location).not.toContain('e=1');
    const done = await intake.web.app.inject({ method: 'GET', url: location });
    expect(done.statusCode).toBe(200);
    expect(done.body).not.toContain(number);
  });
});

describe('Idempotency-Key', () => {
  it('replays the original answer to the same key with the same body', async () => {
    const program = await newProgram();
    const key = uid('key');
    const body = application({ nationalId: randomCpf() });
    const first = await submit(program.code, body, { 'idempotency-key': key });
    const replay = await submit(program.code, body, { 'idempotency-key': key });
    expect(replay.statusCode).toBe(200);
    expect(replay.json()).toEqual(first.json());
  });

  it("answers 409 to the same key with another body, someone else's key included, and writes nothing", async () => {
    const program = await newProgram();
    const key = uid('key');
    const owner = application({ nationalId: randomCpf() });
    const first = (await submit(program.code, owner, { 'idempotency-key': key })).json<{ applicationNumber: string }>();
    // Audit entries of the program's applications (other test files write theirs at the same time).
    const audited = async () => {
      const apps = await intake.web.db.application.findMany({ where: { programId: program.id }, select: { id: true } });
      return intake.web.db.auditEvent.count({ where: { entityId: { in: apps.map((a) => a.id) } } });
    };
    const before = await audited();

    for (const other of [impostor(owner.nationalId as string), application({ nationalId: randomCpf() })]) {
      const res = await submit(program.code, other, { 'idempotency-key': key });
      expect(res.statusCode).toBe(409);
      expect(res.json()).toMatchObject({ fields: { 'Idempotency-Key': expect.any(String) as string } });
      expect(res.body).not.toContain(first.applicationNumber);
    }
    expect(await intake.web.db.application.count({ where: { programId: program.id } })).toBe(1);
    expect(await audited()).toBe(before);
  });
});

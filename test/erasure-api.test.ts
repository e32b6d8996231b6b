// An administrator erases a person's data on request (POST /api/v1/applications/<id>/erasure {reason}): the
// reason is a code, the erasure is audited with who and why, and it is refused while the application is
// being decided, while its household is enrolled, or while money may still move to it.
import { randomInt, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../lib/users';
import type { Db } from '../lib/db';
import { createProgram, enrollBeneficiaries, paymentTo } from './support/fixtures';
import { testPersonalData } from './support/personal-data';
import { uid } from './support/util';
import { signInUsers, startTestWeb, type TestWeb } from './support/web';

let web: TestWeb;
let users: Awaited<ReturnType<typeof signInUsers>>;
let reviewer: { authorization: string };
beforeAll(async () => {
  web = await startTestWeb();
  users = await signInUsers(web.db);
  reviewer = { authorization: `Bearer ${(await createUser(web.db, uid('reviewer'), 'REVIEWER')).token}` };
});
afterAll(async () => {
  await web?.close();
});

const erase = (id: string, headers: Record<string, string>, payload: object = { reason: 'DATA_SUBJECT_REQUEST' }) =>
  web.app.inject({ method: 'POST', url: `/api/v1/applications/${id}/erasure`, headers, payload });

/** An application written straight to the database, its personal fields sealed, decided a day ago. */
async function storedApplication(db: Db, status: 'REJECTED' | 'NEEDS_REVIEW') {
  const program = await createProgram(db);
  const pd = await testPersonalData(db);
  return db.application.create({
    data: {
      programId: program.id,
      number: `BR-${randomInt(10 ** 7, 10 ** 8 - 1)}E`,
      nationalIdHash: uid('h'),
      nationalId: pd.seal('application.national_id', '52998224725'),
      fullName: pd.seal('application.full_name', 'Maria José da Silva'),
      dateOfBirth: pd.seal('application.date_of_birth', '1985-03-14'),
      phone: pd.seal('application.phone', '+5511987654321'),
      phoneHash: uid('p'),
      phoneVerifiedAt: new Date(),
      municipality: 'São Paulo',
      householdSize: 4,
      dependantsUnder18: 2,
      declaredMonthlyIncome: '850.00',
      status,
      reasonCodes: status === 'REJECTED' ? ['INCOME_ABOVE_THRESHOLD'] : [],
      decidedAt: status === 'REJECTED' ? new Date(Date.now() - 86_400_000) : null,
      // Still within its appeal window: a request does not wait for retention.
      appealDeadline: status === 'REJECTED' ? new Date(Date.now() + 29 * 86_400_000) : null,
      paymentAccount: {
        create: {
          rail: 'BANK',
          bankCode: '001',
          accountNumber: pd.seal('payment_account.account_number', '12345678'),
          accountKey: uid('k'),
        },
      },
    },
    include: { paymentAccount: true },
  });
}

/** A household of its own program, enrolled (or removed a day ago), optionally with one payment in `payment`. */
async function household(db: Db, opts: { removed: boolean; payment?: 'HELD' | 'PAID' }) {
  const program = await createProgram(db);
  const [beneficiaryId] = await enrollBeneficiaries(db, program.id, 1);
  const b = await db.beneficiary.update({
    where: { id: beneficiaryId! },
    data: opts.removed ? { status: 'REMOVED', leftAt: new Date(Date.now() - 86_400_000) } : {},
  });
  if (opts.payment) await paymentTo(db, program.id, b, opts.payment);

  return b;
}

describe('POST /api/v1/applications/{id}/erasure', () => {
  it('erases an application’s personal data for an administrator, with a reason code, audited once', async () => {
    const app = await storedApplication(web.db, 'REJECTED');
    const res = await erase(app.id, users.admin.headers, { reason: 'COURT_ORDER' });
    expect(res.statusCode).toBe(200);
    const body = res.json<{ applicationId: string; erasedAt: string; alreadyErased: boolean }>();
    expect(body).toMatchObject({ applicationId: app.id, alreadyErased: false });
    const stored = await web.db.application.findUniqueOrThrow({ where: { id: app.id }, include: { paymentAccount: true } });
    expect(stored).toMatchObject({ nationalId: null, fullName: null, dateOfBirth: null, phone: null, registryFacts: null });
    expect(stored.paymentAccount).toMatchObject({ accountNumber: null, accountKey: app.paymentAccount!.accountKey });
    expect(stored.erasedAt!.toISOString()).toBe(body.erasedAt);
    expect(stored.nationalIdHash).toBe(app.nationalIdHash);

    // Asked again: the same answer, nothing changed, no second audit row.
    const again = await erase(app.id, users.admin2.headers, { reason: 'DATA_SUBJECT_REQUEST' });
    expect([again.statusCode, again.json()]).toEqual([200, { ...body, alreadyErased: true }]);
    const audits = await web.db.auditEvent.findMany({ where: { entityId: app.id, action: 'application.personal_data_erased' } });
    expect(audits.map((a) => [a.actor, a.details])).toEqual([[users.admin.id, { reason: 'REQUEST', request: 'COURT_ORDER' }]]);
  });

  it('erases a household that left the program once no money may move to it', async () => {
    const b = await household(web.db, { removed: true, payment: 'PAID' });
    const res = await erase(b.applicationId, users.admin.headers, { reason: 'DECEASED' });
    expect(res.statusCode).toBe(200);
    expect((await web.db.application.findUniqueOrThrow({ where: { id: b.applicationId } })).fullName).toBeNull();
  });

  it('is an administrator’s alone', async () => {
    const app = await storedApplication(web.db, 'REJECTED');
    expect((await erase(app.id, {})).statusCode).toBe(401);
    expect((await erase(app.id, { authorization: 'Bearer not-a-token' })).statusCode).toBe(401);
    for (const headers of [reviewer, users.finance.headers, users.approver.headers]) {
      const res = await erase(app.id, headers);
      expect([res.statusCode, res.json<{ error: string }>().error]).toEqual([403, 'role_not_allowed']);
    }
    expect((await web.db.application.findUniqueOrThrow({ where: { id: app.id } })).erasedAt).toBeNull();
  });

  it('takes a reason from its list only, and names the field otherwise', async () => {
    const app = await storedApplication(web.db, 'REJECTED');
    for (const payload of [{}, { reason: 'because' }, { reason: 'DATA_SUBJECT_REQUEST', note: 'Maria asked' }]) {
      const res = await erase(app.id, users.admin.headers, payload);
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(Object.keys(res.json<{ fields: object }>().fields).length).toBe(1);
    }
    const bad = await erase(app.id, users.admin.headers, { reason: 'because' });
    expect(bad.json<{ fields: Record<string, string> }>().fields.reason).toContain('DATA_SUBJECT_REQUEST');
    expect((await web.db.application.findUniqueOrThrow({ where: { id: app.id } })).erasedAt).toBeNull();
  });

  it('answers 404 for an application that does not exist', async () => {
    const res = await erase(randomUUID(), users.admin.headers);
    expect([res.statusCode, res.json<{ error: string }>().error]).toEqual([404, 'application_not_found']);
  });

  it('refuses, saying why, while the household is enrolled, money may move to it, or it is being decided', async () => {
    const cases = [
      { id: (await household(web.db, { removed: false })).applicationId, error: 'erasure_household_enrolled' },
      { id: (await household(web.db, { removed: true, payment: 'HELD' })).applicationId, error: 'erasure_money_in_flight' },
      { id: (await storedApplication(web.db, 'NEEDS_REVIEW')).id, error: 'erasure_being_decided' },
    ];
    for (const { id, error } of cases) {
      const res = await erase(id, users.admin.headers);
      const body = res.json<{ error: string; message: string }>();
      expect([res.statusCode, body.error]).toEqual([409, error]);
      expect(body.message.length).toBeGreaterThan(40);
      const stored = await web.db.application.findUniqueOrThrow({ where: { id } });
      expect([stored.erasedAt, stored.fullName === null]).toEqual([null, false]);
      expect(await web.db.auditEvent.count({ where: { entityId: id, action: 'application.personal_data_erased' } })).toBe(0);
    }
  });
});

// Retention on the real database (issue 14, part 5): a rejected application past its program's retention is
// erased (every sealed column of it and of its rows null, erased_at set) and keeps what audit, reconciliation
// and deduplication need; its national ID hash still refuses a duplicate; its audit rows remain, with one
// more for the erasure. One within its retention, an enrolled household, or one money may still move to, is
// not erased; erasing again changes nothing.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { eraseExpired, RETENTION_ACTOR } from '../lib/erasure';
import { SEALED_FIELDS } from '../lib/personal-data';
import type { Db } from '../lib/db';
import { application, randomCpf } from './support/application';
import { createProgram, enrollBeneficiaries, paymentTo } from './support/fixtures';
import { useIntakeWeb } from './support/intake-web';
import { testPersonalData } from './support/personal-data';
import { uid } from './support/util';

const intake = useIntakeWeb();
const DAY = 24 * 3600_000;
const daysAgo = (days: number) => new Date(Date.now() - days * DAY);

/** Every sealed column of an application and of its rows, by table.column (one value per row). */
async function sealedValues(db: Db, applicationId: string): Promise<Record<string, unknown[]>> {
  const values: Record<string, unknown[]> = {};
  for (const field of SEALED_FIELDS) {
    const [table, column] = field.split('.') as [string, string];
    const key = table === 'application' ? 'id' : 'application_id';
    const rows = await db.$queryRawUnsafe<Array<{ v: unknown }>>(
      `SELECT "${column}" AS v FROM "${table}" WHERE "${key}" = $1::uuid`,
      applicationId,
    );
    values[field] = rows.map((r) => r.v);
  }
  return values;
}

/** Runs the daily erasure to its end, as the workflow does: batches until one is not full. */
async function eraseAllDue(db: Db): Promise<void> {
  while ((await eraseExpired(db, { limit: 500 })) === 500);
}

const erasureAudits = (db: Db, applicationId: string) =>
  db.auditEvent.findMany({ where: { entityId: applicationId, action: 'application.personal_data_erased' } });

/**
 * An application made through the intake API, its phone confirmed, then rejected with its appeal window
 * closed `daysSinceDeadline` ago, with a decided appeal, a lifted identity dispute and registry facts: a row
 * in every table that holds a sealed field.
 */
async function rejectedApplication(daysSinceDeadline: number) {
  const { db } = intake.web;
  const program = await intake.newProgram();
  const nationalId = randomCpf();
  const res = await intake.submit(program.code, application({ nationalId }));
  expect(res.statusCode).toBe(201);
  const { applicationNumber } = res.json<{ applicationNumber: string }>();
  await intake.confirmPhone(applicationNumber);
  const pd = await testPersonalData(db);
  const app = await db.application.update({
    where: { number: applicationNumber },
    data: {
      status: 'REJECTED',
      reasonCodes: ['INCOME_ABOVE_THRESHOLD'],
      registryFacts: pd.sealJson('application.registry_facts', { householdId: 'HH-1', members: 4 }),
      householdId: uid('HH'),
      municipalityCode: '3550308',
      decidedAt: daysAgo(daysSinceDeadline + 30),
      appealDeadline: daysAgo(daysSinceDeadline),
    },
  });
  await db.reviewTask.create({
    data: {
      applicationId: app.id,
      kind: 'APPEAL',
      status: 'DECIDED',
      decision: 'REJECT',
      statement: pd.seal('review_task.statement', 'My income fell last month.'),
      comment: pd.seal('review_task.comment', 'Income confirmed by the registry.'),
      decidedAt: daysAgo(daysSinceDeadline + 1),
    },
  });
  await db.identityDispute.create({
    data: {
      applicationId: app.id,
      reason: pd.seal('identity_dispute.reason', 'The real CPF holder called the program.'),
      status: 'LIFTED',
      openedBy: randomUUID(),
      closedBy: randomUUID(),
      closedAt: daysAgo(daysSinceDeadline + 2),
    },
  });
  await db.auditEvent.create({
    data: { actor: 'system:application-review', action: 'application.rejected', entityType: 'application', entityId: app.id },
  });
  return { program, app, nationalId };
}

/** Households enrolled straight in the database; `left` days ago they left the program (null: still enrolled). */
async function households(db: Db, left: Array<number | null>) {
  const program = await createProgram(db);
  const ids = await enrollBeneficiaries(db, program.id, left.length);
  for (const [i, days] of left.entries())
    if (days !== null) await db.beneficiary.update({ where: { id: ids[i]! }, data: { status: 'REMOVED', leftAt: daysAgo(days) } });
  const rows = await db.beneficiary.findMany({ where: { id: { in: ids } }, orderBy: { idLastDigit: 'asc' } });
  return { program, beneficiaries: rows };
}

describe('retention of a rejected application', () => {
  it('erases one past its retention, keeps what audit and deduplication need, and still refuses its national ID', async () => {
    const { db } = intake.web;
    const { program, app, nationalId } = await rejectedApplication(91);
    const before = await sealedValues(db, app.id);
    // Every sealed field has a value to erase, so the test sees each one go (but a bank account's wallet number).
    for (const field of SEALED_FIELDS)
      expect(
        before[field]!.some((v) => v !== null),
        field,
      ).toBe(field !== 'payment_account.msisdn');
    const auditsBefore = await db.auditEvent.findMany({ where: { entityId: app.id }, orderBy: { id: 'asc' } });
    const account = await db.paymentAccount.findUniqueOrThrow({ where: { applicationId: app.id } });

    await eraseAllDue(db);

    const after = await sealedValues(db, app.id);
    for (const field of SEALED_FIELDS) expect(after[field]!.length, field).toBe(before[field]!.length);
    for (const field of SEALED_FIELDS)
      expect(
        after[field]!.every((v) => v === null),
        field,
      ).toBe(true);
    const erased = await db.application.findUniqueOrThrow({ where: { id: app.id } });
    expect(erased.erasedAt).toBeInstanceOf(Date);
    // What audit, reconciliation and deduplication use is kept.
    expect(erased).toMatchObject({
      number: app.number,
      status: 'REJECTED',
      reasonCodes: ['INCOME_ABOVE_THRESHOLD'],
      nationalIdHash: app.nationalIdHash,
      phoneHash: app.phoneHash,
      birthDateHash: app.birthDateHash,
      householdId: app.householdId,
      municipalityCode: '3550308',
      appealDeadline: app.appealDeadline,
    });
    expect(await db.paymentAccount.findUniqueOrThrow({ where: { applicationId: app.id } })).toMatchObject({
      accountKey: account.accountKey,
      rail: account.rail,
      bankCode: account.bankCode,
      accountNumber: null,
      msisdn: null,
    });

    // The audit trail keeps every row, and says once that the data was erased, by whom and under which rule.
    const auditsAfter = await db.auditEvent.findMany({ where: { entityId: app.id }, orderBy: { id: 'asc' } });
    expect(auditsAfter.slice(0, auditsBefore.length)).toEqual(auditsBefore);
    expect(auditsAfter.slice(auditsBefore.length).map((a) => [a.actor, a.action, a.details])).toEqual([
      [RETENTION_ACTOR, 'application.personal_data_erased', { reason: 'RETENTION', rule: 'REJECTED' }],
    ]);

    // Its hash still holds the national ID: the same person applying again gets a new applicant's answer and
    // no second application (an erased rejection stays the program's one application for that ID).
    const again = await intake.submit(program.code, application({ nationalId }));
    expect(again.statusCode).toBe(201);
    expect(again.json<{ applicationNumber: string }>().applicationNumber).not.toBe(app.number);
    expect(await db.application.count({ where: { programId: program.id } })).toBe(1);
    expect(await db.auditEvent.count({ where: { entityId: app.id, action: 'application.repeat_attempt' } })).toBe(1);

    // Erasing again changes nothing and writes no second audit row.
    await eraseAllDue(db);
    expect((await db.application.findUniqueOrThrow({ where: { id: app.id } })).erasedAt).toEqual(erased.erasedAt);
    expect(await erasureAudits(db, app.id)).toHaveLength(1);
  });

  it('keeps one still within its retention', async () => {
    const { db } = intake.web;
    const { app } = await rejectedApplication(89);
    await eraseAllDue(db);
    expect(await db.application.findUniqueOrThrow({ where: { id: app.id } })).toMatchObject({ erasedAt: null, nationalId: app.nationalId });
    expect(await erasureAudits(db, app.id)).toHaveLength(0);
  });

  it('follows the program’s own number of days', async () => {
    const { db } = intake.web;
    const { program, app } = await rejectedApplication(11);
    await eraseAllDue(db);
    expect((await db.application.findUniqueOrThrow({ where: { id: app.id } })).erasedAt).toBeNull();
    await db.program.update({ where: { id: program.id }, data: { rejectedRetentionDays: 10 } });
    await eraseAllDue(db);
    expect((await db.application.findUniqueOrThrow({ where: { id: app.id } })).erasedAt).toBeInstanceOf(Date);
  });
});

describe('retention of an enrolled household', () => {
  it('erases a household that left the program longer ago than its retention, and no other', async () => {
    const { db } = intake.web;
    // 0: enrolled; 1: left within its 365 days; 2: left 366 days ago; 3: left long ago, a payment held (owed to it).
    const { program, beneficiaries: b } = await households(db, [null, 364, 366, 400]);
    await paymentTo(db, program.id, b[3]!, 'HELD');
    await paymentTo(db, program.id, b[2]!, 'PAID');

    await eraseAllDue(db);

    const apps = await db.application.findMany({ where: { id: { in: b.map((x) => x.applicationId) } } });
    const erasedAt = (i: number) => apps.find((a) => a.id === b[i]!.applicationId)!.erasedAt;
    expect([0, 1, 2, 3].map((i) => erasedAt(i) !== null)).toEqual([false, false, true, false]);
    const left = await sealedValues(db, b[2]!.applicationId);
    for (const field of SEALED_FIELDS)
      expect(
        left[field]!.every((v) => v === null),
        field,
      ).toBe(true);
    expect((await erasureAudits(db, b[2]!.applicationId)).map((a) => a.details)).toEqual([{ reason: 'RETENTION', rule: 'LEFT' }]);
    // The beneficiary keeps its hashes and account key: reconciliation and deduplication still work.
    expect(await db.beneficiary.findUniqueOrThrow({ where: { id: b[2]!.id } })).toMatchObject({
      nationalIdHash: b[2]!.nationalIdHash,
      accountKey: b[2]!.accountKey,
      householdId: b[2]!.householdId,
      status: 'REMOVED',
    });
  });

  it('records when a household left: the database refuses a removed household without the date, and a date on an enrolled one', async () => {
    const { db } = intake.web;
    const { beneficiaries } = await households(db, [null]);
    await expect(db.beneficiary.update({ where: { id: beneficiaries[0]!.id }, data: { status: 'REMOVED' } })).rejects.toThrow();
    await expect(db.beneficiary.update({ where: { id: beneficiaries[0]!.id }, data: { leftAt: new Date() } })).rejects.toThrow();
  });
});

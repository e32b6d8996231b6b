// ApplicationWorkflow on the real Temporal server, the test database and the registry simulator:
// verification, rules, every deduplication path, review, and appeal within and after the window.
import Decimal from 'decimal.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ageOn } from '../domain/eligibility';
import { generateCpf } from '../domain/national-id';
import { loadConfig } from '../lib/config';
import { createDb } from '../lib/db';
import { createLogger } from '../lib/logger';
import { accountKey, nationalIdHash, phoneHash } from '../lib/pii';
import { groundTruth, type Person } from '../simulators/registry/population';
import { fileAppeal } from '../web/services/appeals';
import { decideReview } from '../web/services/reviews';
import { ApplicationWorkflow } from '../workflows';
import type { ApplicationInput } from '../workflows/application';
import { applicationWorkflowId } from '../workflows/ids';
import { testActivities, testQueues } from './support/activities';
import { createProgram } from './support/fixtures';
import { startRegistry } from './support/registry';
import { recordHistory, startTestWorker, type TestTemporal } from './support/temporal';
import { uid, waitFor } from './support/util';

const TODAY = '2026-11-22';
const config = loadConfig();
const db = createDb(config.DATABASE_URL, 5);
const queues = testQueues();
let registry: Awaited<ReturnType<typeof startRegistry>>;
let temporal: TestTemporal;
const web = () => ({ db, temporal: temporal.client, log: createLogger('test', 'error') });

beforeAll(async () => {
  registry = await startRegistry(600, 7, 0.2); // dirty: typos, swapped names, missing accents, duplicates
  temporal = await startTestWorker(
    testActivities(queues.queues, { db, config: { ...config, REGISTRY_SIM_URL: registry.url }, today: () => TODAY }),
  );
});
afterAll(async () => {
  await temporal?.close();
  await registry?.close();
  await queues.close();
  await db.$disconnect();
});

const byId = () => new Map(registry.population.persons.map((p) => [p.nationalId, p]));
const trueName = (p: Person) => groundTruth(registry.population, p).trueName;

/** Adults by household with per-capita income, as the rules will see them. */
function households() {
  const persons = byId();
  return registry.population.households.map((h) => {
    const members = h.memberNationalIds.map((id) => persons.get(id)!);
    return {
      perCapita: new Decimal(h.monthlyIncome).dividedBy(members.length),
      adults: members.filter((m) => ageOn(m.dateOfBirth, TODAY) >= 18 && !groundTruth(registry.population, m).duplicateOf),
      minors: members.filter((m) => ageOn(m.dateOfBirth, TODAY) < 16),
    };
  });
}
const poorHousehold = (minAdults = 1) => households().find((h) => h.perCapita.lessThanOrEqualTo(759) && h.adults.length >= minAdults)!;

let seq = 0;
async function apply(
  programId: string,
  person: { nationalId: string; fullName: string; dateOfBirth: string },
  opts: { phone?: string; account?: string } = {},
) {
  const phone = opts.phone ?? `+55119${String(10_000_000 + ++seq).slice(-8)}`;
  const account = { rail: 'BANK' as const, bankCode: '001', accountNumber: opts.account ?? String(800_000_000 + ++seq) };
  return db.application.create({
    data: {
      number: uid('A').toUpperCase(),
      programId,
      nationalIdHash: nationalIdHash(config.PII_HASH_KEY, 'BR', person.nationalId),
      nationalId: person.nationalId,
      fullName: person.fullName,
      dateOfBirth: new Date(`${person.dateOfBirth}T00:00:00Z`),
      phone,
      phoneHash: phoneHash(config.PII_HASH_KEY, phone),
      municipality: 'x',
      householdSize: 1,
      dependantsUnder18: 0,
      declaredMonthlyIncome: '0.00',
      paymentAccount: { create: { ...account, accountKey: accountKey(config.PII_HASH_KEY, account) } },
    },
  });
}
const applyAs = (programId: string, p: Person, opts?: { phone?: string; account?: string }) =>
  apply(programId, { ...p, fullName: trueName(p) }, opts);

async function start(applicationId: string, extra: Omit<ApplicationInput, 'applicationId'> = {}) {
  return temporal.client.workflow.start(ApplicationWorkflow, {
    workflowId: applicationWorkflowId(applicationId),
    taskQueue: temporal.taskQueue,
    args: [{ applicationId, appealWindowMs: 1_500, recheckMs: 1_000, ...extra }],
  });
}
const decide = async (applicationId: string, extra?: Omit<ApplicationInput, 'applicationId'>) =>
  (await start(applicationId, extra)).result();
const status = async (id: string) => (await db.application.findUniqueOrThrow({ where: { id } })).status;
const notified = async (id: string) =>
  (await db.notification.findMany({ where: { applicationId: id }, orderBy: { createdAt: 'asc' } })).map((n) => n.eventKey);

describe('ApplicationWorkflow: verification and rules', () => {
  it('enrols an eligible adult typing their true name, though the registry record may be dirty, and texts them', async () => {
    const program = await createProgram(db);
    const person = poorHousehold().adults[0]!;
    const app = await applyAs(program.id, person);
    const handle = await start(app.id);
    expect(await handle.result()).toEqual({ status: 'ENROLLED', reasonCodes: [] });
    await recordHistory(handle, 'application-enrolled');
    const stored = await db.application.findUniqueOrThrow({ where: { id: app.id }, include: { beneficiary: true } });
    expect(stored.beneficiary?.householdId).toBe(person.householdId);
    expect(stored.municipalityCode).toBe(person.municipality.code);
    expect(stored.ruleResults).toEqual([
      expect.objectContaining({ rule: 'max_income_per_capita', passed: true }),
      expect.objectContaining({ rule: 'min_applicant_age', passed: true }),
    ]);
    expect(await notified(app.id)).toEqual(['decision:ENROLLED']);
  });

  it("accepts every kind of name dirt in the registry, and refuses another person's name", async () => {
    const program = await createProgram(db, { rules: [{ type: 'min_applicant_age', years: 0 }] });
    const dirty = registry.population.persons
      .filter((p) => {
        const t = groundTruth(registry.population, p);
        return t.dirt.length > 0 && !t.duplicateOf;
      })
      .slice(0, 6);
    expect(dirty.length).toBeGreaterThan(3);
    const results = await Promise.all(dirty.map(async (p) => decide((await applyAs(program.id, p)).id)));
    expect(results.map((r) => r.reasonCodes.filter((c) => c === 'NAME_MISMATCH'))).toEqual(dirty.map(() => []));

    const someone = poorHousehold().adults[0]!;
    const impostor = await apply(program.id, { ...someone, fullName: 'Carlos Eduardo Nogueira Prado' });
    expect(await decide(impostor.id)).toMatchObject({ status: 'REJECTED', reasonCodes: ['NAME_MISMATCH'] });
  });

  it('rejects on the rules with the reasons, opens the appeal window and says until when', async () => {
    const program = await createProgram(db);
    const rich = households().find((h) => h.perCapita.greaterThan(759) && h.adults.length > 0)!.adults[0]!;
    const app = await applyAs(program.id, rich);
    const handle = await start(app.id);
    expect(await handle.result()).toEqual({ status: 'REJECTED', reasonCodes: ['INCOME_ABOVE_THRESHOLD'] });
    await recordHistory(handle, 'application-rejected');
    const stored = await db.application.findUniqueOrThrow({ where: { id: app.id } });
    expect(stored.appealDeadline!.getTime()).toBeLessThanOrEqual(Date.now()); // closed when the window ended
    expect(await notified(app.id)).toEqual(['decision:REJECTED']);
    const sms = await db.notification.findFirstOrThrow({ where: { applicationId: app.id } });
    expect(sms.body).toContain('759,00');
  });

  it('rejects a person the registry does not know, a wrong date of birth, and a minor', async () => {
    const program = await createProgram(db);
    const known = new Set(registry.population.persons.map((p) => p.nationalId));
    let s = 99;
    let cpf = '';
    do cpf = generateCpf((max) => (s = (s * 48271) % 2147483647) % max);
    while (known.has(cpf));
    expect(
      await decide((await apply(program.id, { nationalId: cpf, fullName: 'Nobody Known', dateOfBirth: '1980-01-01' })).id),
    ).toMatchObject({ reasonCodes: ['NOT_IN_REGISTRY'] });
    const person = poorHousehold().adults[0]!;
    expect(await decide((await applyAs(program.id, { ...person, dateOfBirth: '1901-01-01' })).id)).toMatchObject({
      reasonCodes: ['DATE_OF_BIRTH_MISMATCH'],
    });
    const minor = households().find((h) => h.minors.length > 0)!.minors[0]!;
    expect(await decide((await applyAs(program.id, minor)).id)).toMatchObject({ reasonCodes: ['APPLICANT_TOO_YOUNG'] });
  });
});

describe('ApplicationWorkflow: deduplication', () => {
  it('enrols exactly one of two adults of one household applying at the same time', async () => {
    const program = await createProgram(db);
    const [a, b] = await Promise.all(
      poorHousehold(2)
        .adults.slice(0, 2)
        .map((p) => applyAs(program.id, p)),
    );
    const results = await Promise.all([decide(a!.id), decide(b!.id)]);
    expect(results.map((r) => r.status).sort()).toEqual(['ENROLLED', 'REJECTED']);
    expect(results.find((r) => r.status === 'REJECTED')!.reasonCodes).toEqual(['DUPLICATE_HOUSEHOLD']);
    expect(await db.beneficiary.count({ where: { programId: program.id } })).toBe(1);
  });

  it('refuses a bank account that already receives payments for another household', async () => {
    const program = await createProgram(db);
    const [h1, h2] = households().filter((h) => h.perCapita.lessThanOrEqualTo(759) && h.adults.length > 0);
    expect(await decide((await applyAs(program.id, h1!.adults[0]!, { account: '55501234' })).id)).toMatchObject({ status: 'ENROLLED' });
    expect(await decide((await applyAs(program.id, h2!.adults[0]!, { account: '0055501234' })).id)).toMatchObject({
      status: 'REJECTED',
      reasonCodes: ['ACCOUNT_IN_USE'],
    });
  });

  it("refuses applications from one phone beyond the program's limit, in the order they came", async () => {
    const program = await createProgram(db, { rules: [{ type: 'min_applicant_age', years: 18 }] });
    await db.program.update({ where: { id: program.id }, data: { maxApplicationsPerPhone: 2 } });
    const adults = households()
      .filter((h) => h.adults.length > 0)
      .slice(0, 3)
      .map((h) => h.adults[0]!);
    const apps = [];
    for (const p of adults) apps.push(await applyAs(program.id, p, { phone: '+5511999990000' }));
    const results = await Promise.all(apps.map((a) => decide(a.id)));
    expect(results.map((r) => r.reasonCodes)).toEqual([[], [], ['PHONE_SHARED_TOO_OFTEN']]);
  });

  it('sends a probable duplicate person to review; the reviewer enrols or rejects, and a rejection is appealable', async () => {
    const program = await createProgram(db, { rules: [{ type: 'min_applicant_age', years: 18 }] });
    const duplicates = registry.population.persons.filter(
      (p) => groundTruth(registry.population, p).duplicateOf && ageOn(p.dateOfBirth, TODAY) >= 18,
    );
    expect(duplicates.length).toBeGreaterThanOrEqual(2);
    const outcomes: string[] = [];
    for (const [i, copy] of duplicates.slice(0, 2).entries()) {
      const original = byId().get(groundTruth(registry.population, copy).duplicateOf!)!;
      expect(await decide((await applyAs(program.id, original)).id)).toMatchObject({ status: 'ENROLLED' });
      const second = await applyAs(program.id, copy);
      const handle = await start(second.id, { appealWindowMs: 60_000 });
      await waitFor(async () => (await status(second.id)) === 'NEEDS_REVIEW', 20_000);
      const task = await db.reviewTask.findFirstOrThrow({ where: { applicationId: second.id, kind: 'DUPLICATE' } });
      // (The same persons may also be enrolled in other tests' programs: those are OTHER_PROGRAM candidates.)
      const probable = await db.duplicateCandidate.findMany({
        where: { applicationId: second.id, kind: 'PROBABLE_PERSON' },
        include: { candidateApplication: true },
      });
      expect(probable.map((c) => c.candidateApplication.nationalId)).toEqual([original.nationalId]);
      expect(await decideReview(web(), task.id, randomReviewer(), i === 0 ? 'ENROLL' : 'REJECT', 'checked the documents')).toEqual({
        kind: 'decided',
      });
      expect(await decideReview(web(), task.id, randomReviewer(), 'ENROLL', 'again')).toEqual({ kind: 'already_decided' });
      if (i === 0) {
        expect(await handle.result()).toEqual({ status: 'ENROLLED', reasonCodes: [] });
      } else {
        await waitFor(async () => (await notified(second.id)).includes('decision:REJECTED'), 20_000);
        const stored = await db.application.findUniqueOrThrow({ where: { id: second.id } });
        expect(stored.reasonCodes).toEqual(['REVIEW_REJECTED']);
        expect(stored.appealDeadline!.getTime()).toBeGreaterThan(Date.now());
        await handle.terminate('test over');
      }
      outcomes.push(...(await notified(second.id)));
    }
    expect(outcomes).toEqual(['decision:NEEDS_REVIEW', 'decision:ENROLLED', 'decision:NEEDS_REVIEW', 'decision:REJECTED']);
  });

  it('shows reviewers the same person enrolled in another program, without refusing them', async () => {
    const [p1, p2] = [await createProgram(db), await createProgram(db)];
    const person = poorHousehold().adults[0]!;
    expect(await decide((await applyAs(p1.id, person)).id)).toMatchObject({ status: 'ENROLLED' });
    const first = await db.application.findFirstOrThrow({ where: { programId: p1.id } });
    const second = await applyAs(p2.id, person);
    expect(await decide(second.id)).toMatchObject({ status: 'ENROLLED' });
    const candidates = await db.duplicateCandidate.findMany({ where: { applicationId: second.id } });
    expect(candidates).toContainEqual(expect.objectContaining({ kind: 'OTHER_PROGRAM', candidateApplicationId: first.id }));
    expect(candidates.filter((c) => c.kind === 'PROBABLE_PERSON')).toEqual([]);
  });
});

const randomReviewer = () => '00000000-0000-4000-8000-' + String(Math.floor(Math.random() * 1e12)).padStart(12, '0');

describe('ApplicationWorkflow: appeals', () => {
  async function rejected(windowMs: number) {
    const program = await createProgram(db);
    const rich = households().find((h) => h.perCapita.greaterThan(759) && h.adults.length > 0)!.adults[0]!;
    const app = await applyAs(program.id, rich);
    const handle = await start(app.id, { appealWindowMs: windowMs });
    await waitFor(async () => (await status(app.id)) === 'REJECTED', 20_000);
    const stored = await db.application.findUniqueOrThrow({ where: { id: app.id } });
    return { app: stored, handle, dob: rich.dateOfBirth };
  }

  it('takes an appeal within the window to review; upheld, it is final and cannot be appealed again', async () => {
    const { app, handle, dob } = await rejected(60_000);
    expect(await fileAppeal(web(), app.number, dob, 'My income dropped this month')).toEqual({ kind: 'filed' });
    const task = await waitFor(() => db.reviewTask.findFirst({ where: { applicationId: app.id, kind: 'APPEAL' } }), 10_000);
    expect(task.statement).toBe('My income dropped this month');
    await decideReview(web(), task.id, randomReviewer(), 'REJECT', 'the registry income is current');
    expect(await handle.result()).toEqual({ status: 'REJECTED', reasonCodes: ['APPEAL_REJECTED'], appealed: true });
    await recordHistory(handle, 'application-appeal-upheld');
    expect(await fileAppeal(web(), app.number, dob, 'again')).toMatchObject({ kind: 'not_appealable' });
    expect(await notified(app.id)).toEqual(['decision:REJECTED', 'appeal:received', 'appeal:REJECTED']);
  });

  it('enrols when the reviewer grants the appeal, even if the signal never arrived', async () => {
    const { app, handle } = await rejected(60_000);
    // Record the appeal the way the web does, but without signalling: the workflow's recheck finds it.
    await db.application.update({ where: { id: app.id }, data: { status: 'APPEALED' } });
    await db.reviewTask.create({ data: { applicationId: app.id, kind: 'APPEAL', statement: 'lost signal' } });
    const task = await waitFor(
      async () =>
        (await notified(app.id)).includes('appeal:received') &&
        db.reviewTask.findFirst({ where: { applicationId: app.id, kind: 'APPEAL' } }),
      15_000,
    );
    await db.reviewTask.update({ where: { id: task.id }, data: { status: 'DECIDED', decision: 'ENROLL', decidedAt: new Date() } });
    expect(await handle.result()).toEqual({ status: 'ENROLLED', reasonCodes: [], appealed: true });
    expect(await db.beneficiary.count({ where: { applicationId: app.id } })).toBe(1);
  });

  it('refuses an appeal after the window, and the workflow ends with the rejection', async () => {
    const { app, handle, dob } = await rejected(1_000);
    expect(await handle.result()).toEqual({ status: 'REJECTED', reasonCodes: ['INCOME_ABOVE_THRESHOLD'] });
    expect(await fileAppeal(web(), app.number, dob, 'too late')).toEqual({ kind: 'not_appealable', reason: 'window_closed' });
    expect(await fileAppeal(web(), app.number, '1900-01-01', 'wrong date')).toEqual({ kind: 'not_found' });
    expect(await status(app.id)).toBe('REJECTED');
  });
});

// Decisions in batches on the real Temporal server, the test database and the registry simulator:
// verification (one registry search per batch), rules, every deduplication path within a batch, the
// program and across programs, deciding twice, review and appeal (their own workflows, the appeal window a
// date on the application).
import Decimal from 'decimal.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ageOn } from '../domain/eligibility';
import { generateCpf } from '../domain/national-id';
import { loadConfig } from '../lib/config';
import { createDb } from '../lib/db';
import { createLogger } from '../lib/logger';
import { accountKey, birthDateHash, hashKeys, nationalIdHash, phoneHash } from '../lib/pii';
import { groundTruth, type Person } from '../simulators/registry/population';
import { accountDirt, bankAccountNumberOf, walletMsisdnOf, type AccountDirt } from '../simulators/shared/account-holders';
import { fileAppeal, lookupApplication, requestAppealCode } from '../web/services/appeals';
import { giveAnotherAccount, requestAccountCode } from '../web/services/account-replacement';
import type { AccountDetails } from '../lib/pii';
import { decideReview } from '../web/services/reviews';
import { claimDecisionBatch } from '../workers/decision-dispatcher';
import { ApplicationReviewWorkflow, DecisionBatchWorkflow } from '../workflows';
import { applicationReviewWorkflowId, decisionBatchWorkflowId } from '../workflows/ids';
import { testActivities, testQueues } from './support/activities';
import { startAccountRails, type AccountRails } from './support/account-rails';
import { createProgram } from './support/fixtures';
import { startRegistry } from './support/registry';
import { recordHistory, startTestWorker, type TestTemporal } from './support/temporal';
import { uid, waitFor } from './support/util';
import type { ReviewKind } from '../domain/review-kinds';
import { smsText, testPersonalData } from './support/personal-data';

const TODAY = '2026-11-22';
const config = loadConfig();
const db = createDb(config.DATABASE_URL, 5);
const queues = testQueues();
const log = createLogger('test', 'error');
let registry: Awaited<ReturnType<typeof startRegistry>>;
let rails: AccountRails;
let activities: ReturnType<typeof testActivities>;
/** The person the bank holds under another name: left out of the other tests. */
let renamed: Person | undefined;
let temporal: TestTemporal;
const web = () => ({
  db,
  temporal: temporal.client,
  log,
  queues: queues.queues,
  config: { ...config, TEMPORAL_TASK_QUEUE: temporal.taskQueue },
});

beforeAll(async () => {
  registry = await startRegistry(600, 7, 0.2); // dirty: typos, swapped names, missing accents, duplicates
  renamed = households().findLast((h) => h.perCapita.lessThanOrEqualTo(759) && h.adults.length > 0)!.adults[0]!;
  rails = await startAccountRails(registry.population, { bankNameDiffers: [renamed.nationalId] });
  activities = testActivities(queues.queues, {
    db,
    config: { ...config, REGISTRY_SIM_URL: registry.url, ...rails.urls },
    today: () => TODAY,
  });
  temporal = await startTestWorker(activities);
});
afterAll(async () => {
  await temporal?.close();
  await rails?.close();
  await registry?.close();
  await queues.close();
  await db.$disconnect();
});

const byId = () => new Map(registry.population.persons.map((p) => [p.nationalId, p]));
/** The bank confirms this person's own account (the population's dirty accounts are tested on their own). */
const cleanAccount = (p: Person) => accountDirt(p.nationalId, 'bank') === 'none' && p.nationalId !== renamed?.nationalId;
const trueName = (p: Person) => groundTruth(registry.population, p).trueName;

/** Adults by household with per-capita income, as the rules will see them. */
function households() {
  const persons = byId();
  return registry.population.households.map((h) => {
    const members = h.memberNationalIds.map((id) => persons.get(id)!);
    return {
      perCapita: new Decimal(h.monthlyIncome).dividedBy(members.length),
      adults: members.filter(
        (m) => ageOn(m.dateOfBirth, TODAY) >= 18 && !groundTruth(registry.population, m).duplicateOf && cleanAccount(m),
      ),
      minors: members.filter((m) => ageOn(m.dateOfBirth, TODAY) < 16),
    };
  });
}
const poorHousehold = (minAdults = 1) => households().find((h) => h.perCapita.lessThanOrEqualTo(759) && h.adults.length >= minAdults)!;
const richAdult = () => households().find((h) => h.perCapita.greaterThan(759) && h.adults.length > 0)!.adults[0]!;

let seq = 0;
/** An accepted application, as intake stores it (status RECEIVED, waiting for this file's dispatcher). */
async function apply(
  programId: string,
  person: { nationalId: string; fullName: string; dateOfBirth: string },
  opts: { phone?: string; account?: string; wallet?: boolean } = {},
) {
  const phone = opts.phone ?? `+55119${String(10_000_000 + ++seq).slice(-8)}`;
  // Their own account at the bank (or their own wallet), unless the test gives another.
  const account = opts.wallet
    ? { rail: 'WALLET' as const, msisdn: walletMsisdnOf(person.nationalId, 'BR') }
    : { rail: 'BANK' as const, bankCode: '001', accountNumber: opts.account ?? bankAccountNumberOf(person.nationalId) };
  const pd = await testPersonalData(db);
  const created = await db.application.create({
    data: {
      number: uid('A').toUpperCase(),
      programId,
      nationalIdHash: hashKeys(config).current(nationalIdHash, 'BR', person.nationalId),
      nationalId: pd.seal('application.national_id', person.nationalId),
      fullName: pd.seal('application.full_name', person.fullName),
      dateOfBirth: pd.seal('application.date_of_birth', person.dateOfBirth),
      birthDateHash: hashKeys(config).current(birthDateHash, person.dateOfBirth),
      phone: pd.seal('application.phone', phone),
      phoneHash: hashKeys(config).current(phoneHash, phone),
      municipality: 'x',
      householdSize: 1,
      dependantsUnder18: 0,
      declaredMonthlyIncome: '0.00',
      decisionQueue: temporal.taskQueue,
      phoneVerifiedAt: new Date(),
      paymentAccount: {
        create: {
          rail: account.rail,
          bankCode: account.rail === 'BANK' ? account.bankCode : null,
          ...pd.sealAccount(account),
          accountKey: hashKeys(config).current(accountKey, account),
        },
      },
    },
  });
  return { ...created, nationalId: person.nationalId };
}
const applyAs = (programId: string, p: Person, opts?: { phone?: string; account?: string; wallet?: boolean }) =>
  apply(programId, { ...p, fullName: trueName(p) }, opts);

/** Claims the program's waiting applications as one batch, as a dispatcher does, and runs its workflow. */
async function decideWaiting(programId: string) {
  const batch = await claimDecisionBatch({
    db,
    temporal: temporal.client,
    taskQueue: temporal.taskQueue,
    log,
    programIds: [programId],
    batchesInFlight: 10_000,
  });
  if (!batch) throw new Error('nothing waiting');
  const handle = await temporal.client.workflow.start(DecisionBatchWorkflow, {
    workflowId: decisionBatchWorkflowId(batch.id),
    taskQueue: temporal.taskQueue,
    args: [{ batchId: batch.id }],
  });
  return { batchId: batch.id, handle, summary: await handle.result() };
}
const outcome = async (id: string) => {
  const app = await db.application.findUniqueOrThrow({ where: { id } });
  return { status: app.status, reasonCodes: app.reasonCodes };
};
/** Applies and decides one application on its own (a batch of one). */
const decideOne = async (app: { id: string; programId: string }) => {
  await decideWaiting(app.programId);
  return outcome(app.id);
};
const status = async (id: string) => (await db.application.findUniqueOrThrow({ where: { id } })).status;
/** The messages an application was sent, by event (one-time codes as "code"). */
const notified = async (id: string) =>
  (await db.notification.findMany({ where: { applicationId: id }, orderBy: { createdAt: 'asc' } })).map((n) =>
    n.eventKey.startsWith('code:') ? 'code' : n.eventKey,
  );
const reviewHandle = (applicationId: string, kind: ReviewKind) =>
  temporal.client.workflow.getHandle(applicationReviewWorkflowId(applicationId, kind));

describe('decision batches: verification and rules', () => {
  it('decides a batch with one registry search, and enrols an eligible adult typing their true name, and texts them', async () => {
    const program = await createProgram(db);
    const [person, other] = households()
      .filter((h) => h.perCapita.lessThanOrEqualTo(759) && h.adults.length > 0)
      .map((h) => h.adults[0]!);
    const apps = [await applyAs(program.id, person!), await applyAs(program.id, other!), await applyAs(program.id, richAdult())];
    const searches = registry.requests.get('/v1/persons/search') ?? 0;
    const lookups = registry.requests.get('/v1/persons/:nationalId') ?? 0;
    const { handle, summary } = await decideWaiting(program.id);
    expect(summary).toMatchObject({ size: 3, enrolled: 2, rejected: 1, toReview: 0 });
    expect(registry.requests.get('/v1/persons/search')).toBe(searches + 1);
    expect(registry.requests.get('/v1/persons/:nationalId') ?? 0).toBe(lookups);
    await recordHistory(handle, 'decision-batch');
    const stored = await db.application.findUniqueOrThrow({ where: { id: apps[0]!.id }, include: { beneficiary: true } });
    expect(stored.status).toBe('ENROLLED');
    expect(stored.beneficiary?.householdId).toBe(person!.householdId);
    expect(stored.municipalityCode).toBe(person!.municipality.code);
    expect(stored.ruleResults).toEqual([
      expect.objectContaining({ rule: 'max_income_per_capita', passed: true }),
      expect.objectContaining({ rule: 'min_applicant_age', passed: true }),
    ]);
    expect(await notified(apps[0]!.id)).toEqual(['decision:ENROLLED']);
    const sms = await db.notification.findFirstOrThrow({ where: { applicationId: apps[0]!.id } });
    const jobs = await queues.queues.notifications.getJobs();
    expect(jobs.filter((j) => j.data.notificationIds.includes(sms.id))).toHaveLength(1);
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
    const apps = [];
    for (const p of dirty) apps.push(await applyAs(program.id, p));
    const someone = poorHousehold().adults[0]!;
    const impostor = await apply(program.id, { ...someone, fullName: 'Carlos Eduardo Nogueira Prado' });
    await decideWaiting(program.id);
    const results = await Promise.all(apps.map((a) => outcome(a.id)));
    expect(results.map((r) => r.reasonCodes.filter((c) => c === 'NAME_MISMATCH'))).toEqual(dirty.map(() => []));
    expect(await outcome(impostor.id)).toEqual({ status: 'REJECTED', reasonCodes: ['NAME_MISMATCH'] });
  });

  it('rejects on the rules with the reasons, and the appeal window is a date: no workflow waits on it', async () => {
    const program = await createProgram(db);
    const app = await applyAs(program.id, richAdult());
    expect(await decideOne(app)).toEqual({ status: 'REJECTED', reasonCodes: ['INCOME_ABOVE_THRESHOLD'] });
    const stored = await db.application.findUniqueOrThrow({ where: { id: app.id } });
    const window = stored.appealDeadline!.getTime() - stored.decidedAt!.getTime();
    expect(window).toBe(program.appealWindowDays * 24 * 3600_000);
    expect(await notified(app.id)).toEqual(['decision:REJECTED']);
    const sms = await db.notification.findFirstOrThrow({ where: { applicationId: app.id } });
    expect(await smsText(db, sms)).toContain('759,00');
    await expect(reviewHandle(app.id, 'APPEAL').describe()).rejects.toThrow(/not found/i);
  });

  it('rejects a person the registry does not know, a wrong date of birth, and a minor, in one batch', async () => {
    const program = await createProgram(db);
    const known = new Set(registry.population.persons.map((p) => p.nationalId));
    let s = 99;
    let cpf = '';
    do cpf = generateCpf((max) => (s = (s * 48271) % 2147483647) % max);
    while (known.has(cpf));
    const unknown = await apply(program.id, { nationalId: cpf, fullName: 'Nobody Known', dateOfBirth: '1980-01-01' });
    const wrongBirth = await applyAs(program.id, { ...poorHousehold().adults[0]!, dateOfBirth: '1901-01-01' });
    const minor = await applyAs(program.id, households().find((h) => h.minors.length > 0)!.minors[0]!);
    await decideWaiting(program.id);
    expect(await outcome(unknown.id)).toMatchObject({ reasonCodes: ['NOT_IN_REGISTRY'] });
    expect(await outcome(wrongBirth.id)).toMatchObject({ reasonCodes: ['DATE_OF_BIRTH_MISMATCH'] });
    expect(await outcome(minor.id)).toMatchObject({ reasonCodes: ['APPLICANT_TOO_YOUNG'] });
  });

  it('changes nothing when a batch is decided again', async () => {
    const program = await createProgram(db);
    const apps = [await applyAs(program.id, poorHousehold().adults[0]!), await applyAs(program.id, richAdult())];
    const { batchId, summary } = await decideWaiting(program.id);
    const snapshot = async () => ({
      apps: await db.application.findMany({ where: { programId: program.id }, orderBy: { id: 'asc' } }),
      beneficiaries: await db.beneficiary.count({ where: { programId: program.id } }),
      notifications: await db.notification.count({ where: { applicationId: { in: apps.map((a) => a.id) } } }),
      audit: await db.auditEvent.count({ where: { entityId: { in: apps.map((a) => a.id) } } }),
    });
    const before = await snapshot();
    const again = await temporal.client.workflow.execute(DecisionBatchWorkflow, {
      workflowId: `${decisionBatchWorkflowId(batchId)}-again`,
      taskQueue: temporal.taskQueue,
      args: [{ batchId }],
    });
    expect(again).toMatchObject({ enrolled: summary.enrolled, rejected: summary.rejected, toReview: summary.toReview });
    expect(await snapshot()).toEqual(before);
  });
});

describe('decision batches: deduplication', () => {
  it('enrols exactly one of two adults of one household applying in the same batch', async () => {
    const program = await createProgram(db);
    const [a, b] = poorHousehold(2).adults.slice(0, 2);
    const first = await applyAs(program.id, a!);
    const second = await applyAs(program.id, b!);
    await decideWaiting(program.id);
    expect(await outcome(first.id)).toEqual({ status: 'ENROLLED', reasonCodes: [] });
    expect(await outcome(second.id)).toEqual({ status: 'REJECTED', reasonCodes: ['DUPLICATE_HOUSEHOLD'] });
    expect(await db.beneficiary.count({ where: { programId: program.id } })).toBe(1);
  });

  it('enrols exactly one of two adults of one household decided in two batches at the same time', async () => {
    const program = await createProgram(db);
    const [a, b] = poorHousehold(2).adults.slice(0, 2);
    const first = await applyAs(program.id, a!);
    const b1 = await claimDecisionBatch({
      db,
      temporal: temporal.client,
      taskQueue: temporal.taskQueue,
      log,
      programIds: [program.id],
      batchesInFlight: 10_000,
    });
    const second = await applyAs(program.id, b!);
    const b2 = await claimDecisionBatch({
      db,
      temporal: temporal.client,
      taskQueue: temporal.taskQueue,
      log,
      programIds: [program.id],
      batchesInFlight: 10_000,
    });
    await Promise.all(
      [b1!, b2!].map((b) =>
        temporal.client.workflow.execute(DecisionBatchWorkflow, {
          workflowId: decisionBatchWorkflowId(b.id),
          taskQueue: temporal.taskQueue,
          args: [{ batchId: b.id }],
        }),
      ),
    );
    const results = [await outcome(first.id), await outcome(second.id)];
    expect(results.map((r) => r.status).sort()).toEqual(['ENROLLED', 'REJECTED']);
    expect(results.find((r) => r.status === 'REJECTED')!.reasonCodes).toEqual(['DUPLICATE_HOUSEHOLD']);
    expect(await db.beneficiary.count({ where: { programId: program.id } })).toBe(1);
  });

  it('refuses a bank account that already receives payments for another household, and one used twice in a batch', async () => {
    const program = await createProgram(db);
    const [h1, h2, h3] = households().filter((h) => h.perCapita.lessThanOrEqualTo(759) && h.adults.length > 0);
    const first = await applyAs(program.id, h1!.adults[0]!);
    expect(await decideOne(first)).toMatchObject({ status: 'ENROLLED' });
    const again = await applyAs(program.id, h2!.adults[0]!, { account: `00${bankAccountNumberOf(h1!.adults[0]!.nationalId)}` });
    const shared1 = await applyAs(program.id, h3!.adults[0]!);
    const shared2 = await applyAs(
      program.id,
      households().filter((h) => h.perCapita.lessThanOrEqualTo(759) && h.adults.length > 0)[3]!.adults[0]!,
      {
        account: bankAccountNumberOf(h3!.adults[0]!.nationalId),
      },
    );
    await decideWaiting(program.id);
    expect(await outcome(again.id)).toEqual({ status: 'REJECTED', reasonCodes: ['ACCOUNT_IN_USE'] });
    expect(await outcome(shared1.id)).toEqual({ status: 'ENROLLED', reasonCodes: [] });
    expect(await outcome(shared2.id)).toEqual({ status: 'REJECTED', reasonCodes: ['ACCOUNT_IN_USE'] });
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
    await decideWaiting(program.id);
    expect((await Promise.all(apps.map((a) => outcome(a.id)))).map((r) => r.reasonCodes)).toEqual([[], [], ['PHONE_SHARED_TOO_OFTEN']]);
  });

  it('sends a probable duplicate person to review in a workflow of its own; the reviewer enrols or rejects, and a rejection is appealable', async () => {
    const program = await createProgram(db, { rules: [{ type: 'min_applicant_age', years: 18 }] });
    const duplicates = registry.population.persons.filter(
      (p) => groundTruth(registry.population, p).duplicateOf && ageOn(p.dateOfBirth, TODAY) >= 18,
    );
    expect(duplicates.length).toBeGreaterThanOrEqual(2);
    const outcomes: string[] = [];
    for (const [i, copy] of duplicates.slice(0, 2).entries()) {
      const original = byId().get(groundTruth(registry.population, copy).duplicateOf!)!;
      // The original and its copy in one batch: the first to arrive is enrolled, the copy goes to a person.
      const first = await applyAs(program.id, original);
      const second = await applyAs(program.id, copy);
      const { summary, handle: batch } = await decideWaiting(program.id);
      expect(summary).toMatchObject({ enrolled: 1, toReview: 1 });
      if (i === 0) await recordHistory(batch, 'decision-batch-with-review');
      expect(await status(first.id)).toBe('ENROLLED');
      expect(await status(second.id)).toBe('NEEDS_REVIEW');
      const task = await db.reviewTask.findFirstOrThrow({ where: { applicationId: second.id, kind: 'DUPLICATE' } });
      // (The same persons may also be enrolled in other tests' programs: those are OTHER_PROGRAM candidates.)
      const probable = await db.duplicateCandidate.findMany({
        where: { applicationId: second.id, kind: 'PROBABLE_PERSON' },
        include: { candidateApplication: true },
      });
      // The candidate is the first application (it holds the original's ID, sealed).
      expect(probable.map((c) => c.candidateApplicationId)).toEqual([first.id]);
      const handle = reviewHandle(second.id, 'DUPLICATE');
      expect((await handle.describe()).status.name).toBe('RUNNING');
      expect(await decideReview(web(), task.id, randomReviewer(), i === 0 ? 'ENROLL' : 'REJECT', 'checked the documents')).toEqual({
        kind: 'decided',
      });
      expect(await decideReview(web(), task.id, randomReviewer(), 'ENROLL', 'again')).toEqual({ kind: 'already_decided' });
      if (i === 0) {
        expect(await handle.result()).toEqual({ status: 'ENROLLED', reasonCodes: [] });
        await recordHistory(handle, 'application-review-enrolled');
      } else {
        expect(await handle.result()).toEqual({ status: 'REJECTED', reasonCodes: ['REVIEW_REJECTED'] });
        const stored = await db.application.findUniqueOrThrow({ where: { id: second.id } });
        expect(stored.reasonCodes).toEqual(['REVIEW_REJECTED']);
        expect(stored.appealDeadline!.getTime()).toBeGreaterThan(Date.now());
      }
      outcomes.push(...(await notified(second.id)));
    }
    expect(outcomes).toEqual(['decision:NEEDS_REVIEW', 'decision:ENROLLED', 'decision:NEEDS_REVIEW', 'decision:REJECTED']);
  });

  it("finds a reviewer's decision whose signal was lost, on its periodic check", async () => {
    const program = await createProgram(db, { rules: [{ type: 'min_applicant_age', years: 18 }] });
    const copy = registry.population.persons.find(
      (p) => groundTruth(registry.population, p).duplicateOf && ageOn(p.dateOfBirth, TODAY) >= 18,
    )!;
    const original = byId().get(groundTruth(registry.population, copy).duplicateOf!)!;
    await applyAs(program.id, original);
    const second = await applyAs(program.id, copy);
    await decideWaiting(program.id);
    // A review started with a short re-check (production: every few hours), then decided without a signal.
    await reviewHandle(second.id, 'DUPLICATE').terminate('restarted by the test with a short re-check');
    const handle = await temporal.client.workflow.start(ApplicationReviewWorkflow, {
      workflowId: `${applicationReviewWorkflowId(second.id, 'DUPLICATE')}-recheck`,
      taskQueue: temporal.taskQueue,
      args: [{ applicationId: second.id, kind: 'DUPLICATE', recheckMs: 500 }],
    });
    await db.reviewTask.updateMany({
      where: { applicationId: second.id, kind: 'DUPLICATE' },
      data: { status: 'DECIDED', decision: 'ENROLL', decidedAt: new Date() },
    });
    expect(await handle.result()).toEqual({ status: 'ENROLLED', reasonCodes: [] });
  });

  it('shows reviewers the same person enrolled in another program, without refusing them', async () => {
    const [p1, p2] = [await createProgram(db), await createProgram(db)];
    const person = poorHousehold().adults[0]!;
    expect(await decideOne(await applyAs(p1.id, person))).toMatchObject({ status: 'ENROLLED' });
    const first = await db.application.findFirstOrThrow({ where: { programId: p1.id } });
    const second = await applyAs(p2.id, person);
    expect(await decideOne(second)).toMatchObject({ status: 'ENROLLED' });
    const candidates = await db.duplicateCandidate.findMany({ where: { applicationId: second.id } });
    expect(candidates).toContainEqual(expect.objectContaining({ kind: 'OTHER_PROGRAM', candidateApplicationId: first.id }));
    expect(candidates.filter((c) => c.kind === 'PROBABLE_PERSON')).toEqual([]);
  });
});

const randomReviewer = () => '00000000-0000-4000-8000-' + String(Math.floor(Math.random() * 1e12)).padStart(12, '0');

describe('appeals: a workflow started by the appeal', () => {
  async function rejected() {
    const program = await createProgram(db);
    const rich = richAdult();
    const app = await applyAs(program.id, rich);
    expect(await decideOne(app)).toMatchObject({ status: 'REJECTED' });
    const stored = await db.application.findUniqueOrThrow({ where: { id: app.id } });
    return { app: stored, dob: rich.dateOfBirth };
  }

  /** Appeals as the applicant does: asks for the code, reads it in the SMS, sends it with the statement. */
  async function appeal(number: string, dob: string, statement: string) {
    const asked = await requestAppealCode(web(), number, dob);
    if (asked.kind !== 'code_sent') return asked;
    const app = await db.application.findUniqueOrThrow({ where: { number } });
    const sms = await db.notification.findFirstOrThrow({
      where: { applicationId: app.id, eventKey: { startsWith: 'code:' } },
      orderBy: { createdAt: 'desc' },
    });
    return fileAppeal(web(), number, dob, statement, /\b(\d{6})\b/.exec(await smsText(db, sms))![1]!);
  }

  it('takes an appeal within the window to review; upheld, it is final and cannot be appealed again', async () => {
    const { app, dob } = await rejected();
    expect(await appeal(app.number, dob, 'My income dropped this month')).toEqual({ kind: 'filed' });
    const task = await db.reviewTask.findFirstOrThrow({ where: { applicationId: app.id, kind: 'APPEAL' } });
    expect((await testPersonalData(db)).open('review_task.statement', task.statement!)).toBe('My income dropped this month');
    const handle = reviewHandle(app.id, 'APPEAL');
    await waitFor(async () => (await notified(app.id)).includes('appeal:received'), 15_000);
    await decideReview(web(), task.id, randomReviewer(), 'REJECT', 'the registry income is current');
    expect(await handle.result()).toEqual({ status: 'REJECTED', reasonCodes: ['APPEAL_REJECTED'] });
    await recordHistory(handle, 'application-review-appeal-upheld');
    expect(await appeal(app.number, dob, 'again')).toMatchObject({ kind: 'not_appealable' });
    expect(await notified(app.id)).toEqual(['decision:REJECTED', 'code', 'appeal:received', 'appeal:REJECTED']);
  });

  it('enrols when the reviewer grants an appeal whose workflow never started: the decision starts it', async () => {
    const { app } = await rejected();
    // Record the appeal the way the web does, but without starting its workflow (Temporal was unreachable).
    await db.application.update({ where: { id: app.id }, data: { status: 'APPEALED' } });
    const task = await db.reviewTask.create({
      data: { applicationId: app.id, kind: 'APPEAL', statement: (await testPersonalData(db)).seal('review_task.statement', 'lost start') },
    });
    await expect(reviewHandle(app.id, 'APPEAL').describe()).rejects.toThrow(/not found/i);
    expect(await decideReview(web(), task.id, randomReviewer(), 'ENROLL', 'income verified')).toEqual({ kind: 'decided' });
    expect(await reviewHandle(app.id, 'APPEAL').result()).toEqual({ status: 'ENROLLED', reasonCodes: [] });
    expect(await db.beneficiary.count({ where: { applicationId: app.id } })).toBe(1);
    expect(await notified(app.id)).toEqual(['decision:REJECTED', 'appeal:received', 'appeal:ENROLLED']);
  });

  it('refuses an appeal after the window (its date), and with a wrong date of birth', async () => {
    const { app, dob } = await rejected();
    await db.application.update({ where: { id: app.id }, data: { appealDeadline: new Date(Date.now() - 1000) } });
    expect(await appeal(app.number, dob, 'too late')).toEqual({ kind: 'not_appealable', reason: 'window_closed' });
    expect(await appeal(app.number, '1900-01-01', 'wrong date')).toEqual({ kind: 'not_found' });
    expect(await status(app.id)).toBe('REJECTED');
    await expect(reviewHandle(app.id, 'APPEAL').describe()).rejects.toThrow(/not found/i);
  });
});

describe('accounts checked with their rail at enrolment', () => {
  /**
   * An eligible adult (poor household, not a registry duplicate) whose account at this rail has this dirt,
   * of a household not yet in `used` (one household is enrolled once: the first to apply holds it).
   */
  function adultWith(dirt: AccountDirt, rail: 'bank' | 'wallet', used = new Set<string>(), also: (p: Person) => boolean = () => true) {
    const persons = byId();
    const found = registry.population.households
      .filter((h) => !used.has(h.id) && new Decimal(h.monthlyIncome).dividedBy(h.memberNationalIds.length).lessThanOrEqualTo(759))
      .flatMap((h) => h.memberNationalIds.map((id) => persons.get(id)!))
      .filter(
        (p) =>
          ageOn(p.dateOfBirth, TODAY) >= 18 &&
          !groundTruth(registry.population, p).duplicateOf &&
          accountDirt(p.nationalId, rail) === dirt &&
          also(p) &&
          p.nationalId !== renamed?.nationalId,
      );
    if (!found[0]) throw new Error(`the test population has no eligible adult with a ${dirt} ${rail} account`);
    used.add(registry.population.households.find((h) => h.memberNationalIds.includes(found[0]!.nationalId))!.id);
    return found[0];
  }
  const renamedHousehold = () => registry.population.households.find((h) => h.memberNationalIds.includes(renamed!.nationalId))!.id;
  const accountOf = async (applicationId: string) => db.paymentAccount.findUniqueOrThrow({ where: { applicationId } });

  it('sends each account its rail does not confirm to review with its reason, tells the applicant, and enrols the confirmed', async () => {
    const program = await createProgram(db);
    const used = new Set([renamedHousehold()]);
    const cases = [
      [await applyAs(program.id, adultWith('closed', 'bank', used)), ['ACCOUNT_CLOSED'], 'NOT_OPEN'],
      [await applyAs(program.id, adultWith('dormant', 'bank', used)), ['ACCOUNT_CLOSED'], 'NOT_OPEN'],
      [await applyAs(program.id, adultWith('holder_mismatch', 'bank', used)), ['ACCOUNT_HOLDER_MISMATCH'], 'HOLDER_MISMATCH'],
      [await applyAs(program.id, adultWith('unknown', 'bank', used)), ['ACCOUNT_UNKNOWN'], 'UNKNOWN_ACCOUNT'],
      [await applyAs(program.id, renamed!), ['ACCOUNT_NAME_DIFFERS'], 'NAME_DIFFERS'],
      [await applyAs(program.id, adultWith('closed', 'wallet', used), { wallet: true }), ['ACCOUNT_CLOSED'], 'NOT_OPEN'],
      [
        await applyAs(program.id, adultWith('holder_mismatch', 'wallet', used), { wallet: true }),
        ['ACCOUNT_HOLDER_MISMATCH'],
        'HOLDER_MISMATCH',
      ],
      [await applyAs(program.id, adultWith('unknown', 'wallet', used), { wallet: true }), ['ACCOUNT_UNKNOWN'], 'UNKNOWN_ACCOUNT'],
    ] as const;
    const confirmed = [
      await applyAs(program.id, adultWith('none', 'bank', used)),
      await applyAs(program.id, adultWith('none', 'wallet', used), { wallet: true }),
    ];
    const { batchId, summary, handle } = await decideWaiting(program.id);
    expect(summary).toMatchObject({ enrolled: 2, toReview: cases.length });
    await recordHistory(handle, 'decision-batch-account-checks');
    for (const [app, reasonCodes, checked] of cases) {
      expect(await outcome(app.id), app.nationalId).toEqual({ status: 'NEEDS_REVIEW', reasonCodes });
      expect((await accountOf(app.id)).checkOutcome).toBe(checked);
      expect(await db.reviewTask.findUnique({ where: { applicationId_kind: { applicationId: app.id, kind: 'ACCOUNT' } } })).toMatchObject({
        status: 'OPEN',
      });
      expect((await reviewHandle(app.id, 'ACCOUNT').describe()).status.name).toBe('RUNNING');
      const [sms] = await db.notification.findMany({ where: { applicationId: app.id } });
      expect(sms!.eventKey).toMatch(/^account:/);
      expect(await smsText(db, sms!)).toContain('/status');
    }
    for (const app of confirmed) {
      expect(await outcome(app.id)).toEqual({ status: 'ENROLLED', reasonCodes: [] });
      expect((await accountOf(app.id)).checkOutcome).toBe('VERIFIED');
    }
    expect(batchId).toBeTruthy();
  });

  it("asks the rail once per account: deciding the batch again does not ask again, and a refused applicant's account is not asked", async () => {
    const program = await createProgram(db);
    const eligible = await applyAs(program.id, adultWith('none', 'bank'));
    const refused = await applyAs(program.id, richAdult());
    const { batchId } = await decideWaiting(program.id);
    const checkedAt = (await accountOf(eligible.id)).checkedAt;
    expect(checkedAt).not.toBeNull();
    expect((await accountOf(refused.id)).checkOutcome).toBeNull();
    // The step run again (a retried activity) finds nothing left to ask.
    await db.application.updateMany({ where: { id: { in: [eligible.id, refused.id] } }, data: { status: 'VERIFYING' } });
    expect(await activities.checkBatchAccounts(batchId)).toEqual({ checked: 0, notConfirmed: 0 });
    await db.application.update({ where: { id: refused.id }, data: { status: 'REJECTED' } });
    await db.application.update({ where: { id: eligible.id }, data: { status: 'ENROLLED' } });
    expect((await accountOf(eligible.id)).checkedAt).toEqual(checkedAt);
    expect(await outcome(refused.id)).toMatchObject({ status: 'REJECTED' });
  });

  it('enrols a household whose identity is disputed as SUSPENDED, for the dispute to lift', async () => {
    const program = await createProgram(db);
    const app = await applyAs(program.id, adultWith('none', 'bank'));
    const dispute = await db.identityDispute.create({
      data: {
        applicationId: app.id,
        reason: (await testPersonalData(db)).seal('identity_dispute.reason', 'the person called: someone else applied'),
        openedBy: randomReviewer(),
      },
    });
    expect(await decideOne(app)).toMatchObject({ status: 'ENROLLED' });
    const beneficiary = await db.beneficiary.findUniqueOrThrow({ where: { applicationId: app.id } });
    expect(beneficiary.status).toBe('SUSPENDED');
    expect((await db.identityDispute.findUniqueOrThrow({ where: { id: dispute.id } })).beneficiaryId).toBe(beneficiary.id);
  });

  it('enrols once the applicant gives an account its rail confirms, after telling them of one it does not', async () => {
    const program = await createProgram(db);
    const used = new Set<string>();
    const person = adultWith('closed', 'bank', used, (p) => accountDirt(p.nationalId, 'wallet') === 'none');
    const someoneElse = adultWith('none', 'bank', used);
    const app = await applyAs(program.id, person);
    await decideWaiting(program.id);
    expect(await outcome(app.id)).toEqual({ status: 'NEEDS_REVIEW', reasonCodes: ['ACCOUNT_CLOSED'] });
    const review = reviewHandle(app.id, 'ACCOUNT');
    const lookup = await lookupApplication(web(), app.number, person.dateOfBirth);
    expect(lookup).toMatchObject({ status: 'NEEDS_REVIEW', canGiveAccount: true, canAppeal: false });

    /** As the applicant does: asks for a code, reads it in the SMS, gives the account with it. */
    const give = async (account: AccountDetails, code?: string) => {
      expect(await requestAccountCode(web(), app.number, person.dateOfBirth)).toMatchObject({ kind: 'code_sent' });
      const sms = await db.notification.findFirstOrThrow({
        where: { applicationId: app.id, eventKey: { startsWith: 'code:' } },
        orderBy: { createdAt: 'desc' },
      });
      return giveAnotherAccount(web(), app.number, person.dateOfBirth, code ?? /\b(\d{6})\b/.exec(await smsText(db, sms))![1]!, account);
    };
    const othersAccount = { rail: 'BANK' as const, bankCode: '001', accountNumber: bankAccountNumberOf(someoneElse.nationalId) };
    expect(await give(othersAccount, '000000')).toMatchObject({ kind: 'code_refused' });
    expect(await give(othersAccount)).toEqual({ kind: 'given' });
    // The rail says whose it is: the applicant is told, and the case still waits.
    await waitFor(async () => (await notified(app.id)).filter((k) => k.startsWith('account:')).length === 2, 15_000);
    expect((await accountOf(app.id)).checkOutcome).toBe('HOLDER_MISMATCH');
    expect(await status(app.id)).toBe('NEEDS_REVIEW');

    expect(await give({ rail: 'WALLET', msisdn: walletMsisdnOf(person.nationalId, 'BR') })).toEqual({ kind: 'given' });
    expect(await review.result()).toEqual({ status: 'ENROLLED', reasonCodes: [] });
    await recordHistory(review, 'application-review-account-given');
    expect((await accountOf(app.id)).checkOutcome).toBe('VERIFIED');
    expect(await db.beneficiary.count({ where: { applicationId: app.id } })).toBe(1);
    expect(
      await db.reviewTask.findUniqueOrThrow({ where: { applicationId_kind: { applicationId: app.id, kind: 'ACCOUNT' } } }),
    ).toMatchObject({
      status: 'DECIDED',
      decision: 'ENROLL',
      reviewerId: null,
    });
    expect((await notified(app.id)).at(-1)).toBe('decision:ENROLLED');
    expect(await db.auditEvent.count({ where: { entityId: app.id, action: 'application.account_given' } })).toBe(2);
    // Enrolled: the account is no longer the applicant's to change this way.
    expect(await requestAccountCode(web(), app.number, person.dateOfBirth)).toEqual({ kind: 'not_waiting' });
  });

  it("a reviewer who turns an account case down rejects it with the account's reason; one who accepts it enrols", async () => {
    const program = await createProgram(db);
    const used = new Set<string>();
    const down = await applyAs(program.id, adultWith('holder_mismatch', 'bank', used));
    const accepted = await applyAs(program.id, adultWith('dormant', 'bank', used));
    await decideWaiting(program.id);
    for (const [app, decision] of [
      [down, 'REJECT'],
      [accepted, 'ENROLL'],
    ] as const) {
      const task = await db.reviewTask.findUniqueOrThrow({ where: { applicationId_kind: { applicationId: app.id, kind: 'ACCOUNT' } } });
      expect(await decideReview(web(), task.id, randomReviewer(), decision, 'called the applicant')).toEqual({ kind: 'decided' });
    }
    expect(await reviewHandle(down.id, 'ACCOUNT').result()).toEqual({ status: 'REJECTED', reasonCodes: ['ACCOUNT_HOLDER_MISMATCH'] });
    const stored = await db.application.findUniqueOrThrow({ where: { id: down.id } });
    expect(stored.appealDeadline!.getTime()).toBeGreaterThan(Date.now());
    expect(await reviewHandle(accepted.id, 'ACCOUNT').result()).toEqual({ status: 'ENROLLED', reasonCodes: [] });
  });
});

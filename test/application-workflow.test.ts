// ApplicationWorkflow on the real Temporal server, the test database and the registry simulator.
import Decimal from 'decimal.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../activities';
import { ageOn } from '../domain/eligibility';
import { generateCpf } from '../domain/national-id';
import { loadConfig } from '../lib/config';
import { createDb } from '../lib/db';
import { nationalIdHash } from '../lib/pii';
import type { Person } from '../simulators/registry/population';
import { ApplicationWorkflow } from '../workflows';
import { applicationWorkflowId } from '../workflows/ids';
import { createProgram } from './support/fixtures';
import { startRegistry } from './support/registry';
import { recordHistory, startTestWorker, type TestTemporal } from './support/temporal';
import { uid } from './support/util';

const TODAY = '2026-11-22';
const config = loadConfig();
const db = createDb(config.DATABASE_URL, 5);
let registry: Awaited<ReturnType<typeof startRegistry>>;
let temporal: TestTemporal;

beforeAll(async () => {
  registry = await startRegistry(400);
  temporal = await startTestWorker(
    createActivities({ db, config: { ...config, REGISTRY_SIM_URL: registry.url }, today: () => TODAY }),
  );
});
afterAll(async () => {
  await temporal?.close();
  await registry?.close();
  await db.$disconnect();
});

/** Persons by household: per-capita income and adults, as the rules will see them. */
function households() {
  const byId = new Map(registry.population.persons.map((p) => [p.nationalId, p]));
  return registry.population.households.map((h) => {
    const members = h.memberNationalIds.map((id) => byId.get(id)!);
    return {
      perCapita: new Decimal(h.monthlyIncome).dividedBy(members.length),
      adults: members.filter((m) => ageOn(m.dateOfBirth, TODAY) >= 18),
      minors: members.filter((m) => ageOn(m.dateOfBirth, TODAY) < 16),
    };
  });
}

async function apply(programId: string, person: Pick<Person, 'nationalId' | 'fullName' | 'dateOfBirth'>) {
  return db.application.create({
    data: {
      number: uid('A'), programId, nationalIdHash: nationalIdHash(config.PII_HASH_KEY, 'BR', person.nationalId), nationalId: person.nationalId,
      fullName: person.fullName, dateOfBirth: new Date(`${person.dateOfBirth}T00:00:00Z`), phone: '+5511900000000', phoneHash: uid('phone'), municipality: 'x',
      householdSize: 1, dependantsUnder18: 0, declaredMonthlyIncome: '0.00',
      paymentAccount: { create: { rail: 'BANK', bankCode: '001', accountNumber: uid('9').replace(/\D/g, '').slice(0, 12), accountKey: uid('account') } },
    },
  });
}

async function decide(applicationId: string, history?: string) {
  const handle = await temporal.client.workflow.start(ApplicationWorkflow, {
    workflowId: applicationWorkflowId(applicationId), taskQueue: temporal.taskQueue, args: [{ applicationId }],
  });
  const result = await handle.result();
  if (history) await recordHistory(handle, history);
  return result;
}

describe('ApplicationWorkflow', () => {
  it('enrolls an eligible adult, storing registry facts and every rule result', async () => {
    const program = await createProgram(db);
    const household = households().find((h) => h.perCapita.lessThanOrEqualTo(759) && h.adults.length > 0)!;
    const app = await apply(program.id, household.adults[0]!);
    expect(await decide(app.id, 'application-enrolled')).toEqual({ status: 'ENROLLED', reasonCodes: [] });

    const stored = await db.application.findUniqueOrThrow({ where: { id: app.id }, include: { beneficiary: true } });
    expect(stored.status).toBe('ENROLLED');
    expect(stored.beneficiary?.householdId).toBe(household.adults[0]!.householdId);
    expect(stored.ruleResults).toEqual([
      expect.objectContaining({ rule: 'max_income_per_capita', passed: true }),
      expect.objectContaining({ rule: 'min_applicant_age', passed: true }),
    ]);
    expect(await db.auditEvent.count({ where: { entityId: app.id, action: 'application.enrolled' } })).toBe(1);
  });

  it('rejects a household above the income threshold, naming the rule', async () => {
    const program = await createProgram(db);
    const household = households().find((h) => h.perCapita.greaterThan(759) && h.adults.length > 0)!;
    const app = await apply(program.id, household.adults[0]!);
    expect(await decide(app.id, 'application-rejected')).toEqual({ status: 'REJECTED', reasonCodes: ['INCOME_ABOVE_THRESHOLD'] });
    const stored = await db.application.findUniqueOrThrow({ where: { id: app.id } });
    expect(stored).toMatchObject({ status: 'REJECTED', reasonCodes: ['INCOME_ABOVE_THRESHOLD'] });
    expect(await db.beneficiary.count({ where: { programId: program.id } })).toBe(0);
  });

  it('rejects a minor', async () => {
    const program = await createProgram(db, { rules: [{ type: 'min_applicant_age', years: 18 }] });
    const minor = households().find((h) => h.minors.length > 0)!.minors[0]!;
    expect(await decide((await apply(program.id, minor)).id)).toMatchObject({ reasonCodes: ['APPLICANT_TOO_YOUNG'] });
  });

  it('rejects a person the registry does not know, and a wrong date of birth', async () => {
    const program = await createProgram(db);
    const known = new Set(registry.population.persons.map((p) => p.nationalId));
    let seed = 99;
    let cpf = '';
    do cpf = generateCpf((max) => (seed = (seed * 48271) % 2147483647) % max); while (known.has(cpf));
    const unknown = await apply(program.id, { nationalId: cpf, fullName: 'Nobody Known', dateOfBirth: '1980-01-01' });
    expect(await decide(unknown.id)).toMatchObject({ status: 'REJECTED', reasonCodes: ['NOT_IN_REGISTRY'] });

    const person = households().find((h) => h.adults.length > 0)!.adults[0]!;
    const wrongDob = await apply(program.id, { ...person, dateOfBirth: '1901-01-01' });
    expect(await decide(wrongDob.id)).toMatchObject({ status: 'REJECTED', reasonCodes: ['DATE_OF_BIRTH_MISMATCH'] });
  });

  it('enrolls exactly one of two adults of the same household applying at the same time', async () => {
    const program = await createProgram(db);
    const household = households().find((h) => h.perCapita.lessThanOrEqualTo(759) && h.adults.length >= 2)!;
    const [a, b] = await Promise.all(household.adults.slice(0, 2).map((p) => apply(program.id, p)));
    const results = await Promise.all([decide(a!.id), decide(b!.id)]);
    expect(results.map((r) => r.status).sort()).toEqual(['ENROLLED', 'REJECTED']);
    expect(results.find((r) => r.status === 'REJECTED')!.reasonCodes).toEqual(['DUPLICATE_HOUSEHOLD']);
    expect(await db.beneficiary.count({ where: { programId: program.id } })).toBe(1);
  });

  it('decides the same way when the workflow of an application is started twice', async () => {
    const program = await createProgram(db);
    const household = households().find((h) => h.perCapita.lessThanOrEqualTo(759) && h.adults.length > 0)!;
    const app = await apply(program.id, household.adults[0]!);
    expect(await decide(app.id)).toMatchObject({ status: 'ENROLLED' });
    // Starting again (a redelivered intake job after the first run closed) re-runs every activity.
    await temporal.client.workflow.start(ApplicationWorkflow, {
      workflowId: applicationWorkflowId(app.id), taskQueue: temporal.taskQueue, args: [{ applicationId: app.id }], workflowIdReusePolicy: 'ALLOW_DUPLICATE',
    }).then((h) => h.result()).then((r) => expect(r).toMatchObject({ status: 'ENROLLED' }));
    expect(await db.beneficiary.count({ where: { programId: program.id } })).toBe(1);
    expect(await db.auditEvent.count({ where: { entityId: app.id, action: 'application.enrolled' } })).toBe(1);
  });
});

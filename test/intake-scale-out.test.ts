// Intake scaled out, as separate processes: two web servers, two Temporal workers and two queue workers
// (dispatchers) on the same PostgreSQL, Redis and Temporal. A crowd applies through both web servers; every
// application is decided exactly once, batches are claimed by both dispatchers and run on both workers,
// and the only workflows left running are those waiting for a person.
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../lib/config';
import { temporalDataConverter } from '../lib/payload-codec';
import { createDb } from '../lib/db';
import { createUser } from '../lib/users';
import { AmparoApi } from '../scripts/api-client';
import { applicationFor, fetchRegistryPersons } from '../scripts/applicants';
import { removeQueues } from '../scripts/queues-cleanup';
import { stackEnv, startStack, type Stack } from '../scripts/stack';
import { uid, waitFor } from './support/util';

const APPLICANTS = 600;
const config = loadConfig();
const db = createDb(config.DATABASE_URL, 2);
const queuePrefix = uid('amparo-test-scale');
const taskQueue = uid('scale');
let stack: Stack;
let connection: Connection;
let programId: string;

beforeAll(async () => {
  stack = await startStack(
    await stackEnv(process.env, {
      REGISTRY_POPULATION: '1500',
      TEMPORAL_TASK_QUEUE: taskQueue,
      QUEUE_PREFIX: queuePrefix,
      // Batches of 50: 600 applicants make a dozen, enough for both dispatchers and both workers to take some.
      DECISION_BATCH_SIZE: '50',
    }),
    undefined,
    { scale: { web: 2, temporalWorker: 2, queueWorker: 2 } },
  );
  connection = await Connection.connect({ address: config.TEMPORAL_ADDRESS });
  const admin = await createUser(db, uid('scale-admin'), 'ADMIN');
  const code = uid('SCALE')
    .toUpperCase()
    .replace(/[^A-Z0-9]/g, '')
    .slice(0, 20);
  await new AmparoApi(stack.urls.web, admin.token).createProgram({
    code,
    name: 'Scale-out',
    country: 'BR',
    currency: 'BRL',
    baseAmount: '600.00',
    fundingAccount: `AMPARO-${code}`,
    rules: [
      { type: 'max_income_per_capita', amount: '759.00' },
      { type: 'min_applicant_age', years: 18 },
    ],
  });
  programId = (await db.program.findUniqueOrThrow({ where: { code } })).id;
  const persons = await fetchRegistryPersons(stack.urls.registry, APPLICANTS);
  // Round robin over both web servers, 24 at a time, as a load balancer would spread a crowd; each applicant
  // then confirms their phone with the code from the SMS, through the other web server.
  let next = 0;
  await Promise.all(
    Array.from({ length: 24 }, async () => {
      while (next < persons.length) {
        const i = next++;
        const body = applicationFor(persons[i]!, i);
        const res = await new AmparoApi(stack.urls.webs[i % 2]!).submitApplication(code, body);
        if (res.status !== 201) throw new Error(`application ${i}: HTTP ${res.status}`);
        await new AmparoApi(stack.urls.webs[(i + 1) % 2]!).confirmPhone(stack.urls.sms, res.body.applicationNumber!, body.phone);
      }
    }),
  );
  await waitFor(
    async () => (await db.application.count({ where: { programId, status: { in: ['RECEIVED', 'VERIFYING'] } } })) === 0,
    120_000,
  );
  await waitFor(async () => (await db.decisionBatch.count({ where: { taskQueue, finishedAt: null } })) === 0, 30_000);
}, 300_000);
afterAll(async () => {
  await stack?.stop();
  await connection?.close();
  await db.$disconnect();
  await removeQueues(config.REDIS_URL, queuePrefix);
});

describe('intake on two of each process', () => {
  it('decides every application exactly once: one decision, one message, one batch each', async () => {
    const apps = await db.application.findMany({ where: { programId }, select: { id: true, decisionBatchId: true } });
    expect(apps).toHaveLength(APPLICANTS);
    expect(apps.every((a) => a.decisionBatchId !== null)).toBe(true);
    const ids = apps.map((a) => a.id);
    const decisions = await db.auditEvent.groupBy({
      by: ['entityId'],
      where: { entityId: { in: ids }, action: { in: ['application.enrolled', 'application.rejected', 'application.sent_to_review'] } },
      _count: true,
    });
    expect(decisions).toHaveLength(APPLICANTS);
    expect(decisions.every((d) => d._count === 1)).toBe(true);
    const messages = await db.notification.groupBy({
      by: ['applicationId'],
      // The decision, or (an account its rail did not confirm) the request for another account.
      where: { applicationId: { in: ids }, OR: [{ eventKey: { startsWith: 'decision:' } }, { eventKey: { startsWith: 'account:' } }] },
      _count: true,
    });
    expect(messages).toHaveLength(APPLICANTS);
    expect(messages.every((m) => m._count === 1)).toBe(true);
    const batches = await db.decisionBatch.findMany({ where: { applications: { some: { programId } } } });
    expect(batches.reduce((n, b) => n + b.size, 0)).toBe(APPLICANTS);
    expect(batches.every((b) => b.finishedAt !== null)).toBe(true);
  });

  it('spreads the work: both web servers took applications, both dispatchers claimed batches, both workers ran them', async () => {
    const batches = await db.decisionBatch.findMany({ where: { taskQueue }, select: { id: true, claimedBy: true } });
    expect(new Set(batches.map((b) => b.claimedBy)).size).toBe(2);
    const temporal = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE, dataConverter: temporalDataConverter(config) });
    const identities = new Set<string>();
    for (const b of batches) {
      const history = await temporal.workflow.getHandle(`decision-batch-${b.id}`).fetchHistory();
      for (const e of history.events ?? []) {
        const identity = e.activityTaskStartedEventAttributes?.identity ?? e.workflowTaskStartedEventAttributes?.identity;
        if (identity) identities.add(identity);
      }
    }
    expect(identities.size).toBe(2);
  });

  it('keeps no workflow running for a decided application: only the cases waiting for a person', async () => {
    const temporal = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE, dataConverter: temporalDataConverter(config) });
    const running: string[] = [];
    for await (const w of temporal.workflow.list({ query: `TaskQueue = '${taskQueue}' AND ExecutionStatus = 'Running'` }))
      running.push(w.workflowId);
    const waiting = await db.reviewTask.findMany({
      where: { application: { programId }, status: 'OPEN' },
      select: { applicationId: true, kind: true },
    });
    expect(running.sort()).toEqual(waiting.map((t) => `application-review-${t.applicationId}-${t.kind.toLowerCase()}`).sort());
    const rejected = await db.application.count({ where: { programId, status: 'REJECTED' } });
    expect(rejected).toBeGreaterThan(50); // rejections have an open appeal window, and no workflow
  });
});

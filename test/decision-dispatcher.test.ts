// The decision dispatcher on the real database and Temporal server: dispatchers claiming at the same time
// never take an application twice, the window of batches under way holds across them, a batch waits a moment
// to fill, and a batch claimed but never started (a crashed dispatcher) is started by another.
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../lib/config';
import { temporalDataConverter } from '../lib/payload-codec';
import { createDb } from '../lib/db';
import { createLogger } from '../lib/logger';
import { hashKeys, nationalIdHash, phoneHash } from '../lib/pii';
import { claimDecisionBatch, startUnstartedBatches, type DispatcherOptions } from '../workers/decision-dispatcher';
import { decisionBatchWorkflowId } from '../workflows/ids';
import { createProgram } from './support/fixtures';
import { uid } from './support/util';
import { testPersonalData } from './support/personal-data';

const config = loadConfig();
const db = createDb(config.DATABASE_URL, 10);
let connection: Connection;
let temporal: Client;
beforeAll(async () => {
  connection = await Connection.connect({ address: config.TEMPORAL_ADDRESS });
  temporal = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE, dataConverter: temporalDataConverter(config) });
});
afterAll(async () => {
  await connection?.close();
  await db.$disconnect();
});

/** `count` accepted applications (their phones confirmed) of a new program on a task queue of their own (no worker: nothing decides them). */
async function waiting(count: number) {
  const program = await createProgram(db);
  const taskQueue = uid('dispatch-tq');
  const pd = await testPersonalData(db);
  await db.application.createMany({
    data: Array.from({ length: count }, (_, i) => ({
      number: uid('D').toUpperCase(),
      programId: program.id,
      nationalIdHash: hashKeys(config).current(nationalIdHash, 'BR', `${program.id}-${i}`),
      nationalId: pd.seal('application.national_id', String(10_000_000_000 + i)),
      fullName: pd.seal('application.full_name', 'Applicant'),
      dateOfBirth: pd.seal('application.date_of_birth', '1980-01-01'),
      phone: pd.seal('application.phone', '+5511900000000'),
      phoneHash: hashKeys(config).current(phoneHash, `${program.id}-${i}`),
      municipality: 'x',
      householdSize: 1,
      dependantsUnder18: 0,
      declaredMonthlyIncome: '0.00',
      decisionQueue: taskQueue,
      phoneVerifiedAt: new Date(),
    })),
  });
  const opts: DispatcherOptions = { db, temporal, taskQueue, log: createLogger('test', 'error'), programIds: [program.id] };
  return { program, opts };
}

describe('decision dispatcher', () => {
  it('never claims an application twice, however many dispatchers claim at once', async () => {
    const { program, opts } = await waiting(300);
    const claims = await Promise.all(
      Array.from({ length: 12 }, () => claimDecisionBatch({ ...opts, batchSize: 40, batchesInFlight: 1000 })),
    );
    const batches = claims.filter((c) => c !== null);
    expect(batches.reduce((n, b) => n + b.size, 0)).toBe(300);
    expect(batches.every((b) => b.size <= 40)).toBe(true);
    const claimed = await db.application.groupBy({ by: ['decisionBatchId'], where: { programId: program.id }, _count: true });
    expect(claimed.map((c) => c.decisionBatchId).sort()).toEqual(batches.map((b) => b.id).sort());
    expect(claimed.map((c) => c._count).sort()).toEqual(batches.map((b) => b.size).sort());
    expect(await db.application.count({ where: { programId: program.id, status: 'VERIFYING' } })).toBe(300);
    expect(await claimDecisionBatch({ ...opts, batchesInFlight: 1000 })).toBeNull();
  });

  it('holds the window of batches under way: no new batch until one finishes', async () => {
    const { opts } = await waiting(10);
    const window = { ...opts, batchSize: 2, batchesInFlight: 2 };
    const first = await claimDecisionBatch(window);
    const second = await claimDecisionBatch(window);
    expect([first?.size, second?.size]).toEqual([2, 2]);
    expect(await claimDecisionBatch(window)).toBeNull();
    await db.decisionBatch.update({ where: { id: first!.id }, data: { finishedAt: new Date() } });
    expect((await claimDecisionBatch(window))?.size).toBe(2);
  });

  it('claims a full batch at once, and a smaller one only when the oldest has waited long enough', async () => {
    const { program, opts } = await waiting(7);
    const filling = { ...opts, batchSize: 5, batchesInFlight: 1000, fillWithinMs: 60_000 };
    expect((await claimDecisionBatch(filling))?.size).toBe(5);
    expect(await claimDecisionBatch(filling)).toBeNull(); // two wait, for under a minute
    await db.application.updateMany({
      where: { programId: program.id, status: 'RECEIVED' },
      data: { createdAt: new Date(Date.now() - 61_000), phoneVerifiedAt: new Date(Date.now() - 61_000) },
    });
    expect((await claimDecisionBatch(filling))?.size).toBe(2);
  });

  it('counts the wait from the phone confirmed, not from the form sent: confirmations arriving one by one fill a batch', async () => {
    const { program, opts } = await waiting(2);
    const filling = { ...opts, batchSize: 5, batchesInFlight: 1000, fillWithinMs: 60_000 };
    const where = { programId: program.id, status: 'RECEIVED' as const };
    // Sent a while ago, but confirmed just now: they have not waited to be decided yet.
    await db.application.updateMany({ where, data: { createdAt: new Date(Date.now() - 120_000) } });
    expect(await claimDecisionBatch(filling)).toBeNull();
    await db.application.updateMany({ where, data: { phoneVerifiedAt: new Date(Date.now() - 61_000) } });
    expect((await claimDecisionBatch(filling))?.size).toBe(2);
  });

  it('starts a batch that was claimed but never started, once', async () => {
    const { opts } = await waiting(3);
    const batch = (await claimDecisionBatch({ ...opts, batchesInFlight: 1000 }))!;
    // The dispatcher that claimed it crashed before starting its workflow.
    expect(await startUnstartedBatches(opts)).toBe(0); // too recent: its own dispatcher may still start it
    expect(await startUnstartedBatches(opts, 0)).toBe(1);
    const handle = temporal.workflow.getHandle(decisionBatchWorkflowId(batch.id));
    expect((await handle.describe()).status.name).toBe('RUNNING');
    expect((await db.decisionBatch.findUniqueOrThrow({ where: { id: batch.id } })).startedAt).not.toBeNull();
    expect(await startUnstartedBatches(opts, 0)).toBe(0);
    await handle.terminate('test over: no worker serves this task queue');
  });
});

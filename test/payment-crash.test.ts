// Crashes in the middle of a cycle, with the rail as separate processes: the Temporal worker and the bank
// simulator are killed (SIGKILL) while batches are in flight, and started again. Judged by the bank's
// own ledger: every household credited exactly once, nothing lost, nothing left "sent".
import { Client, Connection } from '@temporalio/client';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../lib/config';
import { temporalDataConverter } from '../lib/payload-codec';
import { createDb } from '../lib/db';
import { removeQueues } from '../scripts/queues-cleanup';
import { stackEnv, startStack, type Stack } from '../scripts/stack';
import { PaymentCycleWorkflow } from '../workflows';
import { paymentCycleWorkflowId } from '../workflows/ids';
import { entryCounts } from './support/bank';
import { approvedCycle, createProgram } from './support/fixtures';
import { enrolPopulationHouseholds } from './support/population-households';
import { uid, waitFor } from './support/util';

const config = loadConfig();
const db = createDb(config.DATABASE_URL, 2);
const queuePrefix = uid('amparo-test-crash');
const taskQueue = uid('crash');
let stack: Stack;
let connection: Connection;
let client: Client;

beforeAll(async () => {
  // A slow bank (2 s to settle) so the kill lands while batches wait for their statuses.
  const faults = JSON.stringify({ settleDelayMs: 2_000, duplicateCallbackRate: 0.5 });
  stack = await startStack(
    await stackEnv(process.env, {
      TEMPORAL_TASK_QUEUE: taskQueue,
      QUEUE_PREFIX: queuePrefix,
      BANK_SIM_FAULTS: faults,
      RAIL_TIMEOUT_MS: '3000',
    }),
  );
  connection = await Connection.connect({ address: config.TEMPORAL_ADDRESS });
  client = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE, dataConverter: temporalDataConverter(config) });
}, 180_000);
afterAll(async () => {
  await stack?.stop();
  await connection?.close();
  await db.$disconnect();
  await removeQueues(config.REDIS_URL, queuePrefix);
});

describe('a cycle through crashes', () => {
  it('pays every household exactly once when the worker and the bank are killed mid-batch', async () => {
    const program = await createProgram(db, { batchSize: 15 });
    await enrolPopulationHouseholds(db, program.id, 120);
    const cycle = await approvedCycle(db, program.id);
    const handle = await client.workflow.start(PaymentCycleWorkflow, {
      workflowId: paymentCycleWorkflowId(cycle.id),
      taskQueue,
      args: [{ cycleId: cycle.id, batch: { pollIntervalMs: 2_000 } }],
    });

    // Kill while some batches are sent and not yet settled.
    await waitFor(async () => (await db.paymentBatch.count({ where: { cycleId: cycle.id, status: 'SUBMITTED' } })) > 0, 60_000);
    await stack.restart('temporal-worker', { hard: true });
    await stack.restart('bank-sim', { hard: true });
    const result = await handle.result();

    expect(result.progress).toMatchObject({ phase: 'completed', batchCount: 8, batchesDone: 8, paid: 120, failed: 0, needsAttention: 0 });
    const pool = new pg.Pool({ connectionString: config.BANK_SIM_DATABASE_URL, max: 1 });
    try {
      const credits = await entryCounts(pool, program.fundingAccount);
      const keys = (await db.paymentInstruction.findMany({ where: { cycleId: cycle.id }, select: { paymentKey: true } })).map(
        (i) => i.paymentKey,
      );
      expect(keys.map((k) => credits.get(k) ?? 0)).toEqual(keys.map(() => 1));
      expect(credits.size).toBe(120);
    } finally {
      await pool.end();
    }
    expect(result.reconciliation).toMatchObject({ matched: { count: 120, amount: '72000.00' }, breaks: { count: 0 } });
  }, 240_000);
});

// The daily retention run on the real Temporal server: RetentionWorkflow erases every application past its
// retention, a batch at a time, until a batch is not full; the schedule that starts it is created once
// however many times the worker starts (create, or update what is there).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../lib/config';
import { createDb } from '../lib/db';
import { ensureRetentionSchedule } from '../workers/retention-schedule';
import { RetentionWorkflow } from '../workflows';
import { testActivities, testQueues } from './support/activities';
import { createProgram, enrollBeneficiaries } from './support/fixtures';
import { recordHistory, startTestWorker, type TestTemporal } from './support/temporal';
import { uid, waitFor } from './support/util';

const config = loadConfig();
const db = createDb(config.DATABASE_URL, 5);
const queues = testQueues();
let temporal: TestTemporal;

beforeAll(async () => {
  temporal = await startTestWorker(testActivities(queues.queues, { db, config }));
});
afterAll(async () => {
  await temporal?.close();
  await queues.close();
  await db.$disconnect();
});

describe('RetentionWorkflow', () => {
  it('erases, a batch at a time, every household past its retention', async () => {
    const program = await createProgram(db);
    const ids = await enrollBeneficiaries(db, program.id, 3);
    await db.beneficiary.updateMany({
      where: { id: { in: ids } },
      data: { status: 'REMOVED', leftAt: new Date(Date.now() - 400 * 86_400_000) },
    });
    const handle = await temporal.client.workflow.start(RetentionWorkflow, {
      workflowId: uid('retention'),
      taskQueue: temporal.taskQueue,
      // Two a batch: three households (and whatever else is due in the test database) take at least two.
      args: [{ batchSize: 2 }],
    });
    const result = await handle.result();
    expect(result.erased).toBeGreaterThanOrEqual(3);
    const apps = await db.application.findMany({ where: { programId: program.id } });
    expect(apps.map((a) => [a.erasedAt !== null, a.nationalId, a.fullName])).toEqual([
      [true, null, null],
      [true, null, null],
      [true, null, null],
    ]);
    const batches = (await handle.fetchHistory()).events?.filter((e) => e.activityTaskScheduledEventAttributes).length;
    expect(batches).toBeGreaterThanOrEqual(2);
    await recordHistory(handle, 'retention');
  });
});

describe('the retention schedule', () => {
  it('is created once: the worker starting again updates it, and describe shows one daily RetentionWorkflow', async () => {
    const scheduleId = uid('amparo-retention-test');
    try {
      expect(await ensureRetentionSchedule(temporal.client, { scheduleId, taskQueue: temporal.taskQueue })).toBe('created');
      expect(await ensureRetentionSchedule(temporal.client, { scheduleId, taskQueue: temporal.taskQueue })).toBe('updated');
      // The list is read from the visibility store, which lags a little behind.
      const listed = await waitFor(async () => {
        const ids: string[] = [];
        for await (const s of temporal.client.schedule.list()) if (s.scheduleId === scheduleId) ids.push(s.scheduleId);
        return ids.length > 0 && ids;
      });
      expect(listed).toEqual([scheduleId]);
      const described = await temporal.client.schedule.getHandle(scheduleId).describe();
      expect(described.action).toMatchObject({ type: 'startWorkflow', workflowType: 'RetentionWorkflow', taskQueue: temporal.taskQueue });
      expect(described.spec.calendars).toHaveLength(1);
      expect(described.policies.overlap).toBe('SKIP');
    } finally {
      await temporal.client.schedule.getHandle(scheduleId).delete();
    }
  });
});

// The Temporal schedule that runs RetentionWorkflow daily. The Temporal worker makes sure of it at every
// start: created the first time, updated to this definition after (a changed time or task queue reaches the
// server with the next deploy), its state kept (a schedule an operator paused stays paused).
import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import type { RetentionWorkflow } from '../workflows/retention';

export const RETENTION_SCHEDULE_ID = 'amparo-retention';

function definition(taskQueue: string) {
  return {
    // 03:15 UTC: night in the programs' countries (UTC-3), away from the rails' cut-offs and statement imports.
    spec: { calendars: [{ hour: 3, minute: 15, comment: 'daily erasure of personal data past its retention' }] },
    action: {
      type: 'startWorkflow' as const,
      workflowType: 'RetentionWorkflow',
      // The server appends the scheduled time, so each day's run has its own ID.
      workflowId: RETENTION_SCHEDULE_ID,
      taskQueue,
      args: [{}] as Parameters<typeof RetentionWorkflow>,
    },
    // One run at a time (a long first run is not doubled by the next day's), and a day missed while the server
    // was down is run once when it is back, not every missed day.
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 day' },
  };
}

/** Creates the retention schedule, or updates the one there: 'created' or 'updated'. */
export async function ensureRetentionSchedule(
  client: Client,
  opts: { taskQueue: string; scheduleId?: string },
): Promise<'created' | 'updated'> {
  const scheduleId = opts.scheduleId ?? RETENTION_SCHEDULE_ID;
  const schedule = definition(opts.taskQueue);
  try {
    await client.schedule.create<typeof RetentionWorkflow>({ scheduleId, ...schedule });
    return 'created';
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
  }
  await client.schedule.getHandle(scheduleId).update<typeof RetentionWorkflow>((previous) => ({ ...previous, ...schedule }));
  return 'updated';
}

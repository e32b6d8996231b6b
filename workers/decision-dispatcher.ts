// The decision dispatcher: claims applications waiting in PostgreSQL (status RECEIVED, the phone confirmed:
// web/services/phone-verification.ts; until then an application does not count) in batches and starts
// a DecisionBatchWorkflow for each. Any number of dispatchers may run (one per queue worker): they take
// turns under an advisory lock, so an application is claimed once and the window of batches under way
// (DECISION_BATCHES_IN_FLIGHT, per task queue) holds across all of them. A batch claimed but not started (a crash between
// the two) is started by the next dispatcher that finds it; starting twice finds the running workflow.
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { Db } from '../lib/db';
import type { Logger } from '../lib/logger';
import { decisionBatchWorkflowId } from '../workflows/ids';
import { DECISION_BATCH_FILL_MS, DECISION_BATCH_SIZE, DECISION_BATCHES_IN_FLIGHT } from '../workflows/settings';

/** How long an idle dispatcher waits before looking again: the most an application waits for its batch. */
const IDLE_MS = 100;
/** A batch unstarted for this long was left by a dispatcher that crashed: start it. */
const UNSTARTED_AFTER_S = 30;
/** A batch open for this long no longer holds a place in the window (a person must look at it). */
const STUCK_AFTER_S = 600;
const DISPATCH_LOCK = 0x616d7061; // 'ampa': one advisory lock for every dispatcher of a database

export interface DispatcherOptions {
  db: Db;
  temporal: Client;
  /** The task queue the batches run on, and the decision_queue of the applications this dispatcher takes. */
  taskQueue: string;
  log: Logger;
  batchSize?: number;
  batchesInFlight?: number;
  /** Only these programs' applications (tests share one database). */
  programIds?: string[];
  /** Recorded on each batch it claims; default process@host. */
  identity?: string;
  /**
   * Claim less than a full batch only once the first application waiting (since its phone was confirmed)
   * has waited this long (default 0: at once). The dispatcher waits DECISION_BATCH_FILL_MS, so a surge is decided in full batches.
   */
  fillWithinMs?: number;
}

/** Claims up to batchSize waiting applications as a new batch, unless the window is full or nothing waits. */
export async function claimDecisionBatch(opts: DispatcherOptions): Promise<{ id: string; size: number } | null> {
  const { db, taskQueue } = opts;
  const programs = opts.programIds ?? null;
  return db.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(${DISPATCH_LOCK})`;
    const [{ open } = { open: 0 }] = await tx.$queryRaw<Array<{ open: number }>>`
      SELECT count(*)::int AS open FROM decision_batch
      WHERE task_queue = ${taskQueue} AND finished_at IS NULL AND created_at > (now() AT TIME ZONE 'UTC') - make_interval(secs => ${STUCK_AFTER_S})`;
    if (open >= (opts.batchesInFlight ?? DECISION_BATCHES_IN_FLIGHT)) return null;
    const batchSize = opts.batchSize ?? DECISION_BATCH_SIZE;
    // Full, or the first waiting has waited long enough? (A short range of the partial index of waiting
    // applications, application_waiting_idx: its predicate is these two conditions, so it holds only what a
    // claim may take.) An application waits from its phone's confirmation, not from its form: counted from
    // the form, every confirmation was already due on arrival, and batches of a few were decided one by one.
    const [{ waiting, due } = { waiting: 0, due: false }] = await tx.$queryRaw<Array<{ waiting: number; due: boolean }>>`
      SELECT count(*)::int AS waiting,
        COALESCE(min(phone_verified_at) <= (now() AT TIME ZONE 'UTC') - make_interval(secs => ${(opts.fillWithinMs ?? 0) / 1000}), false) AS due
      FROM (SELECT phone_verified_at FROM application
            WHERE status = 'RECEIVED' AND phone_verified_at IS NOT NULL AND decision_queue = ${taskQueue} AND (${programs}::uuid[] IS NULL OR program_id = ANY(${programs}::uuid[]))
            ORDER BY created_at, id LIMIT ${batchSize}) w`;
    if (waiting === 0 || (waiting < batchSize && !due)) return null;
    const id = randomUUID();
    await tx.$executeRaw`INSERT INTO decision_batch (id, task_queue, claimed_by, size, created_at)
      VALUES (${id}::uuid, ${taskQueue}, ${opts.identity ?? `${process.pid}@${hostname()}`}, 0, now() AT TIME ZONE 'UTC')`;
    const size = await tx.$executeRaw`
      UPDATE application a SET status = 'VERIFYING', decision_batch_id = ${id}::uuid
      FROM (SELECT id FROM application
            WHERE status = 'RECEIVED' AND phone_verified_at IS NOT NULL AND decision_queue = ${taskQueue} AND (${programs}::uuid[] IS NULL OR program_id = ANY(${programs}::uuid[]))
            ORDER BY created_at, id LIMIT ${batchSize}
            FOR UPDATE SKIP LOCKED) picked
      WHERE a.id = picked.id`;
    if (size === 0) {
      await tx.$executeRaw`DELETE FROM decision_batch WHERE id = ${id}::uuid`;
      return null;
    }
    await tx.$executeRaw`UPDATE decision_batch SET size = ${size} WHERE id = ${id}::uuid`;
    return { id, size };
  });
}

/** Starts a batch's workflow (again, harmlessly) and marks it started. */
export async function startDecisionBatch(opts: Pick<DispatcherOptions, 'db' | 'temporal' | 'taskQueue'>, batchId: string): Promise<void> {
  try {
    await opts.temporal.workflow.start('DecisionBatchWorkflow', {
      workflowId: decisionBatchWorkflowId(batchId),
      taskQueue: opts.taskQueue,
      args: [{ batchId }],
    });
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
  }
  await opts.db.decisionBatch.update({ where: { id: batchId }, data: { startedAt: new Date() } });
}

/** Starts the batches of this dispatcher's queue that were claimed but never started (a crash between the two). */
export async function startUnstartedBatches(opts: DispatcherOptions, olderThanS = UNSTARTED_AFTER_S): Promise<number> {
  const rows = await opts.db.$queryRaw<Array<{ id: string }>>`
    SELECT b.id FROM decision_batch b
    WHERE b.task_queue = ${opts.taskQueue} AND b.started_at IS NULL AND b.finished_at IS NULL
      AND b.created_at < (now() AT TIME ZONE 'UTC') - make_interval(secs => ${olderThanS})
    LIMIT 100`;
  for (const { id } of rows) {
    opts.log.warn('starting a batch left unstarted', { batchId: id });
    await startDecisionBatch(opts, id);
  }
  return rows.length;
}

/** Runs until stopped: claim and start while there is work and room, otherwise wait a moment. */
export function startDecisionDispatcher(opts: DispatcherOptions): { stop(): Promise<void> } {
  let stopped = false;
  let wake: (() => void) | undefined;
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      wake = resolve;
      setTimeout(resolve, ms);
    });
  const loop = async () => {
    let idleRounds = 0;
    while (!stopped) {
      try {
        const batch = await claimDecisionBatch({ fillWithinMs: DECISION_BATCH_FILL_MS, ...opts });
        if (batch) {
          await startDecisionBatch(opts, batch.id);
          idleRounds = 0;
          continue;
        }
        // About every 10 s of idling, look for batches a crashed dispatcher left unstarted.
        if (++idleRounds % 100 === 0) await startUnstartedBatches(opts);
      } catch (err) {
        opts.log.error('dispatch failed; trying again', { error: (err as Error).message });
      }
      await pause(IDLE_MS);
    }
  };
  const running = loop();
  return {
    async stop() {
      stopped = true;
      wake?.();
      await running;
    },
  };
}

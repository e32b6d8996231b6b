// The second of reconciliation's three sources: what each rail itself says about every payment of a
// cycle, asked again batch by batch (pain.002 by MsgId / the wallet's batch by X-CorrelationID),
// independently of what the disbursement workflow concluded from callbacks. Stored per payment key in
// rail_report. Only batches with an item the rail has not yet settled are asked again, so a re-run on a
// finished cycle costs one query.
import { heartbeat } from '@temporalio/activity';
import type { Db } from '../lib/db';
import { RailUnavailableError } from '../lib/http-client';
import type { RailClient } from '../rails/rail';

/** Batches asked at the same time: the rails answer slowly, one at a time would take minutes at 1M. */
const CONCURRENT_BATCHES = 4;

interface OpenBatch {
  id: string;
  message_id: string;
  provider: string;
}

/** Quick retries of one batch's question (a report may take several requests; any may fail) before the activity's own. */
async function askWithRetries<T>(ask: () => Promise<T>, attempts = 3, delayMs = 250): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await ask();
    } catch (err) {
      if (!(err instanceof RailUnavailableError) || i >= attempts) throw err;
      await new Promise((r) => setTimeout(r, delayMs * i));
    }
  }
}

export function createRailReportActivities(deps: { db: Db; rails: Record<string, RailClient> }) {
  const { db } = deps;

  /** One batch: the rail's word on each of its items, written in one statement; returns the rows that changed. */
  async function importBatch(cycleId: string, batch: OpenBatch): Promise<number> {
    const rail = deps.rails[batch.provider];
    if (!rail) return 0;
    const report = await askWithRetries(() => rail.findBatch(batch.message_id));
    const keys = await db.paymentInstruction.findMany({ where: { batchId: batch.id }, select: { paymentKey: true } });
    const byKey = new Map((report?.items ?? []).map((i) => [i.key, i]));
    // A batch the rail never received: every item is unknown to it. An item its report leaves out is pending.
    const rows = keys.map(({ paymentKey }) => {
      const item = byKey.get(paymentKey);
      return { key: paymentKey, status: report ? (item?.status ?? 'PENDING') : 'UNKNOWN', reason: item?.reasonCode ?? null };
    });
    return db.$executeRaw`
      INSERT INTO rail_report (payment_key, cycle_id, provider, status, reason_code, reported_at)
      SELECT k, ${cycleId}::uuid, ${batch.provider}, s, r, now()
        FROM unnest(${rows.map((r) => r.key)}::text[], ${rows.map((r) => r.status)}::text[], ${rows.map((r) => r.reason)}::text[]) AS t(k, s, r)
      ON CONFLICT (payment_key) DO UPDATE SET status = excluded.status, reason_code = excluded.reason_code, reported_at = excluded.reported_at
       WHERE rail_report.status IS DISTINCT FROM excluded.status OR rail_report.reason_code IS DISTINCT FROM excluded.reason_code`;
  }

  return {
    /** Asks the rails about every sent batch of the cycle not yet final at the rail; returns how many statuses changed. */
    async importRailReports(cycleId: string): Promise<{ batches: number; changed: number }> {
      const open = await db.$queryRaw<OpenBatch[]>`
        SELECT pb.id, pb.message_id, pb.provider FROM payment_batch pb
         WHERE pb.cycle_id = ${cycleId}::uuid AND pb.submitted_at IS NOT NULL
           AND EXISTS (SELECT 1 FROM payment_instruction pi LEFT JOIN rail_report rr ON rr.payment_key = pi.payment_key
                        WHERE pi.batch_id = pb.id AND pi.status NOT IN ('CANCELLED', 'HELD') AND (rr.status IS NULL OR rr.status IN ('PENDING', 'UNKNOWN')))
         ORDER BY pb.seq`;
      let changed = 0;
      let done = 0;
      let unavailable = 0;
      for (let i = 0; i < open.length; i += CONCURRENT_BATCHES) {
        const results = await Promise.allSettled(open.slice(i, i + CONCURRENT_BATCHES).map((b) => importBatch(cycleId, b)));
        for (const r of results) {
          if (r.status === 'fulfilled') changed += r.value;
          else if (r.reason instanceof RailUnavailableError) unavailable += 1;
          else throw r.reason;
        }
        done += results.length;
        heartbeat({ done, of: open.length });
      }
      // A rail that failed to answer for some batches: the retry asks only those (the others are stored
      // and final), instead of one 5xx among a thousand batches sending the whole activity back to the start.
      if (unavailable > 0) throw new RailUnavailableError(`${unavailable} of ${open.length} batches: the rail did not answer`);
      return { batches: open.length, changed };
    },
  };
}

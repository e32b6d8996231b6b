// Payment-cycle benchmark (not a test): seeds N enrolled households and an approved cycle straight in the
// database, starts its own stack (faults optional, at both rails), runs PaymentCycleWorkflow and prints
// the time per phase, payments/s, each process's peak memory, and whether anyone was paid twice or lost.
// Exit code 0 = no payment credited twice, none lost.
// Households are persons of the registry simulator's population, paid to their own accounts, some of them
// dirty (closed, someone else's, unknown): with the pre-payment check on, those are held back before their
// batch leaves; off, they leave and their rails refuse them. Compare the two for what the check costs.
// Usage: npm run bench:cycle -- [--beneficiaries 10000] [--wallet-share 0.3] [--batch-size 1000]
//          [--faults '{"errorRate":{"submit":0.05},"duplicateCallbackRate":0.2}'] [--pre-payment-check on|off]
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { createDb } from '../lib/db';
import { personalData } from '../lib/personal-data';
import { loadConfig } from '../lib/config';
import { createTemporalClient } from '../lib/temporal';
import type { PaymentCycleResult, PaymentCycleWorkflow } from '../workflows/payment-cycle';
import { cycleProgressQuery, type CycleProgress } from '../workflows/definitions';
import { paymentCycleWorkflowId, reconciliationWorkflowId } from '../workflows/ids';
import type { ReconciliationWorkflow } from '../workflows/reconciliation';
import { reverseAndReconcile } from './bench-breaks';
import { removeQueues } from './queues-cleanup';
import { seedCycle, type SeededCycle } from './seed-beneficiaries';
import { generatePopulation } from '../simulators/registry/population';
import { populationOptionsFromEnv } from '../simulators/shared/population-env';
import { stackEnv, startStack, type Stack } from './stack';

const { values } = parseArgs({
  options: {
    beneficiaries: { type: 'string', default: '10000' },
    'wallet-share': { type: 'string', default: '0.3' },
    'batch-size': { type: 'string', default: '1000' },
    faults: { type: 'string', default: '{}' },
    /** Paid bank credits the bank reverses after the cycle (then reconciled again): breaks at scale. */
    reversals: { type: 'string', default: '0' },
    'pre-payment-check': { type: 'string', default: 'on' },
  },
});
const total = Number(values.beneficiaries);
const walletShare = Number(values['wallet-share']);
const batchSize = Number(values['batch-size']);
if (!Number.isInteger(total) || total < 1) throw new Error('--beneficiaries must be a positive integer');
if (!(walletShare >= 0 && walletShare <= 1)) throw new Error('--wallet-share must be between 0 and 1');
if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error('--batch-size must be a positive integer');
JSON.parse(values.faults); // fail here, not as a simulator that will not start

const t0 = performance.now();
const secs = (from: number, to = performance.now()) => (to - from) / 1000;
const log = (line: string) => console.log(`[bench-cycle ${secs(t0).toFixed(1).padStart(6)}s] ${line}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
// Ctrl-C stops the stack and removes the queues (the finally below) instead of leaving processes behind.
let interrupted = false;
process.once('SIGINT', () => void (interrupted = true));
process.once('SIGTERM', () => void (interrupted = true));

/** Peak resident memory (VmHWM) per process, in kB; the kernel keeps the maximum, sampling keeps the last read. */
const peakKb = new Map<string, number>();
function sampleMemory(pids: Record<string, number>): void {
  for (const [name, pid] of Object.entries(pids)) {
    try {
      const kb = Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
      peakKb.set(name, Math.max(peakKb.get(name) ?? 0, kb));
    } catch {
      // Not Linux, or the process just exited: keep the last value read.
    }
  }
}

const run = `cyc-${Date.now().toString(36)}`;
const prePaymentCheck = values['pre-payment-check'];
if (prePaymentCheck !== 'on' && prePaymentCheck !== 'off') throw new Error('--pre-payment-check must be on or off');
// The simulators' population: one person per household (the same settings make the same persons everywhere).
const populationOptions = { ...populationOptionsFromEnv(process.env), size: total };
const env = await stackEnv(process.env, {
  REGISTRY_POPULATION: String(total),
  PRE_PAYMENT_ACCOUNT_CHECK: prePaymentCheck,
  QUEUE_PREFIX: `amparo-bench-${run}`,
  TEMPORAL_TASK_QUEUE: `amparo-bench-${run}`,
  BANK_SIM_FAULTS: values.faults,
  WALLET_SIM_FAULTS: values.faults,
});
const config = loadConfig(env);
let status = 1;
let stack: Stack | undefined;
let terminateWorkflow: (() => Promise<unknown>) | undefined;
try {
  log(`seeding ${total} enrolled households (${Math.round(walletShare * 100)}% wallets), batch size ${batchSize}`);
  const seedStart = performance.now();
  const persons = generatePopulation(populationOptions).persons;
  // The keys personal fields are sealed with, from the database's key table (as every process reads them).
  const keysDb = createDb(config.DATABASE_URL, 1);
  // As the owner: it gathers the statistics of the tables it fills (scripts/seed-beneficiaries.ts).
  const seeded = await seedCycle(config.DATABASE_OWNER_URL, {
    run,
    beneficiaries: total,
    walletShare,
    batchSize,
    persons,
    country: populationOptions.country,
    pd: await personalData({ db: keysDb, config }),
  });
  await keysDb.$disconnect();
  const seedSeconds = secs(seedStart);
  log(
    `seeded program ${seeded.programCode} in ${seedSeconds.toFixed(1)} s: ${seeded.byRail.map((r) => `${r.rail} ${r.count}`).join(', ')}; cycle approved for ${seeded.count} / ${seeded.amount} BRL`,
  );

  log(`starting the stack (faults ${values.faults}; logs in .data/logs/)`);
  const stackStart = performance.now();
  stack = await startStack(env);
  const pids = { ...stack.pids(), bench: process.pid };
  log(`stack ready in ${secs(stackStart).toFixed(1)} s`);

  const client = await createTemporalClient(config);
  const workflowId = paymentCycleWorkflowId(seeded.cycleId);
  const start = performance.now();
  await client.workflow.start<typeof PaymentCycleWorkflow>('PaymentCycleWorkflow', {
    workflowId,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    args: [{ cycleId: seeded.cycleId }],
  });
  // No run id: the handle follows continue-as-new, for the result and for queries.
  const handle = client.workflow.getHandle<typeof PaymentCycleWorkflow>(workflowId);
  terminateWorkflow = () => handle.terminate('benchmark stopped');
  let outcome: { result?: PaymentCycleResult; error?: Error } | undefined;
  const finished = handle.result().then(
    (result) => void (outcome = { result }),
    (error: unknown) => void (outcome = { error: error instanceof Error ? error : new Error(String(error)) }),
  );

  // Query often (phase boundaries to ±0.25 s), print every 2 s.
  let progress: CycleProgress | undefined;
  let snapshotEnd: number | undefined;
  let disbursementEnd: number | undefined;
  let printed = 0;
  while (!outcome) {
    if (interrupted) throw new Error('interrupted');
    // A query can fail between two runs of a continue-as-new: keep the last answer.
    progress = await handle.query(cycleProgressQuery).catch(() => progress);
    const now = performance.now();
    if (progress && !['starting', 'snapshot'].includes(progress.phase)) snapshotEnd ??= now;
    if (progress && progress.batchCount > 0 && progress.batchesDone >= progress.batchCount) disbursementEnd ??= now;
    sampleMemory(pids);
    if (progress && now - printed >= 2000) {
      printed = now;
      log(
        `${progress.phase}: batches ${progress.batchesDone}/${progress.batchCount}, paid ${progress.paid}, failed ${progress.failed}, needs attention ${progress.needsAttention}`,
      );
    }
    await Promise.race([finished, sleep(250)]);
  }
  const end = performance.now();
  terminateWorkflow = undefined;
  sampleMemory(pids);
  if (outcome.error) throw outcome.error;
  const result = outcome.result!;
  snapshotEnd ??= end;
  disbursementEnd ??= end;
  const p = result.progress;
  log(
    `workflow ended: ${p.phase}${result.failureReason ? ` (${result.failureReason})` : ''}; paid ${p.paid}, failed ${p.failed}, needs attention ${p.needsAttention}`,
  );
  const rec = result.reconciliation;
  if (rec)
    log(
      `reconciliation: instructed ${rec.instructed.count}, matched ${rec.matched.count}, failed ${rec.failed.count}, pending ${rec.pending.count}, breaks ${rec.breaks.count} ${JSON.stringify(rec.breaksByClass)}`,
    );
  // The same reconciliation again, on demand: it must find exactly the same (idempotent), and how long it takes.
  const rerunStart = performance.now();
  const rerun = await client.workflow.execute<typeof ReconciliationWorkflow>('ReconciliationWorkflow', {
    workflowId: reconciliationWorkflowId(seeded.cycleId, 'bench-rerun'),
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    args: [{ cycleId: seeded.cycleId, trigger: 'on-demand' }],
  });
  const rerunSeconds = secs(rerunStart, performance.now());
  const sameAgain = JSON.stringify({ ...rerun, runId: '' }) === JSON.stringify({ ...rec, runId: '' });
  const reversals = Number(values.reversals);
  const reversed =
    reversals > 0
      ? await reverseAndReconcile({
          client,
          taskQueue: config.TEMPORAL_TASK_QUEUE,
          databaseUrl: config.DATABASE_URL,
          bankUrl: stack.urls.bank,
          cycleId: seeded.cycleId,
          count: reversals,
        })
      : null;

  const check = await verify(seeded);
  const disbursementSeconds = secs(snapshotEnd, disbursementEnd);
  const cycleSeconds = secs(start, end);
  const rows: Array<[string, string]> = [
    [
      'Households',
      `${total}: ${seeded.byRail.map((r) => `${r.rail} ${r.count}`).join(', ')}; batch size ${batchSize}; faults ${values.faults}; pre-payment check ${prePaymentCheck}`,
    ],
    ['Seed', `${seedSeconds.toFixed(1)} s`],
    ['Snapshot', `${secs(start, snapshotEnd).toFixed(1)} s (workflow start until the phase left 'snapshot')`],
    [
      'Disbursement',
      `${disbursementSeconds.toFixed(1)} s (${p.batchCount} batches): ${(total / disbursementSeconds).toFixed(0)} payments/s`,
    ],
    [
      'Reconciliation',
      `${secs(disbursementEnd, end).toFixed(1)} s at cycle end; again on demand ${rerunSeconds.toFixed(1)} s, same result: ${sameAgain}`,
    ],
    [
      'Control totals',
      rec
        ? `${rec.balanced ? 'balanced' : 'NOT BALANCED'}: ${rec.totals.map((t) => `${t.provider} ${t.currency} instructed ${t.instructed.count}/${t.instructed.amount} = paid ${t.paid.count}/${t.paid.amount} + failed ${t.failed.count}/${t.failed.amount} + pending ${t.pending.count}/${t.pending.amount} + breaks ${t.breaks.count}/${t.breaks.amount} + held back ${t.heldBack.count}/${t.heldBack.amount}`).join('; ')}`
        : 'none',
    ],
    ['Breaks', rec ? `${rec.breaks.count} ${JSON.stringify(rec.breaksByClass)}` : 'none'],
    ...(reversed
      ? [
          [
            'After reversals',
            `${reversals} credits reversed at the bank, reconciled again in ${reversed.seconds.toFixed(1)} s: breaks ${JSON.stringify(reversed.summary?.breaksByClass)}, ${reversed.summary?.balanced ? 'balanced' : 'NOT BALANCED'}`,
          ] as [string, string],
        ]
      : []),
    [
      'Total',
      `${(seedSeconds + cycleSeconds).toFixed(1)} s with seeding; cycle ${cycleSeconds.toFixed(1)} s from workflow start: ${(total / cycleSeconds).toFixed(0)} payments/s end to end`,
    ],
    ['Peak memory', [...peakKb].map(([name, kb]) => `${name} ${(kb / 1024).toFixed(0)} MB`).join(', ')],
    ['Instructions', JSON.stringify(check.statuses)],
    ['Rail credits', `bank ${check.bankCredits}, wallet ${check.walletCredits}`],
    [
      'Duplicates',
      `${check.duplicates} payment keys credited more than once (bank ${check.bankDuplicates}, wallet ${check.walletDuplicates})`,
    ],
    [
      'Lost',
      `${check.lost}: ${check.open} not PAID/FAILED/HELD, ${check.paidUncredited} PAID without a credit at their rail, ${check.creditedUnpaid} credited but not PAID`,
    ],
  ];
  console.log('\n================ Amparo cycle benchmark ================');
  for (const [k, v] of rows) console.log(`${k.padEnd(15)} ${v}`);
  console.log('========================================================\n');
  status =
    check.duplicates === 0 &&
    check.lost === 0 &&
    p.phase === 'completed' &&
    rec?.balanced === true &&
    sameAgain &&
    (reversed?.summary?.balanced ?? true)
      ? 0
      : 1;
} catch (err) {
  log(`FAILED: ${err instanceof Error ? err.message : String(err)}`);
} finally {
  await terminateWorkflow?.().catch(() => undefined);
  await stack?.stop();
  await removeQueues(config.REDIS_URL, env.QUEUE_PREFIX!);
}
process.exit(status);

/**
 * Compares the cycle's instructions with what the rails actually credited from this run's funding account.
 * The credits are copied (paged, constant memory) into a temporary table next to the instructions, so a
 * million payments compare in SQL, not in this process's memory.
 */
async function verify(seeded: SeededCycle) {
  const db = new pg.Client({ connectionString: config.DATABASE_URL });
  await db.connect();
  try {
    await db.query(`CREATE TEMP TABLE credited (key text NOT NULL, rail text NOT NULL)`);
    const copy = async (url: string, rail: string, sql: string) => {
      const source = new pg.Client({ connectionString: url });
      await source.connect();
      try {
        for (let after = '0'; ;) {
          // seq is a bigint, which pg hands over as a string: exact, and passed back as the next page's start.
          const { rows } = await source.query<{ seq: string; key: string }>(sql, [seeded.fundingAccount, after]);
          if (rows.length === 0) return;
          await db.query(`INSERT INTO credited SELECT unnest($1::text[]), $2`, [rows.map((r) => r.key), rail]);
          after = rows[rows.length - 1]!.seq;
        }
      } finally {
        await source.end();
      }
    };
    await copy(
      config.BANK_SIM_DATABASE_URL,
      'BANK',
      `SELECT seq, end_to_end_id AS key FROM bank_ledger_entry WHERE debtor_account = $1 AND seq > $2::bigint ORDER BY seq LIMIT 50000`,
    );
    await copy(
      config.WALLET_SIM_DATABASE_URL,
      'WALLET',
      `SELECT seq, reference AS key FROM wallet_ledger_entry WHERE debit_account = $1 AND seq > $2::bigint ORDER BY seq LIMIT 50000`,
    );
    await db.query(`CREATE INDEX ON credited (key); ANALYZE credited`);
    const { rows: statusRows } = await db.query<{ status: string; n: number }>(
      `SELECT status::text, count(*)::int AS n FROM payment_instruction WHERE cycle_id = $1::uuid GROUP BY 1 ORDER BY 1`,
      [seeded.cycleId],
    );
    const {
      rows: [c],
    } = await db.query<Record<string, number>>(
      `SELECT (SELECT count(*) FILTER (WHERE rail = 'BANK') FROM credited)::int AS "bankCredits",
              (SELECT count(*) FILTER (WHERE rail = 'WALLET') FROM credited)::int AS "walletCredits",
              (SELECT count(*) FROM (SELECT key FROM credited GROUP BY key HAVING count(*) > 1) d)::int AS duplicates,
              (SELECT count(*) FROM (SELECT key FROM credited WHERE rail = 'BANK' GROUP BY key HAVING count(*) > 1) d)::int AS "bankDuplicates",
              (SELECT count(*) FROM (SELECT key FROM credited WHERE rail = 'WALLET' GROUP BY key HAVING count(*) > 1) d)::int AS "walletDuplicates",
              (SELECT count(*) FROM payment_instruction WHERE cycle_id = $1::uuid AND status NOT IN ('PAID', 'FAILED', 'HELD'))::int AS open,
              (SELECT count(*) FROM payment_instruction i JOIN payment_batch b ON b.id = i.batch_id
                WHERE i.cycle_id = $1::uuid AND i.status = 'PAID'
                  AND NOT EXISTS (SELECT 1 FROM credited c WHERE c.key = i.payment_key AND c.rail = b.rail::text))::int AS "paidUncredited",
              (SELECT count(DISTINCT c.key) FROM credited c LEFT JOIN payment_instruction i ON i.payment_key = c.key AND i.cycle_id = $1::uuid
                WHERE i.status IS DISTINCT FROM 'PAID')::int AS "creditedUnpaid"`,
      [seeded.cycleId],
    );
    const r = c!;
    return {
      statuses: Object.fromEntries(statusRows.map((s) => [s.status, s.n])),
      bankCredits: r.bankCredits!,
      walletCredits: r.walletCredits!,
      duplicates: r.duplicates!,
      bankDuplicates: r.bankDuplicates!,
      walletDuplicates: r.walletDuplicates!,
      open: r.open!,
      paidUncredited: r.paidUncredited!,
      creditedUnpaid: r.creditedUnpaid!,
      lost: r.open! + r.paidUncredited! + r.creditedUnpaid!,
    };
  } finally {
    await db.end();
  }
}

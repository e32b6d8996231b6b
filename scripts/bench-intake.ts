// Intake benchmark (not a test): starts the stack over a large registry with several processes of each
// kind, submits applications over HTTP as a crowd of phones behind a load balancer would (round robin over
// the web processes), each applicant then confirming their phone with the code the SMS gateway received (a
// second crowd, as people read their SMS apart from the form), while the decisions are being made, and
// prints acceptance throughput, acknowledgement
// latency, decisions/s end to end, the decision counts, the CPU each process and service used per 1,000
// applications, and each process's peak memory. Linux only (CPU and memory are read from /proc).
// Usage: npm run bench:intake -- [--applications 100000] [--registry 1000000] [--concurrency 64]
//          [--web 2] [--temporal-workers 2] [--queue-workers 2] [--profile]
//          [--report-every 5] [--poll-seconds 2] [--stall-seconds 300]
import { mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadConfig } from '../lib/config';
import { createDb } from '../lib/db';
import { createUser } from '../lib/users';
import { AmparoApi } from './api-client';
import { applicationFor, fetchRegistryPersons } from './applicants';
import { peakRssMb, servicePids, snapshot } from './process-stats';
import { removeQueues } from './queues-cleanup';
import { stackEnv, startStack, type Stack } from './stack';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const { values } = parseArgs({
  options: {
    applications: { type: 'string', default: '100000' },
    registry: { type: 'string', default: '1000000' },
    /** Requests in flight at once (the crowd). */
    concurrency: { type: 'string', default: '64' },
    web: { type: 'string', default: '2' },
    'temporal-workers': { type: 'string', default: '2' },
    'queue-workers': { type: 'string', default: '2' },
    /** Seconds between progress lines. */
    'report-every': { type: 'string', default: '5' },
    /** Seconds between reads of the program's stats (each one is a query over all its applications). */
    'poll-seconds': { type: 'string', default: '2' },
    /** Give up when no application was decided for this long after the last submission. */
    'stall-seconds': { type: 'string', default: '300' },
    /** V8 CPU profiles of every process, written to .data/profiles/<run> when the stack stops. */
    profile: { type: 'boolean', default: false },
  },
});
const positive = (name: keyof typeof values): number => {
  const value = Number(values[name]);
  if (!(value > 0)) throw new Error(`--${name} must be a positive number, not ${String(values[name])}`);
  return value;
};
const positiveInt = (name: keyof typeof values): number => {
  const value = positive(name);
  if (!Number.isInteger(value)) throw new Error(`--${name} must be a whole number, not ${String(values[name])}`);
  return value;
};
const total = positiveInt('applications');
const registry = positiveInt('registry');
const concurrency = positiveInt('concurrency');
const scale = { web: positiveInt('web'), temporalWorker: positiveInt('temporal-workers'), queueWorker: positiveInt('queue-workers') };
const reportMs = positive('report-every') * 1000;
const pollMs = positive('poll-seconds') * 1000;
const stallMs = positive('stall-seconds') * 1000;
if (registry < total) throw new Error(`--registry (${registry}) must hold at least --applications (${total}) persons`);

const t0 = performance.now();
const secs = (from: number, to = performance.now()) => (to - from) / 1000;
const log = (line: string) => console.log(`[bench-intake ${secs(t0).toFixed(1).padStart(6)}s] ${line}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
// Ctrl-C stops the stack and removes the queues (the finally below) instead of leaving processes behind.
let interrupted = false;
process.once('SIGINT', () => void (interrupted = true));
process.once('SIGTERM', () => void (interrupted = true));

/** The latency at quantile q of sorted values, in ms. */
const quantile = (sorted: Float64Array, q: number) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]! : NaN;
const ms = (value: number) => (Number.isNaN(value) ? '-' : `${value.toFixed(value < 10 ? 1 : 0)} ms`);

const run = `bench-${Date.now().toString(36)}`;
const profileDir = values.profile ? path.join(ROOT, '.data', 'profiles', run) : undefined;
if (profileDir) mkdirSync(profileDir, { recursive: true });
const env = await stackEnv(process.env, {
  REGISTRY_POPULATION: String(registry),
  QUEUE_PREFIX: `amparo-${run}`,
  TEMPORAL_TASK_QUEUE: `amparo-${run}`,
  ...(profileDir ? { AMPARO_CPU_PROFILE_DIR: profileDir } : {}),
});
const config = loadConfig(env);
const db = createDb(config.DATABASE_URL, 2);
let stack: Stack | undefined;
try {
  log(
    `starting the stack: ${scale.web} web, ${scale.temporalWorker} Temporal worker and ${scale.queueWorker} queue worker processes, a registry of ${registry} persons (logs in .data/logs/)`,
  );
  stack = await startStack(env, undefined, { scale });
  const pids = stack.pids();
  const webs = stack.urls.webs;
  log(`stack ready: web ${webs.join(', ')}`);

  const admin = await createUser(db, `bench-admin-${run}`, 'ADMIN');
  const programCode = `BENCH-${run}`.toUpperCase();
  const stats = new AmparoApi(stack.urls.web, admin.token);
  await stats.createProgram({
    code: programCode,
    name: `Benchmark ${run}`,
    country: 'BR',
    currency: 'BRL',
    baseAmount: '600.00',
    fundingAccount: `AMPARO-${programCode}`.slice(0, 34),
    rules: [
      { type: 'max_income_per_capita', amount: '759.00' },
      { type: 'min_applicant_age', years: 18 },
    ],
  });
  log(`listing ${total} applicants from the registry`);
  const persons = await fetchRegistryPersons(stack.urls.registry, total);
  if (persons.length < total) throw new Error(`the registry listed ${persons.length} persons, not ${total}`);

  // What each process and service has used so far; the same read when all are decided gives the difference.
  const groups = () => ({ ...Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, [pid]])), ...servicePids() });
  const checkAlive = () => {
    const running = stack!.pids();
    const gone = Object.keys(pids).filter((name) => running[name] !== pids[name]);
    if (gone.length) throw new Error(`${gone.join(', ')} stopped during the run; see .data/logs/`);
  };
  const cpuBefore = snapshot(groups());
  const clientBefore = process.cpuUsage();

  log(
    `submitting ${total} applications, ${concurrency} at a time, round robin over ${webs.length === 1 ? 'the web process' : `${webs.length} web processes`}`,
  );
  const latencies = new Float64Array(total);
  let answered = 0;
  let accepted = 0;
  let next = 0;
  const answers = new Map<string, number>();
  const failures: string[] = [];
  const submitStart = performance.now();
  let submitEnd: number | undefined;
  /** Applications accepted, waiting for their applicant to type back the code (nothing is decided before). */
  const toConfirm: Array<{ number: string; phone: string; web: string }> = [];
  let confirmed = 0;
  const submitOne = async (i: number) => {
    const url = `${webs[i % webs.length]}/api/v1/programs/${programCode}/applications`;
    const application = applicationFor(persons[i]!, i);
    const body = JSON.stringify(application);
    const start = performance.now();
    let answer: string;
    try {
      // The global fetch keeps connections alive, one per request in flight at most.
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      const text = await res.text();
      latencies[answered++] = performance.now() - start;
      answer = `HTTP ${res.status}`;
      if (res.status === 200 || res.status === 201) {
        accepted++;
        const { applicationNumber } = JSON.parse(text) as { applicationNumber: string };
        toConfirm.push({ number: applicationNumber, phone: application.phone, web: webs[(i + 1) % webs.length]! });
      } else if (failures.length < 5) failures.push(`${answer}: ${text.slice(0, 300)}`);
    } catch (err) {
      answer = 'no answer';
      if (failures.length < 5) failures.push(`${answer}: ${String(err)}`);
    }
    answers.set(answer, (answers.get(answer) ?? 0) + 1);
  };
  const submission = Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total && !interrupted) await submitOne(next++);
    }),
  ).then(() => void (submitEnd = performance.now()));
  // The applicants reading their SMS: each confirms through another web process than the one that took the form.
  void Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (!interrupted && (submitEnd === undefined || confirmed < toConfirm.length)) {
        const next = toConfirm[confirmed];
        if (!next) {
          await sleep(20);
          continue;
        }
        confirmed++;
        await new AmparoApi(next.web).confirmPhone(stack!.urls.sms, next.number, next.phone).catch((err: Error) => {
          if (failures.length < 5) failures.push(`phone not confirmed: ${err.message}`);
        });
      }
    }),
  );

  // Decisions are polled while the crowd submits: the pipeline runs during the submission, not after it.
  let decided = 0;
  let lastDecisionAt = performance.now();
  let decidedAt: number | undefined;
  const mark = { at: submitStart, answered: 0, accepted: 0, decided: 0 };
  for (;;) {
    // While submitting, also wake when the last answer came (the end of the submission is then exact).
    await (submitEnd === undefined ? Promise.race([sleep(pollMs), submission]) : sleep(pollMs));
    if (interrupted) throw new Error('interrupted');
    checkAlive();
    // Decided = the applications of this run's finished decision batches (its own task queue; a short range
    // of an index). Counting applications by status would cost the database more as the run grows, and
    // with a new program's statistics stale during the surge, PostgreSQL reads every row to do it.
    const [{ done } = { done: 0 }] = await db.$queryRaw<Array<{ done: number }>>`
      SELECT COALESCE(sum(size), 0)::int AS done FROM decision_batch WHERE task_queue = ${config.TEMPORAL_TASK_QUEUE} AND finished_at IS NOT NULL`;
    const open = accepted - done;
    const now = performance.now();
    if (done !== decided) lastDecisionAt = now;
    decided = done;
    if (submitEnd !== undefined && open === 0) {
      decidedAt = now;
      break;
    }
    if (submitEnd !== undefined && now - Math.max(lastDecisionAt, submitEnd) > stallMs)
      throw new Error(`no decision for ${stallMs / 1000} s, ${open} still open`);
    if (now - mark.at >= reportMs) {
      const window = latencies.slice(mark.answered, answered).sort();
      const interval = secs(mark.at, now);
      const submitting =
        mark.answered < total
          ? `submitted ${answered}/${total}, accepted ${((accepted - mark.accepted) / interval).toFixed(0)}/s (ack p50 ${ms(quantile(window, 0.5))}, p99 ${ms(quantile(window, 0.99))}), phones confirmed ${confirmed}; `
          : `phones confirmed ${confirmed}/${accepted}; `;
      log(`${submitting}decided ${decided} (${((decided - mark.decided) / interval).toFixed(0)}/s), open ${open}`);
      Object.assign(mark, { at: now, answered, accepted, decided });
    }
  }
  // Right when the last decision was seen: CPU used since just before the first submission, peak memory.
  const cpuAfter = snapshot(groups());
  const client = process.cpuUsage(clientBefore);
  const peakMb = Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, peakRssMb(pid)]));
  const { applications: counts, rejectionReasons: reasons } = await stats.programStats(programCode);
  // Every application's code went by SMS before its decision; the decisions' messages may still be queued
  // (the SMS gateway is slower than deciding): those are sent after, outside the CPU figures.
  const [sms = { sent: 0, written: 0 }] = await db.$queryRaw<Array<{ sent: number; written: number }>>`
    SELECT count(*) FILTER (WHERE n.status = 'SENT')::int AS sent, count(*)::int AS written
    FROM notification n JOIN application a ON a.id = n.application_id JOIN program p ON p.id = a.program_id WHERE p.code = ${programCode}`;

  const submitSeconds = secs(submitStart, submitEnd);
  const decidedSeconds = secs(submitStart, decidedAt);
  const sorted = latencies.slice(0, answered).sort();
  const perThousand = decided / 1000;
  const kindOrder = ['web', 'temporal-worker', 'queue-worker'];
  const rank = (name: string) => {
    const i = kindOrder.findIndex((kind) => name === kind || name.startsWith(`${kind}-`));
    return i < 0 ? kindOrder.length : i;
  };
  const processes = Object.keys(pids).sort((a, b) => rank(a) - rank(b) || a.localeCompare(b, 'en', { numeric: true }));
  const rows = [...processes, ...Object.keys(servicePids())];
  const used = Object.fromEntries(rows.map((name) => [name, (cpuAfter[name] ?? 0) - (cpuBefore[name] ?? 0)]));
  const cpuTotal = Object.values(used).reduce((a, b) => a + b, 0);
  const clientSeconds = (client.user + client.system) / 1e6;
  const width = Math.max(...rows.map((r) => r.length), 'all processes'.length) + 2;

  console.log('');
  console.log(`intake benchmark ${run}: ${total} applications, registry of ${registry}, concurrency ${concurrency}`);
  console.log(`processes: ${scale.web} web, ${scale.temporalWorker} Temporal worker, ${scale.queueWorker} queue worker`);
  console.log(`answers: ${[...answers].map(([a, n]) => `${a} ×${n}`).join(', ')}`);
  for (const failure of failures) console.log(`  e.g. ${failure}`);
  console.log(
    `accepted ${accepted} in ${submitSeconds.toFixed(1)} s: ${(accepted / submitSeconds).toFixed(0)} applications/s during submission`,
  );
  console.log(
    `acknowledgement latency: p50 ${ms(quantile(sorted, 0.5))}, p99 ${ms(quantile(sorted, 0.99))}, max ${ms(quantile(sorted, 1))}`,
  );
  console.log(
    `decided ${decided} in ${decidedSeconds.toFixed(1)} s from the first submission: ${(decided / decidedSeconds).toFixed(0)} decisions/s end to end`,
  );
  console.log(`decisions: ${JSON.stringify(counts)}`);
  console.log(`rejection reasons: ${JSON.stringify(reasons)}`);
  console.log(`SMS sent by then: ${sms.sent} of ${sms.written} (the rest follow, their CPU not counted below)`);
  console.log(
    `CPU from just before the first submission until all were decided (${secs(submitStart, decidedAt).toFixed(1)} s), and peak memory (VmHWM):`,
  );
  console.log(`  ${'process'.padEnd(width)}${'CPU s'.padStart(10)}${'CPU s/1000 apps'.padStart(18)}${'peak MB'.padStart(10)}`);
  for (const name of rows) {
    const peak = peakMb[name];
    console.log(
      `  ${name.padEnd(width)}${used[name]!.toFixed(2).padStart(10)}${(used[name]! / perThousand).toFixed(3).padStart(18)}${(peak === undefined ? (name in peakMb ? '-' : '') : peak.toFixed(0)).padStart(10)}`,
    );
  }
  console.log(`  ${'all processes'.padEnd(width)}${cpuTotal.toFixed(2).padStart(10)}${(cpuTotal / perThousand).toFixed(3).padStart(18)}`);
  console.log(`CPU per decision, all processes together: ${((cpuTotal * 1000) / decided).toFixed(2)} ms`);
  console.log(
    `benchmark client (this process): ${clientSeconds.toFixed(2)} CPU s (${(clientSeconds / perThousand).toFixed(3)} per 1000 applications), excluded from the total`,
  );
  console.log('services (postgres, redis, temporal server) are counted whole: anything else using them meanwhile is included');
  if (profileDir) console.log('CPU profiles slow every process down: compare CPU figures only between runs with or without --profile');
} finally {
  interrupted = true; // the crowd stops too when the run failed
  await db.$disconnect();
  await stack?.stop();
  await removeQueues(config.REDIS_URL, env.QUEUE_PREFIX!);
  if (profileDir) {
    const files = readdirSync(profileDir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.cpuprofile'));
    console.log(
      `CPU profiles: ${files.length} in ${path.relative(process.cwd(), profileDir) || profileDir} (open in Chrome DevTools or speedscope)`,
    );
  }
}

// Intake benchmark (not a test): starts the stack over a large registry, submits applications over HTTP
// as fast as a crowd of phones would, and prints acceptance throughput, acknowledgement latency, the time
// until every application has a decision, and the decision counts.
// Usage: npm run bench:intake -- [--applications 20000] [--registry 100000] [--concurrency 64] [--start-rate 100]
import { parseArgs } from 'node:util';
import { loadConfig } from '../lib/config';
import { createDb } from '../lib/db';
import { createUser } from '../lib/users';
import { AmparoApi } from './api-client';
import { applicationFor, fetchRegistryPersons } from './applicants';
import { removeQueues } from './queues-cleanup';
import { stackEnv, startStack } from './stack';

const { values } = parseArgs({
  options: {
    applications: { type: 'string', default: '20000' },
    registry: { type: 'string', default: '100000' },
    concurrency: { type: 'string', default: '64' },
    'start-rate': { type: 'string', default: '100' },
  },
});
const total = Number(values.applications);
const concurrency = Number(values.concurrency);
const run = `bench-${Date.now().toString(36)}`;
const log = (line: string) => console.log(`[bench ${((performance.now() - t0) / 1000).toFixed(1).padStart(6)}s] ${line}`);
const t0 = performance.now();

const env = await stackEnv(process.env, {
  REGISTRY_POPULATION: values.registry,
  QUEUE_PREFIX: `amparo-${run}`,
  TEMPORAL_TASK_QUEUE: `amparo-${run}`,
  INTAKE_START_RATE: values['start-rate'],
});
log(`starting the stack with a registry of ${values.registry} persons`);
const stack = await startStack(env);
const config = loadConfig(env);
const db = createDb(config.DATABASE_URL, 2);
try {
  const admin = await createUser(db, `bench-admin-${run}`, 'ADMIN');
  const programCode = `BENCH-${run}`.toUpperCase();
  await new AmparoApi(stack.urls.web, admin.token).createProgram({
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
  const persons = await fetchRegistryPersons(stack.urls.registry, total);
  log(`submitting ${persons.length} applications with ${concurrency} concurrent clients`);

  const api = new AmparoApi(stack.urls.web);
  const latencies: number[] = [];
  let next = 0;
  const submitStart = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < persons.length) {
        const i = next++;
        const start = performance.now();
        const res = await api.submitApplication(programCode, applicationFor(persons[i]!, i));
        latencies.push(performance.now() - start);
        if (res.status !== 201 && res.status !== 200 && res.status !== 400) throw new Error(`HTTP ${res.status}`);
      }
    }),
  );
  const submitSeconds = (performance.now() - submitStart) / 1000;
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]!.toFixed(0);
  log(
    `accepted ${latencies.length} in ${submitSeconds.toFixed(1)} s: ${(latencies.length / submitSeconds).toFixed(0)} applications/s, acknowledgement p50 ${pct(0.5)} ms, p99 ${pct(0.99)} ms`,
  );

  const stats = api.as(admin.token);
  let counts: Record<string, number> = {};
  for (;;) {
    counts = (await stats.programStats(programCode)).applications;
    const open = (counts.RECEIVED ?? 0) + (counts.VERIFYING ?? 0);
    if (open === 0) break;
    log(`waiting for decisions: ${open} still open`);
    await new Promise((r) => setTimeout(r, 5000));
  }
  const decidedSeconds = (performance.now() - submitStart) / 1000;
  const reasons = (await stats.programStats(programCode)).rejectionReasons;
  log(
    `every application decided ${decidedSeconds.toFixed(1)} s after the first was sent (${(total / decidedSeconds).toFixed(0)} decisions/s end to end)`,
  );
  log(`decisions: ${JSON.stringify(counts)}`);
  log(`rejection reasons: ${JSON.stringify(reasons)}`);
} finally {
  await db.$disconnect();
  await stack.stop();
  await removeQueues(config.REDIS_URL, env.QUEUE_PREFIX!);
}

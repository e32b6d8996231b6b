// The demo: starts Amparo's processes, runs the whole rail once with 1,000 registry persons, prints
// a summary whose numbers must agree with each other, stops what it started. Exit code 0 = consistent.
// Run through scripts/demo.sh, which installs dependencies and brings the services up first.
import { loadConfig } from '../lib/config';
import { createDb } from '../lib/db';
import { removeQueues } from './queues-cleanup';
import { inconsistencies, runScenario, type RailLedgerSummary, type ScenarioResult } from './scenario';
import { stackEnv, startStack } from './stack';

const PERSONS = Number(process.env.DEMO_PERSONS ?? 1000);
const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)}s`.padStart(7);
const say = (line: string) => console.log(`[demo ${elapsed()}] ${line}`);

// A queue prefix and task queue of its own: jobs or workflows left in a developer's environment
// (a backlog on the default `amparo` queues) must not slow the demo down or mix with it.
const run = `demo-${Date.now().toString(36)}`;
const env = await stackEnv(process.env, {
  REGISTRY_POPULATION: String(PERSONS),
  QUEUE_PREFIX: `amparo-${run}`,
  TEMPORAL_TASK_QUEUE: `amparo-${run}`,
});
say('starting simulators, workers and web server (logs in .data/logs/)');
const stack = await startStack(env);
const config = loadConfig(env);
const db = createDb(config.DATABASE_URL, 2);
let status = 1;
try {
  say(`stack ready: web ${stack.urls.web}, registry ${stack.urls.registry}, bank ${stack.urls.bank}, wallet ${stack.urls.wallet}`);
  const result = await runScenario({ db, urls: stack.urls, persons: PERSONS, progress: throttled(say) });
  printSummary(result);
  const problems = inconsistencies(result);
  if (problems.length) {
    say(`INCONSISTENT: ${problems.join('; ')}`);
  } else {
    say('consistent: enrolled = instructed = paid at the bank and the wallet = matched in reconciliation, to the cent');
    status = 0;
  }
} catch (err) {
  say(`FAILED: ${(err as Error).message}`);
} finally {
  say('stopping the processes it started');
  await db.$disconnect();
  await stack.stop();
  await removeQueues(config.REDIS_URL, env.QUEUE_PREFIX!);
}
process.exit(status);

/** Progress lines at most every 2 s per phase (the text before the first digit), but every new phase at once. */
function throttled(print: (line: string) => void): (line: string) => void {
  let phase = '';
  let last = 0;
  return (line) => {
    const p = line.replace(/\d.*$/, '');
    if (p !== phase || Date.now() - last >= 2000) {
      print(line);
      phase = p;
      last = Date.now();
    }
  };
}

function printSummary(r: ScenarioResult): void {
  const rec = r.cycle.reconciliation!;
  const cur = r.cycle.currency;
  const rail = (name: string, l: RailLedgerSummary) =>
    `${name} ${l.entries} credits for ${l.distinctKeys} distinct payment keys, ${l.totals.find((t) => t.currency === cur)?.amount ?? '0.00'} ${cur}`;
  const byKind = new Map<string, number>();
  for (const b of r.cycle.batches ?? [])
    byKind.set(`${b.provider} ${b.status.toLowerCase()}`, (byKind.get(`${b.provider} ${b.status.toLowerCase()}`) ?? 0) + 1);
  const batches = [...byKind].map(([k, n]) => `${n} ${k}`).join(', ');
  const rows: Array<[string, string]> = [
    ['Program', `${r.programCode} (funding account ${r.fundingAccount})`],
    [
      'Applications sent',
      `${r.submissions.sent} in ${r.submissions.seconds.toFixed(1)}s: ${r.submissions.created} new, ${r.submissions.returnedExisting} resubmissions answered with the existing application, ${r.submissions.refused} refused as invalid (400)`,
    ],
    [
      'Decisions',
      Object.entries(r.stats.applications)
        .map(([k, v]) => `${k.toLowerCase()} ${v}`)
        .join(', ') + ` (all decided ${r.seconds.decisions.toFixed(1)}s after intake)`,
    ],
    [
      'Rejection reasons',
      Object.entries(r.stats.rejectionReasons)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ') || 'none',
    ],
    ['Enrolled households', String(r.stats.activeBeneficiaries)],
    [
      'Cycle',
      `#${r.cycle.number} ${r.cycle.status.toLowerCase()} in ${r.seconds.cycle.toFixed(1)}s; approved ${r.cycle.preview.count} payments / ${r.cycle.preview.amount} ${cur}; batches: ${batches}`,
    ],
    ['Instructed', `${r.cycle.instructed?.count} payments, ${r.cycle.instructed?.amount} ${cur}`],
    ['Rail ledgers', `${rail('bank', r.rails.bank)}; ${rail('wallet', r.rails.wallet)}`],
    [
      'Reconciliation',
      `matched ${rec.matched.count} / ${rec.matched.amount}, failed ${rec.failed.count} / ${rec.failed.amount}, pending ${rec.pending.count} / ${rec.pending.amount}, breaks ${rec.breaks.count} / ${rec.breaks.amount}; statement ${rec.statement.count} / ${rec.statement.amount} ${cur}; control totals ${rec.balanced ? 'balanced' : 'NOT balanced'}`,
    ],
  ];
  console.log('\n================ Amparo demo summary ================');
  for (const [k, v] of rows) console.log(`${k.padEnd(20)} ${v}`);
  console.log('=====================================================\n');
}

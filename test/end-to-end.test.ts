// The whole rail as separate processes (simulators, Temporal worker, queue worker, web), driven over HTTP:
// a few hundred registry persons apply, a cycle is prepared, approved, paid and reconciled.
// Judged by the rails' own ledgers: every enrolled household credited exactly once, by bank or wallet.
import { spawnSync } from 'node:child_process';
import { Client, Connection } from '@temporalio/client';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../lib/config';
import { createDb, type Db } from '../lib/db';
import { applicationFor, fetchRegistryPersons } from '../scripts/applicants';
import { removeQueues } from '../scripts/queues-cleanup';
import { inconsistencies, runScenario, type ScenarioResult } from '../scripts/scenario';
import { stackEnv, startStack, type Stack } from '../scripts/stack';
import { freshDatabase, type FreshDatabase } from './support/fresh-database';
import { asText } from './support/history-text';
import { uid } from './support/util';

// A database of its own: the dump at the end is of everything this run stored, and of nothing else.
let database: FreshDatabase;
let db: Db;
let stack: Stack;
let result: ScenarioResult;

const queuePrefix = uid('amparo-test-e2e');
const taskQueue = uid('e2e');

beforeAll(async () => {
  database = await freshDatabase('e2e');
  db = createDb(database.url, 2);
  stack = await startStack(
    await stackEnv(process.env, {
      REGISTRY_POPULATION: '400',
      TEMPORAL_TASK_QUEUE: taskQueue,
      QUEUE_PREFIX: queuePrefix,
      DATABASE_URL: database.url,
      DATABASE_OWNER_URL: database.ownerUrl,
    }),
  );
  result = await runScenario({ db, urls: stack.urls, persons: 400 });
}, 300_000);
afterAll(async () => {
  await stack?.stop();
  await db?.$disconnect();
  await database?.drop();
  await removeQueues(loadConfig().REDIS_URL, queuePrefix);
});

/** What applicants typed that is theirs alone: national IDs, names, phones and account numbers (scripts/applicants.ts). */
async function submittedPersonalData(): Promise<string[]> {
  const persons = await fetchRegistryPersons(stack.urls.registry, 400);
  return persons.flatMap((p, i) => {
    const a = applicationFor(p, i);
    // A wallet is the phone's number.
    return [a.nationalId, a.fullName, a.phone, ...('accountNumber' in a.payment ? [a.payment.accountNumber] : [])].filter(
      (v): v is string => typeof v === 'string',
    );
  });
}

/** The database as pg_dump writes it (data and schema, as text), as the owner: what a stolen backup would hold. */
function databaseDump(ownerUrl: string): string {
  const dump = spawnSync('pg_dump', ['--no-owner', '--dbname', ownerUrl], { encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 });
  if (dump.status !== 0) throw new Error(`pg_dump failed: ${dump.stderr}`);
  return dump.stdout;
}

/** Credits per payment key in the rails' own ledgers (the simulators' databases), bank and wallet together. */
async function railCredits(fundingAccount: string): Promise<Map<string, { count: number; amount: string }>> {
  const credits = new Map<string, { count: number; amount: string }>();
  const read = async (url: string, sql: string) => {
    const pool = new pg.Pool({ connectionString: url, max: 1 });
    try {
      for (const row of (await pool.query<{ key: string; amount: string }>(sql, [fundingAccount])).rows) {
        credits.set(row.key, { count: (credits.get(row.key)?.count ?? 0) + 1, amount: row.amount });
      }
    } finally {
      await pool.end();
    }
  };
  const config = loadConfig();
  await read(config.BANK_SIM_DATABASE_URL, 'SELECT end_to_end_id AS key, amount::text FROM bank_ledger_entry WHERE debtor_account = $1');
  await read(config.WALLET_SIM_DATABASE_URL, 'SELECT reference AS key, amount::text FROM wallet_ledger_entry WHERE debit_account = $1');
  return credits;
}

describe('the rail, end to end over HTTP', () => {
  it('decides every application and turns away the ones it must', () => {
    const { applications, rejectionReasons } = result.stats;
    expect(applications.RECEIVED ?? 0).toBe(0);
    expect(applications.VERIFYING ?? 0).toBe(0);
    expect(applications.ENROLLED).toBeGreaterThan(20);
    expect(result.submissions).toMatchObject({ refused: 5, returnedExisting: 20 });
    expect(rejectionReasons).toMatchObject({ NOT_IN_REGISTRY: 10, APPLICANT_TOO_YOUNG: 10 });
    expect(rejectionReasons.DUPLICATE_HOUSEHOLD).toBeGreaterThan(0);
  });

  it("checks every eligible applicant's account with its rail: the dirty ones wait for another account, not enrolled", async () => {
    const program = await db.program.findUniqueOrThrow({ where: { code: result.programCode } });
    const waiting = await db.application.findMany({
      where: { programId: program.id, status: 'NEEDS_REVIEW', reviewTasks: { some: { kind: 'ACCOUNT', status: 'OPEN' } } },
      select: { reasonCodes: true, paymentAccount: { select: { checkOutcome: true } } },
    });
    expect(waiting.length).toBeGreaterThan(0);
    for (const w of waiting) expect(w.reasonCodes[0]).toMatch(/^ACCOUNT_(CLOSED|HOLDER_MISMATCH|UNKNOWN|NAME_DIFFERS)$/);
    const enrolled = await db.application.findMany({
      where: { programId: program.id, status: 'ENROLLED' },
      select: { paymentAccount: { select: { checkOutcome: true } } },
    });
    expect(new Set(enrolled.map((e) => e.paymentAccount?.checkOutcome))).toEqual(new Set(['VERIFIED']));
  });

  it('credits every enrolled household exactly once at its bank or wallet, with its entitlement', async () => {
    const program = await db.program.findUniqueOrThrow({ where: { code: result.programCode } });
    const enrolled = await db.beneficiary.findMany({ where: { programId: program.id }, select: { id: true } });
    const instructions = await db.paymentInstruction.findMany({ where: { cycleId: result.cycle.id } });
    expect(instructions.map((i) => i.beneficiaryId).sort()).toEqual(enrolled.map((b) => b.id).sort());

    const credits = await railCredits(program.fundingAccount);
    expect(credits.size).toBe(enrolled.length);
    // Both rails carried money: a third of the households chose a mobile wallet.
    expect(result.rails.wallet.entries).toBeGreaterThan(0);
    expect(result.rails.bank.entries).toBeGreaterThan(result.rails.wallet.entries);
    for (const instruction of instructions) {
      expect(credits.get(instruction.paymentKey)).toEqual({ count: 1, amount: '600.00' });
    }
  });

  it('leaves no national ID, name, phone or account number in the database: a dump holds them sealed only', async () => {
    const needles = await submittedPersonalData();
    const dump = databaseDump(database.ownerUrl);
    // The run stored what it was given (sealed): the dump is not empty of applicants.
    expect(dump).toMatch(/v1\.dk1\./);
    expect(needles.filter((n) => dump.includes(n))).toEqual([]);
  });

  it("leaves none of them in Temporal: every history of the run, read without the codec, holds no applicant's data", async () => {
    const needles = await submittedPersonalData();
    const config = loadConfig();
    // The default data converter: what the server, its UI and its CLI show to whoever can read them.
    const connection = await Connection.connect({ address: config.TEMPORAL_ADDRESS });
    try {
      const plain = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
      const found: string[] = [];
      let histories = 0;
      for await (const run of plain.workflow.list({ query: `TaskQueue = '${taskQueue}'` })) {
        const { history } = await plain.workflowService.getWorkflowExecutionHistory({
          namespace: config.TEMPORAL_NAMESPACE,
          execution: { workflowId: run.workflowId, runId: run.runId },
        });
        const text = asText(history);
        found.push(...needles.filter((n) => text.includes(n)).map((n) => `${run.type}: ${n}`));
        histories += 1;
      }
      // Decision batches, reviews, the cycle, its batches and reconciliation: the run's whole story.
      expect(histories).toBeGreaterThan(5);
      expect(found).toEqual([]);
    } finally {
      await connection.close();
    }
  });

  it('reconciles to the cent, and the summary agrees with itself', () => {
    expect(inconsistencies(result)).toEqual([]);
    expect(result.cycle.reconciliation).toMatchObject({
      breaks: { count: 0, amount: '0.00' },
      pending: { count: 0 },
      failed: { count: 0 },
    });
  });
});

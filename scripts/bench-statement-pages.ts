// Statement paging benchmark (not a test): books N entries into one account on one day through the
// simulators' own receive and settle code, then reads that day's statement page by page as the HTTP
// routes do (bank: camt.053 rendered as XML; wallet: the settlement report). Each rail runs in a throwaway
// database on the simulator's PostgreSQL server, dropped at the end, so the numbers are not skewed by
// whatever the test databases hold.
// Usage: npm run bench:statement-pages -- [--entries 200000] [--rail bank|wallet|both] [--runs 1]
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { loadConfig } from '../lib/config';
import { buildCamt053 } from '../lib/iso20022/camt053';
import { FaultInjector } from '../simulators/bank/faults';
import { MAX_ITEMS } from '../simulators/bank/messages';
import { BankStore } from '../simulators/bank/store';
import { FaultState } from '../simulators/wallet/faults';
import type { BatchRequest } from '../simulators/wallet/messages';
import { WalletStore } from '../simulators/wallet/store';

const { values } = parseArgs({
  options: {
    entries: { type: 'string', default: '200000' },
    rail: { type: 'string', default: 'both' },
    runs: { type: 'string', default: '1' },
  },
});
const N = Number(values.entries);
const RUNS = Number(values.runs);
if (!Number.isInteger(N) || N < 1 || !Number.isInteger(RUNS) || RUNS < 1) throw new Error('--entries and --runs must be positive integers');
const rails = values.rail === 'both' ? ['bank', 'wallet'] : [values.rail];
if (rails.some((r) => r !== 'bank' && r !== 'wallet')) throw new Error('--rail must be bank, wallet or both');

const config = loadConfig();
const log = (line: string) => console.log(`[bench-pages] ${line}`);
const chunks = (n: number) => Array.from({ length: Math.ceil(n / MAX_ITEMS) }, (_, i) => Math.min(MAX_ITEMS, n - i * MAX_ITEMS));

/**
 * A fresh database next to `url`'s, dropped when `work` is done. The administrator (DATABASE_ADMIN_URL)
 * creates and drops it; the simulator's role owns it and works in it, as in its own database.
 */
async function withScratchDatabase<T>(url: string, work: (pool: pg.Pool) => Promise<T>): Promise<T> {
  const name = `amparo_bench_pages_${randomUUID().slice(0, 8)}`;
  const client = new pg.Client({ connectionString: config.DATABASE_ADMIN_URL });
  await client.connect();
  await client.query(`CREATE DATABASE ${name} OWNER ${pg.escapeIdentifier(decodeURIComponent(new URL(url).username))}`);
  const target = new URL(url);
  target.pathname = `/${name}`;
  const pool = new pg.Pool({ connectionString: target.toString(), max: 4 });
  try {
    return await work(pool);
  } finally {
    await pool.end();
    await client.query(`DROP DATABASE ${name}`);
    await client.end();
  }
}

interface Timing {
  pages: number;
  entries: number;
  totalMs: number;
  firstMs: number;
  lastMs: number;
  /** The database part alone (the store's query), without rendering. */
  storeTotalMs: number;
  storeFirstMs: number;
  storeLastMs: number;
}

interface PageRead {
  entries: number;
  lastPage: boolean;
  storeMs: number;
}

/** Reads pages from 1 until the last, timing each. */
async function readAll(readPage: (page: number) => Promise<PageRead>): Promise<Timing> {
  const times: number[] = [];
  const store: number[] = [];
  let entries = 0;
  for (let page = 1, last = false; !last; page++) {
    const start = performance.now();
    const result = await readPage(page);
    times.push(performance.now() - start);
    store.push(result.storeMs);
    entries += result.entries;
    last = result.lastPage;
  }
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  return {
    pages: times.length,
    entries,
    totalMs: sum(times),
    firstMs: times[0] ?? 0,
    lastMs: times.at(-1) ?? 0,
    storeTotalMs: sum(store),
    storeFirstMs: store[0] ?? 0,
    storeLastMs: store.at(-1) ?? 0,
  };
}

/** Runs `read`, timing it: the store's part of a page. */
async function timed<T>(read: () => Promise<T>): Promise<[T, number]> {
  const start = performance.now();
  const result = await read();
  return [result, performance.now() - start];
}

async function benchBank(pool: pg.Pool): Promise<() => Promise<Timing>> {
  const store = new BankStore(pool, { instanceId: 'bench' });
  await store.migrate();
  const faults = new FaultInjector({ settleDelayMs: 0 });
  const account = `BENCH-${randomUUID().slice(0, 8)}`;
  for (const size of chunks(N)) {
    const messageId = `BENCH${randomUUID().replaceAll('-', '').slice(0, 24)}`;
    const items = Array.from({ length: size }, () => ({
      endToEndId: `E2E${randomUUID().replaceAll('-', '').slice(0, 28)}`,
      amount: '0.01',
      currency: 'BRL',
      creditor: { bankCode: 'SIMBANK', accountNumber: 'BENCH-CREDITOR' },
    }));
    await store.receive({ messageId, paymentInformationId: messageId, debtorAccount: account, items }, faults);
    const outcome = await store.settle(messageId, faults);
    if (outcome.kind !== 'settled') throw new Error(`message ${messageId} not settled: ${outcome.kind}`);
  }
  const date = new Date().toISOString().slice(0, 10);
  return () =>
    readAll(async (page) => {
      const [statement, storeMs] = await timed(() => store.camt053(account, date, page));
      buildCamt053(statement); // the route's work too: the XML is what the client waits for
      return {
        entries: statement.statements.reduce((n, s) => n + s.entries.length, 0),
        lastPage: statement.pagination?.lastPage ?? true,
        storeMs,
      };
    });
}

async function benchWallet(pool: pg.Pool): Promise<() => Promise<Timing>> {
  const store = new WalletStore(pool, { instanceId: 'bench' });
  await store.migrate();
  const faults = new FaultState({ settleDelayMs: 0 });
  const account = `BENCH-${randomUUID().slice(0, 8)}`;
  for (const size of chunks(N)) {
    const req: BatchRequest = {
      correlationId: randomUUID(),
      callbackUrl: null,
      batchTitle: 'bench',
      transactions: Array.from({ length: size }, (_, i) => ({
        reference: randomUUID(),
        amount: '0.01',
        currency: 'BRL',
        debitAccount: account,
        msisdn: `+5511${String(900000000 + i)}`,
      })),
    };
    const received = await store.receive(req, () => false);
    if (received.kind !== 'accepted') throw new Error(`batch not accepted: ${received.kind}`);
    const outcome = await store.settle(received.response.objectReference, {
      faults: faults.current,
      chance: (rate) => faults.chance(rate),
    });
    if (outcome.kind !== 'progressed' || outcome.status !== 'completed') throw new Error('batch not completed');
  }
  const date = new Date().toISOString().slice(0, 10);
  return () =>
    readAll(async (page) => {
      const [result, storeMs] = await timed(() => store.settlement(account, date, undefined, page));
      if (result.kind !== 'report') throw new Error('settlement report refused');
      JSON.stringify(result.report);
      return { entries: result.report.entries.length, lastPage: result.report.lastPage, storeMs };
    });
}

const ms = (x: number) => `${x.toFixed(0)} ms`;
const describe = (t: Timing) =>
  `all pages ${(t.totalMs / 1000).toFixed(2)} s, first page ${ms(t.firstMs)}, last page ${ms(t.lastMs)}` +
  ` (store query alone: ${(t.storeTotalMs / 1000).toFixed(2)} s, first ${ms(t.storeFirstMs)}, last ${ms(t.storeLastMs)})`;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

for (const rail of rails) {
  const url = rail === 'bank' ? config.BANK_SIM_DATABASE_URL : config.WALLET_SIM_DATABASE_URL;
  await withScratchDatabase(url, async (pool) => {
    const bookStart = performance.now();
    const read = await (rail === 'bank' ? benchBank(pool) : benchWallet(pool));
    log(`${rail}: booked ${N} entries in ${((performance.now() - bookStart) / 1000).toFixed(1)} s`);
    const runs: Timing[] = [];
    for (let i = 0; i < RUNS; i++) {
      const t = await read();
      if (t.entries !== N) throw new Error(`${rail}: read ${t.entries} entries, booked ${N}`);
      runs.push(t);
      log(`${rail} run ${i + 1}: ${t.pages} pages, ${t.entries} entries; ${describe(t)}`);
    }
    const m = (f: (t: Timing) => number) => median(runs.map(f));
    const keys = Object.keys(runs[0]!) as Array<keyof Timing>;
    log(`${rail} median of ${RUNS}: ${describe(Object.fromEntries(keys.map((k) => [k, m((t) => t[k])])) as unknown as Timing)}`);
  });
}

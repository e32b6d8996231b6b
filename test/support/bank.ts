// Harness for tests that need the bank: a bank on the test database, a callback receiver, transfers.
// Every bank gets its own instanceId, so parallel test files sharing the database never settle
// each other's messages; every test uses fresh ids, so no truncation is needed.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import type { FastifyInstance } from 'fastify';
import { loadConfig } from '../../lib/config';
import { BankProcessor, type ProcessorOptions } from '../../simulators/bank/processor';
import { buildBankServer } from '../../simulators/bank/server';
import { BankStore } from '../../simulators/bank/store';
import { uid } from './util';

export interface TestBank {
  pool: pg.Pool;
  store: BankStore;
  processor: BankProcessor;
  app: FastifyInstance;
  close(): Promise<void>;
}

/** A bank on the test database; its processor runs unless `start: false`. */
export async function startBank(instanceId: string, options: ProcessorOptions & { start?: boolean } = {}): Promise<TestBank> {
  const pool = new pg.Pool({ connectionString: loadConfig().BANK_SIM_DATABASE_URL, max: 5 });
  const store = new BankStore(pool, { instanceId });
  await store.migrate();
  const processor = new BankProcessor(store, { settleDelayMs: 50, pollIntervalMs: 20, ...options });
  const app = buildBankServer({ store, onReceived: () => processor.kick() });
  await app.ready();
  if (options.start !== false) processor.start();
  return {
    pool,
    store,
    processor,
    app,
    async close() {
      await processor.stop();
      await app.close();
      await pool.end();
    },
  };
}

export interface Callback {
  headers: http.IncomingHttpHeaders;
  body: { eventId: string; messageId: string; status: string };
}

/** A tiny HTTP server that records callbacks; answers 503 while `failing` is true. */
export async function callbackReceiver(): Promise<{ url: string; received: Callback[]; failing: { on: boolean }; close(): Promise<void> }> {
  const received: Callback[] = [];
  const failing = { on: false };
  const server = http.createServer((req, res) => {
    let data = '';
    req.on('data', (chunk: Buffer) => (data += chunk.toString()));
    req.on('end', () => {
      if (failing.on) {
        res.writeHead(503).end();
        return;
      }
      received.push({ headers: req.headers, body: JSON.parse(data) as Callback['body'] });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/callbacks/bank`,
    received,
    failing,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export interface ItemInput {
  endToEndId?: string;
  amount?: string;
  currency?: string;
  accountNumber?: string;
}

export function transfer(debtorAccount: string, items: ItemInput[], extra: { messageId?: string; callbackUrl?: string } = {}) {
  return {
    messageId: extra.messageId ?? uid('msg'),
    debtorAccount,
    ...(extra.callbackUrl ? { callbackUrl: extra.callbackUrl } : {}),
    items: items.map((i) => ({
      endToEndId: i.endToEndId ?? uid('e2e'),
      amount: i.amount ?? '10.00',
      currency: i.currency ?? 'USD',
      creditor: { bankCode: 'SIMBANK', accountNumber: i.accountNumber ?? uid('acct') },
    })),
  };
}

export type Transfer = ReturnType<typeof transfer>;

/** Ledger entries per endToEndId for one debtor, read straight from the table. */
export async function entryCounts(pool: pg.Pool, debtorAccount: string): Promise<Map<string, number>> {
  const { rows } = await pool.query<{ e2e: string; n: string }>(
    'SELECT end_to_end_id AS e2e, count(*) AS n FROM bank_ledger_entry WHERE debtor_account = $1 GROUP BY 1',
    [debtorAccount],
  );
  return new Map(rows.map((r) => [r.e2e, Number(r.n)]));
}

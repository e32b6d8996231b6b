// Harness for tests that need the wallet provider: a simulator on the test database (optionally
// listening on a free port), a notification receiver that checks the provider's signature as the web edge
// does, batch requests. Every wallet gets its own
// instanceId, so parallel test files sharing the database never see each other's batches; every test
// uses fresh ids and accounts, so no truncation is needed.
import { randomInt } from 'node:crypto';
import type http from 'node:http';
import pg from 'pg';
import type { FastifyInstance } from 'fastify';
import { verifyCallback } from '../../lib/callback-signature';
import { loadConfig } from '../../lib/config';
import { createLogger } from '../../lib/logger';
import { FaultState, type WalletFaultsInput } from '../../simulators/wallet/faults';
import type { DeliveryOptions } from '../../simulators/shared/outbox-processor';
import { WalletProcessor } from '../../simulators/wallet/processor';
import { buildWalletServer } from '../../simulators/wallet/server';
import { WalletStore } from '../../simulators/wallet/store';
import type { WalletAccounts } from '../../simulators/wallet/wallet-accounts';
import { startReceiver, type Receiver } from './receiver';
import { uid } from './util';

export interface TestWallet {
  pool: pg.Pool;
  store: WalletStore;
  processor: WalletProcessor;
  faults: FaultState;
  app: FastifyInstance;
  /** Set when started with `listen: true`. */
  url: string;
  close(): Promise<void>;
}

export interface WalletOptions {
  faults?: WalletFaultsInput;
  /** Run the processor's loops (default true). */
  start?: boolean;
  /** Listen on a free port (for clients over real sockets). */
  listen?: boolean;
  delivery?: DeliveryOptions;
  pollIntervalMs?: number;
  /** The key the provider signs its callbacks with (default: the configured one, which receivers check). */
  callbackSecret?: string;
  /** Who holds which wallet (default: the registry population of the environment's settings). */
  accounts?: WalletAccounts;
}

export async function startWallet(instanceId: string, options: WalletOptions = {}): Promise<TestWallet> {
  const pool = new pg.Pool({ connectionString: loadConfig().WALLET_SIM_DATABASE_URL, max: 5 });
  const store = new WalletStore(pool, { instanceId });
  await store.migrate();
  const faults = new FaultState({ settleDelayMs: 50, ...options.faults });
  const logger = createLogger('wallet-sim-test', 'error');
  const processor = new WalletProcessor(store, {
    faults,
    pollIntervalMs: options.pollIntervalMs ?? 20,
    delivery: options.delivery,
    logger,
    callbackSecret: options.callbackSecret ?? loadConfig().WALLET_CALLBACK_SECRET,
  });
  const app = buildWalletServer({
    store,
    faults,
    onReceived: () => processor.kick(),
    logger,
    ...(options.accounts ? { accounts: options.accounts } : {}),
  });
  const url = options.listen ? await app.listen({ host: '127.0.0.1', port: 0 }) : '';
  if (!options.listen) await app.ready();
  if (options.start !== false) processor.start();
  return {
    pool,
    store,
    processor,
    faults,
    app,
    url,
    async close() {
      await processor.stop();
      await app.close();
      await pool.end();
    },
  };
}

export interface Notification {
  method: string;
  headers: http.IncomingHttpHeaders;
  body: { batchId: string; batchStatus: string; completedCount: number; rejectionCount: number };
}

/** Records the wallet's signed notifications (shared receiver: answers 503 while `failing.on`). */
export async function notificationReceiver(): Promise<Receiver & { received: Notification[]; unsigned: string[] }> {
  const received: Notification[] = [];
  /** Notifications without the provider's valid signature (answered 401, as the web edge does). */
  const unsigned: string[] = [];
  const secret = loadConfig().WALLET_CALLBACK_SECRET;
  const receiver = await startReceiver('/callbacks/wallet', (req, body) => {
    if (!verifyCallback(secret, req.headers, body).ok) {
      unsigned.push(body);
      return 401;
    }
    received.push({ method: req.method ?? '', headers: req.headers, body: JSON.parse(body) as Notification['body'] });
    return 200;
  });
  return { ...receiver, received, unsigned };
}

/** A random Brazilian mobile number in E.164. */
export const msisdn = (): string => `+55119${String(randomInt(0, 10 ** 8)).padStart(8, '0')}`;

export interface TxnInput {
  reference?: string;
  amount?: string;
  currency?: string;
  msisdn?: string;
}

export function txn(account: string, t: TxnInput = {}) {
  return {
    amount: t.amount ?? '10.00',
    currency: t.currency ?? 'BRL',
    type: 'disbursement',
    debitParty: [{ key: 'accountid', value: account }],
    creditParty: [{ key: 'msisdn', value: t.msisdn ?? msisdn() }],
    requestingOrganisationTransactionReference: t.reference ?? uid('pay'),
  };
}

export type Txn = ReturnType<typeof txn>;

/** A batch request: headers and body, ready for app.inject. */
export function batch(
  account: string,
  txns: TxnInput[] | Txn[],
  extra: { correlationId?: string; callbackUrl?: string; title?: string } = {},
) {
  const headers: Record<string, string> = { 'X-CorrelationID': extra.correlationId ?? uid('corr') };
  if (extra.callbackUrl) headers['X-Callback-URL'] = extra.callbackUrl;
  const transactions = txns.map((t) => ('type' in t ? t : txn(account, t)));
  return { headers, body: { batchTitle: extra.title ?? 'Cycle 1', transactions } };
}

export type BatchRequest = ReturnType<typeof batch>;

export const submit = (wallet: TestWallet, req: BatchRequest) =>
  wallet.app.inject({ method: 'POST', url: '/v1/batchtransactions', headers: req.headers, payload: req.body });

export async function getJson<T>(wallet: TestWallet, url: string): Promise<{ status: number; body: T }> {
  const res = await wallet.app.inject({ method: 'GET', url });
  return { status: res.statusCode, body: res.json<T>() };
}

/** Ledger entries per reference for one debit account, read straight from the table. */
export async function creditCounts(pool: pg.Pool, account: string): Promise<Map<string, number>> {
  const { rows } = await pool.query<{ reference: string; n: string }>(
    'SELECT reference, count(*) AS n FROM wallet_ledger_entry WHERE debit_account = $1 GROUP BY 1',
    [account],
  );
  return new Map(rows.map((r) => [r.reference, Number(r.n)]));
}

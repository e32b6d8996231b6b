// Harness for tests that need the bank: a bank on the test database, a pain.002 callback receiver that
// checks the bank's signature as the web edge does, pain.001 transfers. Every bank gets its own instanceId, so parallel test files sharing the database
// never settle each other's messages; every test uses fresh ids, so no truncation is needed.
import type http from 'node:http';
import Decimal from 'decimal.js';
import pg from 'pg';
import type { FastifyInstance } from 'fastify';
import { loadConfig } from '../../lib/config';
import { buildPain001 } from '../../lib/iso20022/pain001';
import { verifyCallback } from '../../lib/callback-signature';
import { parsePain002, type Pain002 } from '../../lib/iso20022/pain002';
import { readPain002Notification } from '../../lib/iso20022/pain002-notification';
import { FaultInjector, type FaultConfigInput } from '../../simulators/bank/faults';
import { BankProcessor, type ProcessorOptions } from '../../simulators/bank/processor';
import type { AccountHolderBook } from '../../simulators/bank/holders';
import { buildBankServer } from '../../simulators/bank/server';
import { BankStore } from '../../simulators/bank/store';
import { startReceiver, type Receiver } from './receiver';
import { uid } from './util';

export interface TestBank {
  pool: pg.Pool;
  store: BankStore;
  processor: BankProcessor;
  app: FastifyInstance;
  close(): Promise<void>;
}

export type BankOptions = Omit<ProcessorOptions, 'faults' | 'callbackSecret'> & {
  start?: boolean;
  faults?: FaultConfigInput;
  /** The key the bank signs its callbacks with (default: the configured one, which receivers check). */
  callbackSecret?: string;
  /** Who holds the bank's accounts (default: the registry population of the environment's settings). */
  holders?: AccountHolderBook;
};

/** A bank on the test database (settling after 50 ms unless the faults say otherwise); its processor runs unless `start: false`. */
export async function startBank(instanceId: string, options: BankOptions = {}): Promise<TestBank> {
  const pool = new pg.Pool({ connectionString: loadConfig().BANK_SIM_DATABASE_URL, max: 5 });
  const store = new BankStore(pool, { instanceId });
  await store.migrate();
  const faults = new FaultInjector({ settleDelayMs: 50, ...options.faults });
  const processor = new BankProcessor(store, { pollIntervalMs: 20, callbackSecret: loadConfig().BANK_CALLBACK_SECRET, ...options, faults });
  const app = buildBankServer({
    store,
    faults,
    onReceived: () => processor.kick(),
    ...(options.holders ? { holders: options.holders } : {}),
  });
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
  /** The pain.002's OrgnlMsgId and GrpSts. */
  body: { messageId: string; status: string };
  /** The pain.002 as received. */
  xml: string;
}

export interface CallbackReceiver extends Receiver {
  received: Callback[];
  /** Bodies that were not a pain.002 notification (answered 400); a correct bank never sends one. */
  unparseable: string[];
  /** Callbacks without the bank's valid signature (answered 401, as the web edge does); a correct bank never sends one. */
  unsigned: string[];
}

/** Records the bank's signed pain.002 callbacks (shared receiver: answers 503 while `failing.on`). */
export async function callbackReceiver(): Promise<CallbackReceiver> {
  const received: Callback[] = [];
  const unparseable: string[] = [];
  const unsigned: string[] = [];
  const secret = loadConfig().BANK_CALLBACK_SECRET;
  const receiver = await startReceiver('/callbacks/bank', (req, body) => {
    if (!verifyCallback(secret, req.headers, body).ok) {
      unsigned.push(body);
      return 401;
    }
    let notification;
    try {
      notification = readPain002Notification(body);
    } catch {
      unparseable.push(body);
      return 400;
    }
    const { originalMessageId: messageId, groupStatus: status = '' } = notification;
    received.push({ headers: req.headers, body: { messageId, status }, xml: body });
    return 204;
  });
  return { ...receiver, received, unparseable, unsigned };
}

export interface ItemInput {
  endToEndId?: string;
  amount?: string;
  currency?: string;
  accountNumber?: string;
}

export interface TransferOptions {
  messageId?: string;
  /** Sent as the X-Callback-URL header by submit(). */
  callbackUrl?: string;
  /** Control totals to write instead of the true ones (GrpHdr and PmtInf separately). */
  totals?: { groupCount?: number; groupSum?: string; paymentCount?: number; paymentSum?: string };
}

/** A pain.001 from this debtor: one CdtTrfTxInf per item, with fresh EndToEndIds and creditor accounts unless given. */
export function transfer(debtorAccount: string, items: ItemInput[], extra: TransferOptions = {}) {
  const messageId = extra.messageId ?? uid('msg');
  const resolved = items.map((i) => ({
    endToEndId: i.endToEndId ?? uid('e2e'),
    amount: i.amount ?? '10.00',
    currency: i.currency ?? 'USD',
    accountNumber: i.accountNumber ?? uid('acct'),
  }));
  const count = resolved.length;
  const sum = resolved.reduce((acc, i) => acc.plus(i.amount), new Decimal(0)).toFixed();
  const t = extra.totals ?? {};
  const xml = buildPain001({
    messageId,
    createdAt: new Date().toISOString(),
    numberOfTransactions: t.groupCount ?? count,
    controlSum: t.groupSum ?? sum,
    initiatingParty: 'AMPARO TEST',
    paymentInformation: {
      paymentInformationId: `${messageId}-1`.slice(0, 35),
      paymentMethod: 'TRF',
      numberOfTransactions: t.paymentCount ?? count,
      controlSum: t.paymentSum ?? sum,
      requestedExecutionDate: new Date().toISOString().slice(0, 10),
      debtorName: 'AMPARO TEST',
      debtorAccount,
      debtorAgent: 'SIMBANK',
      transactions: resolved.map((i) => ({
        endToEndId: i.endToEndId,
        amount: i.amount,
        currency: i.currency,
        creditorAgent: 'SIMBANK',
        creditorName: 'BENEFICIARY',
        creditorAccount: i.accountNumber,
      })),
    },
  });
  return { messageId, debtorAccount, ...(extra.callbackUrl ? { callbackUrl: extra.callbackUrl } : {}), items: resolved, xml };
}

export type Transfer = ReturnType<typeof transfer>;

/** POST /v1/pain001 through app.inject, with the callback URL header when the transfer has one. */
export function submit(bank: TestBank, t: Transfer, xml = t.xml) {
  const headers: Record<string, string> = { 'content-type': 'application/xml' };
  if (t.callbackUrl) headers['x-callback-url'] = t.callbackUrl;
  return bank.app.inject({ method: 'POST', url: '/v1/pain001', headers, payload: xml });
}

/** GET /v1/pain002/:msgId, parsed; null on 404. */
export async function statusReport(bank: TestBank, messageId: string): Promise<Pain002 | null> {
  const res = await bank.app.inject({ method: 'GET', url: `/v1/pain002/${encodeURIComponent(messageId)}` });
  if (res.statusCode === 404) return null;
  if (res.statusCode !== 200) throw new Error(`GET /v1/pain002/${messageId}: HTTP ${res.statusCode}`);
  return parsePain002(res.body);
}

const FINAL = new Set(['ACSC', 'PART', 'RJCT']);

/** Waits until no item of the message is still pending (ACSP / PDNG), and returns its pain.002. */
export async function settledReport(bank: TestBank, messageId: string, timeoutMs = 10_000): Promise<Pain002> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const report = await statusReport(bank, messageId);
    if (report && FINAL.has(report.groupStatus ?? '') && report.transactions.every((t) => t.status === 'ACSC' || t.status === 'RJCT'))
      return report;
    if (Date.now() > deadline) throw new Error(`message ${messageId} not settled: ${report?.groupStatus ?? 'unknown'}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** [EndToEndId, TxSts, reason code] per item of a pain.002, in its order. */
export const itemStatuses = (report: Pain002) => report.transactions.map((t) => [t.originalEndToEndId, t.status, t.reason?.code]);

/** Ledger entries per endToEndId for one debtor, read straight from the table. */
export async function entryCounts(pool: pg.Pool, debtorAccount: string): Promise<Map<string, number>> {
  const { rows } = await pool.query<{ e2e: string; n: string }>(
    'SELECT end_to_end_id AS e2e, count(*) AS n FROM bank_ledger_entry WHERE debtor_account = $1 GROUP BY 1',
    [debtorAccount],
  );
  return new Map(rows.map((r) => [r.e2e, Number(r.n)]));
}

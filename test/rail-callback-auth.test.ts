// The rails' callbacks at the web edge (issue "Holds up under abuse"): only a rail's own signed, fresh,
// first-time callbacks get in; a body beyond a notification's size is refused before it is read; a
// callback for a closed batch is kept and signals nothing; a burst for one batch signals it at most once
// per window. Refused callbacks store nothing and queue nothing. Real database, Redis and BullMQ; the
// Temporal client that would receive the signals is a recorder.
import type { Client } from '@temporalio/client';
import { Worker, type Job } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signCallback, SIGNATURE_HEADER, TIMESTAMP_HEADER } from '../lib/callback-signature';
import { loadConfig } from '../lib/config';
import { buildPain002 } from '../lib/iso20022/pain002';
import { BANK_CALLBACK_QUEUE, type BankCallbackJob } from '../lib/queues';
import { createRedis } from '../lib/redis';
import { SIGNAL_WINDOW_MS } from '../web/rails/batch-signal';
import { createBankCallbackProcessor } from '../workers/callback-processor';
import { disbursementBatchWorkflowId } from '../workflows/ids';
import { approvedCycle, createProgram } from './support/fixtures';
import { uid, waitFor } from './support/util';
import { startTestWeb, type TestWeb } from './support/web';

const config = loadConfig();
let web: TestWeb;
let cycleId: string;
let seq = 0;

beforeAll(async () => {
  web = await startTestWeb();
  const program = await createProgram(web.db);
  cycleId = (await approvedCycle(web.db, program.id)).id;
}, 60_000);
afterAll(() => web?.close());

interface Rail {
  provider: 'bank-sim' | 'wallet-sim';
  url: string;
  method: 'POST' | 'PUT';
  contentType: string;
  secret: string;
  /** A notification about the batch, about `padding` bytes larger than it needs to be. */
  body(messageId: string, padding?: number): string;
  /** The headers naming the event (and, for the wallet, the batch). */
  ids(messageId: string, eventId: string): Record<string, string>;
}

const bank: Rail = {
  provider: 'bank-sim',
  url: '/callbacks/bank',
  method: 'POST',
  contentType: 'application/xml',
  secret: config.BANK_CALLBACK_SECRET,
  body: (messageId, padding = 0) =>
    buildPain002({
      messageId: uid('STS'),
      createdAt: new Date().toISOString(),
      originalMessageId: messageId,
      originalMessageNameId: 'pain.001.001.09',
      groupStatus: 'ACSC',
      // A full status report grows with its items: this is how a large one comes about.
      transactions: Array.from({ length: Math.ceil(padding / 250) }, (_, i) => ({
        originalEndToEndId: `E2E-${String(i).padStart(8, '0')}`,
        status: 'ACSC' as const,
        amount: '600.00',
        currency: 'BRL',
      })),
    }),
  ids: (_messageId, eventId) => ({ 'x-event-id': eventId }),
};

const wallet: Rail = {
  provider: 'wallet-sim',
  url: '/callbacks/wallet',
  method: 'PUT',
  contentType: 'application/json',
  secret: config.WALLET_CALLBACK_SECRET,
  body: (_messageId, padding = 0) =>
    JSON.stringify({
      batchId: uid('WB'),
      batchStatus: 'completed',
      completedCount: 1,
      rejectionCount: 0,
      ...(padding ? { note: 'x'.repeat(padding) } : {}),
    }),
  ids: (messageId, eventId) => ({ 'x-event-id': eventId, 'x-correlationid': messageId }),
};

const RAILS = [bank, wallet];

/** A batch of the test cycle at the rail, in the status given. */
async function batch(rail: Rail, status: 'SUBMITTED' | 'COMPLETED') {
  const messageId = uid('MSG');
  seq += 1;
  await web.db.paymentBatch.create({
    data: {
      cycleId,
      seq,
      rail: rail === bank ? 'BANK' : 'WALLET',
      provider: rail.provider,
      messageId,
      status,
      itemCount: 1,
      totalAmount: '600.00',
      currency: 'BRL',
    },
  });
  return { messageId, workflowId: disbursementBatchWorkflowId(cycleId, seq) };
}

interface Callback {
  eventId: string;
  body: string;
  headers: Record<string, string>;
}

/** A callback as the rail sends it: signed now with its secret unless `sign` says otherwise. */
function callback(rail: Rail, messageId: string, opts: { sign?: (body: string) => Record<string, string>; padding?: number } = {}) {
  const eventId = uid('ev');
  const body = rail.body(messageId, opts.padding);
  const signature = (opts.sign ?? ((b: string) => signCallback(rail.secret, b)))(body);
  return { eventId, body, headers: { 'content-type': rail.contentType, ...rail.ids(messageId, eventId), ...signature } };
}

const send = (rail: Rail, cb: Callback) => web.app.inject({ method: rail.method, url: rail.url, headers: cb.headers, payload: cb.body });

const stored = (rail: Rail, eventId: string) => web.db.providerEvent.count({ where: { provider: rail.provider, eventId } });

/** Every job the edge queued for the batch, whatever its state. */
async function jobsFor(messageId: string): Promise<Array<Job<BankCallbackJob>>> {
  const jobs = await web.queues.bankCallbacks.getJobs(['waiting', 'delayed', 'active', 'completed', 'failed', 'paused', 'prioritized']);
  return jobs.filter((j) => j.data.messageId === messageId);
}

const fieldsOf = (body: string) => Object.keys((JSON.parse(body) as { fields?: Record<string, string> }).fields ?? {});

/**
 * Runs the real callback processor over the queue until every job of the batch has run, with a Temporal
 * client that records the signals instead of sending them. Returns the signals and the jobs' results.
 */
async function processCallbacks(messageId: string, workflowId: string) {
  const signals: string[] = [];
  const temporal = {
    workflow: {
      getHandle: (id: string) => ({
        signal: (_signal: unknown, arg: { eventId: string }) => {
          if (id === workflowId) signals.push(arg.eventId);
          return Promise.resolve();
        },
      }),
    },
  } as unknown as Client;
  const connection = createRedis(config.REDIS_URL);
  const worker = new Worker(BANK_CALLBACK_QUEUE, createBankCallbackProcessor({ temporal, db: web.db }), {
    connection,
    prefix: web.queues.bankCallbacks.opts.prefix,
  });
  try {
    const jobs = await jobsFor(messageId);
    await waitFor(async () => (await Promise.all(jobs.map((j) => j.getState()))).every((s) => s === 'completed'), 20_000);
    const results = await Promise.all(jobs.map(async (j) => (await web.queues.bankCallbacks.getJob(j.id!))?.returnvalue as unknown));
    return { signals, results, jobs };
  } finally {
    await worker.close();
    await connection.quit();
  }
}

describe.each(RAILS)('callbacks of $provider', (rail) => {
  it('takes a callback signed by the rail, stores it and queues a signal', async () => {
    const { messageId } = await batch(rail, 'SUBMITTED');
    const cb = callback(rail, messageId);
    const res = await send(rail, cb);
    expect([res.statusCode, res.json()]).toEqual([200, { received: true, duplicate: false }]);
    expect(await stored(rail, cb.eventId)).toBe(1);
    expect(await jobsFor(messageId)).toHaveLength(1);
  });

  it.each([
    ['unsigned', () => ({})],
    ['signed with another key', (body: string) => signCallback('not-the-rail-secret-at-all', body)],
    ['signed with the other rail’s key', (body: string) => signCallback(rail === bank ? wallet.secret : bank.secret, body)],
    ['changed after signing', (body: string) => signCallback(rail.secret, body.replace('1', '2'))],
    ['with a signature that is not one', () => ({ ...signCallback(rail.secret, ''), [SIGNATURE_HEADER]: 'sha256=nope' })],
  ])('refuses a callback %s with 401 naming the signature header, and keeps nothing', async (_what, sign) => {
    const { messageId } = await batch(rail, 'SUBMITTED');
    const cb = callback(rail, messageId, { sign });
    const res = await send(rail, cb);
    expect(res.statusCode).toBe(401);
    expect(fieldsOf(res.body)).toEqual([SIGNATURE_HEADER]);
    expect(await stored(rail, cb.eventId)).toBe(0);
    expect(await jobsFor(messageId)).toHaveLength(0);
  });

  it('refuses a correctly signed callback whose timestamp is outside the clock-skew window, naming the timestamp', async () => {
    const { messageId } = await batch(rail, 'SUBMITTED');
    for (const minutes of [-10, 10]) {
      const cb = callback(rail, messageId, { sign: (body) => signCallback(rail.secret, body, Date.now() + minutes * 60_000) });
      const res = await send(rail, cb);
      expect(res.statusCode).toBe(401);
      expect(fieldsOf(res.body)).toEqual([TIMESTAMP_HEADER]);
      expect(await stored(rail, cb.eventId)).toBe(0);
    }
    expect(await jobsFor(messageId)).toHaveLength(0);
  });

  it('refuses the same signed request a second time, even with a fresh event id', async () => {
    const { messageId } = await batch(rail, 'SUBMITTED');
    const cb = callback(rail, messageId);
    expect((await send(rail, cb)).statusCode).toBe(200);
    const again = await send(rail, cb);
    expect(again.statusCode).toBe(401);
    expect(fieldsOf(again.body)).toEqual([SIGNATURE_HEADER]);
    // What an attacker who saw one callback would try: the same signed body under a new event id.
    const freshId = uid('ev');
    const replayed = await send(rail, { eventId: freshId, body: cb.body, headers: { ...cb.headers, 'x-event-id': freshId } });
    expect(replayed.statusCode).toBe(401);
    expect(await stored(rail, cb.eventId)).toBe(1);
    expect(await stored(rail, freshId)).toBe(0);
    expect(await jobsFor(messageId)).toHaveLength(1);
  });

  it.each([
    ['100 KB', 100_000],
    ['4 MB', 4_000_000],
  ])('refuses a %s body with 413, signed or not, and keeps nothing', async (_size, bytes) => {
    const { messageId } = await batch(rail, 'SUBMITTED');
    const cb = callback(rail, messageId, { padding: bytes });
    expect(Buffer.byteLength(cb.body)).toBeGreaterThan(bytes);
    const res = await send(rail, cb);
    expect(res.statusCode).toBe(413);
    expect(fieldsOf(res.body)).toEqual(['body']);
    expect(await stored(rail, cb.eventId)).toBe(0);
    expect(await jobsFor(messageId)).toHaveLength(0);
  });

  it('stores a callback for a closed batch and signals nothing', async () => {
    const { messageId, workflowId } = await batch(rail, 'COMPLETED');
    const cb = callback(rail, messageId);
    expect((await send(rail, cb)).statusCode).toBe(200);
    expect(await stored(rail, cb.eventId)).toBe(1);
    const { signals, results } = await processCallbacks(messageId, workflowId);
    expect(signals).toEqual([]);
    expect(results.every((r) => r === 'batch-closed')).toBe(true);
  });

  it('signals a batch at most once per window for a burst of callbacks, and after the last of them', async () => {
    const { messageId, workflowId } = await batch(rail, 'SUBMITTED');
    const first = Date.now();
    const burst = Array.from({ length: 20 }, () => callback(rail, messageId));
    let lastSent = first;
    for (const cb of burst) {
      lastSent = Date.now();
      expect((await send(rail, cb)).statusCode).toBe(200);
    }
    const last = Date.now();
    expect(await web.db.providerEvent.count({ where: { provider: rail.provider, messageId } })).toBe(20);
    // The windows the burst touched: usually one, two when it straddles a window's end.
    const windows = Math.floor(last / SIGNAL_WINDOW_MS) - Math.floor(first / SIGNAL_WINDOW_MS) + 1;
    const { signals, jobs } = await processCallbacks(messageId, workflowId);
    expect(signals.length).toBeGreaterThanOrEqual(1);
    expect(signals.length).toBeLessThanOrEqual(windows);
    // The last callback is not left out: a signal is due after it was sent (so after it arrived).
    expect(Math.max(...jobs.map((j) => j.timestamp + (j.opts.delay ?? 0)))).toBeGreaterThan(lastSent);
  }, 30_000);
});

describe('the bank’s notification', () => {
  const signedXml = (xml: string) => {
    const eventId = uid('ev');
    const headers = { 'content-type': 'application/xml', 'x-event-id': eventId, ...signCallback(bank.secret, xml) };
    return web.app.inject({ method: 'POST', url: '/callbacks/bank', headers, payload: xml });
  };
  const document = (namespace: string, inner: string) =>
    `<?xml version="1.0" encoding="UTF-8"?><Document xmlns="${namespace}">${inner}</Document>`;
  const PAIN002 = 'urn:iso:std:iso:20022:tech:xsd:pain.002.001.10';

  it('is read for its original message id and group status only, without the items', async () => {
    const { messageId } = await batch(bank, 'SUBMITTED');
    const res = await signedXml(bank.body(messageId));
    expect(res.statusCode).toBe(200);
    const event = await web.db.providerEvent.findFirstOrThrow({ where: { provider: bank.provider, messageId } });
    expect(event.payload).toEqual({ status: 'ACSC' });
  });

  it.each([
    ['a pain.001', document('urn:iso:std:iso:20022:tech:xsd:pain.001.001.09', '<CstmrCdtTrfInitn/>'), 'Document'],
    [
      'a pain.002 without its original message id',
      document(PAIN002, '<CstmrPmtStsRpt><OrgnlGrpInfAndSts><GrpSts>ACSC</GrpSts></OrgnlGrpInfAndSts></CstmrPmtStsRpt>'),
      'Document/CstmrPmtStsRpt/OrgnlGrpInfAndSts/OrgnlMsgId',
    ],
    ['a pain.002 without its group information', document(PAIN002, '<CstmrPmtStsRpt/>'), 'Document/CstmrPmtStsRpt/OrgnlGrpInfAndSts'],
  ])('refuses %s, naming the element', async (_what, xml, element) => {
    const res = await signedXml(xml);
    expect(res.statusCode).toBe(400);
    expect(fieldsOf(res.body)).toEqual([element]);
  });

  it('refuses a document type declaration (entities) with 400', async () => {
    const { messageId } = await batch(bank, 'SUBMITTED');
    const xml = bank.body(messageId).replace('<Document', '<!DOCTYPE Document [<!ENTITY x "y">]><Document');
    const res = await signedXml(xml);
    expect(res.statusCode).toBe(400);
    expect(fieldsOf(res.body)).toEqual(['body']);
  });
});

describe('the per-rail rate limit', () => {
  it('refuses a rail’s callbacks beyond its limit with 429 and Retry-After, and keeps nothing of them', async () => {
    const limited = await startTestWeb({ rateLimits: 'callbacksPerRail=3/60' });
    try {
      const { messageId } = await batch(wallet, 'SUBMITTED');
      const answers: number[] = [];
      let last: Callback | undefined;
      let retryAfter: unknown;
      for (let i = 0; i < 4; i++) {
        last = callback(wallet, messageId);
        const res = await limited.app.inject({ method: wallet.method, url: wallet.url, headers: last.headers, payload: last.body });
        answers.push(res.statusCode);
        retryAfter = res.headers['retry-after'];
      }
      expect(answers).toEqual([200, 200, 200, 429]);
      expect(Number(retryAfter)).toBeGreaterThan(0);
      expect(await stored(wallet, last!.eventId)).toBe(0);
    } finally {
      await limited.close();
    }
  });
});

// The bank simulator's injected faults (simulators/bank/faults.ts): what each one does to the wire,
// and that none of them ever loses a committed message or credits a payment twice.
import { describe, expect, it } from 'vitest';
import { parsePain002 } from '../lib/iso20022/pain002';
import {
  callbackReceiver,
  entryCounts,
  itemStatuses,
  settledReport,
  startBank,
  statusReport,
  submit,
  transfer,
  type BankOptions,
  type TestBank,
} from './support/bank';
import { closeAfterEach } from './support/cleanup';
import { uid, waitFor } from './support/util';

const { track } = closeAfterEach();

const bankFor = (options: BankOptions = {}) => track(startBank(uid('bank-faults'), options));
const receiverFor = () => track(callbackReceiver());

const putFaults = (bank: TestBank, faults: object) => bank.app.inject({ method: 'PUT', url: '/v1/admin/faults', payload: faults });
const outboxRows = async (bank: TestBank, messageId: string) =>
  (await bank.pool.query<{ event_id: string }>('SELECT event_id FROM bank_outbox WHERE message_id = $1', [messageId])).rows;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('bank simulator faults', () => {
  it('answers 503 before doing anything (errorRate), delays (latencyMs), and changes faults at run time', async () => {
    const bank = await bankFor();
    const down = { errorRate: { submit: 1 }, settleDelayMs: 50 };
    expect((await putFaults(bank, down)).statusCode).toBe(200);
    expect((await bank.app.inject({ method: 'GET', url: '/v1/admin/faults' })).json()).toMatchObject(down);

    const debtor = uid('debtor');
    const msg = transfer(debtor, [{}, {}]);
    const refused = await submit(bank, msg);
    expect([refused.statusCode, refused.headers['retry-after'], refused.json()]).toEqual([503, '1', { error: 'service_unavailable' }]);
    expect(await statusReport(bank, msg.messageId)).toBeNull();
    expect((await bank.pool.query('SELECT 1 FROM bank_message WHERE debtor_account = $1', [debtor])).rowCount).toBe(0);

    expect(
      (await putFaults(bank, { errorRate: { status: 1 }, latencyMs: { submit: { min: 150, max: 150 } }, settleDelayMs: 50 })).statusCode,
    ).toBe(200);
    const started = Date.now();
    expect((await submit(bank, msg)).statusCode).toBe(202); // the same message, now taken
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect((await bank.app.inject({ method: 'GET', url: `/v1/pain002/${msg.messageId}` })).statusCode).toBe(503);

    const invalid = await putFaults(bank, { errorRate: { submit: 2 }, lostCallbackRate: -1 });
    expect(invalid.statusCode).toBe(400);
    expect(Object.keys(invalid.json<{ fields: object }>().fields).sort()).toEqual(['errorRate.submit', 'lostCallbackRate']);
    expect((await putFaults(bank, { settleDelayMs: 50 })).statusCode).toBe(200);
    expect((await settledReport(bank, msg.messageId)).groupStatus).toBe('ACSC');
    expect([...(await entryCounts(bank.pool, debtor)).values()]).toEqual([1, 1]);
  });

  it('commits a message and withholds the answer (timeoutAfterCommit); the resend is answered and not paid again', async () => {
    const bank = await bankFor({ faults: { timeoutAfterCommitRate: 1, timeoutHoldMs: 300 } });
    const base = await bank.app.listen({ host: '127.0.0.1', port: 0 });
    const debtor = uid('debtor');
    const msg = transfer(debtor, [{ amount: '12.34' }]);
    const post = () => fetch(`${base}/v1/pain001`, { method: 'POST', headers: { 'content-type': 'application/xml' }, body: msg.xml });

    const started = Date.now();
    await expect(post()).rejects.toThrow(TypeError); // socket destroyed without an answer
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);

    // The rail asks before resending: the bank has it.
    const status = await fetch(`${base}/v1/pain002/${msg.messageId}`);
    expect(status.status).toBe(200);
    expect(parsePain002(await status.text())).toMatchObject({
      originalMessageId: msg.messageId,
      transactions: [{ originalEndToEndId: msg.items[0]!.endToEndId }],
    });
    expect((await settledReport(bank, msg.messageId)).groupStatus).toBe('ACSC');

    const resend = await post(); // a resend is a replay, answered at once
    expect(resend.status).toBe(200);
    expect(parsePain002(await resend.text())).toMatchObject({ originalMessageId: msg.messageId, groupStatus: 'ACTC' });
    expect(Object.fromEntries(await entryCounts(bank.pool, debtor))).toEqual({ [msg.items[0]!.endToEndId]: 1 });
  });

  it('delivers a notification twice with the same X-Event-Id (duplicateCallbackRate)', async () => {
    const receiver = await receiverFor();
    const bank = await bankFor({ faults: { duplicateCallbackRate: 1, settleDelayMs: 0 } });
    const msg = transfer(uid('debtor'), [{}, {}], { callbackUrl: receiver.url });
    expect((await submit(bank, msg)).statusCode).toBe(202);
    const both = await waitFor(() => {
      const got = receiver.received.filter((c) => c.body.messageId === msg.messageId);
      return got.length >= 2 ? got : null;
    });
    await sleep(150);
    expect(receiver.received.filter((c) => c.body.messageId === msg.messageId)).toHaveLength(2);
    const [a, b] = both;
    expect(a!.headers['x-event-id']).toEqual(expect.any(String));
    expect(b!.headers['x-event-id']).toBe(a!.headers['x-event-id']);
    expect(b!.xml).toBe(a!.xml);
    // The same notification, delivered again: signed again, so the receiver does not take it for a replay.
    expect(b!.headers['x-callback-signature']).not.toBe(a!.headers['x-callback-signature']);
    expect(a!.body.status).toBe('ACSC');
    expect((await outboxRows(bank, msg.messageId)).map((r) => r.event_id)).toEqual([a!.headers['x-event-id']]);
    expect([...(await entryCounts(bank.pool, msg.debtorAccount)).values()]).toEqual([1, 1]);
  });

  it('loses notifications (lostCallbackRate) but keeps the status queryable', async () => {
    const receiver = await receiverFor();
    const closed = uid('closed');
    const bank = await bankFor({ faults: { lostCallbackRate: 1, settleDelayMs: 0, partialAcceptanceRate: 0, closedAccounts: [closed] } });
    const msg = transfer(uid('debtor'), [{}, { accountNumber: closed }], { callbackUrl: receiver.url });
    expect((await submit(bank, msg)).statusCode).toBe(202);
    const report = await settledReport(bank, msg.messageId);
    expect(report.groupStatus).toBe('PART');
    await bank.processor.deliverDue();
    await sleep(200);
    expect(receiver.received).toEqual([]);
    expect(await outboxRows(bank, msg.messageId)).toEqual([]);
    expect((await statusReport(bank, msg.messageId))?.transactions.map((t) => [t.status, t.reason?.code])).toEqual([
      ['ACSC', undefined],
      ['RJCT', 'AC04'],
    ]);
  });

  it('rejects a share of items at acceptance with AC01 (partialAcceptanceRate) and pays the rest', async () => {
    const receiver = await receiverFor();
    const picky = await bankFor({ faults: { partialAcceptanceRate: 0.5, seed: 7, settleDelayMs: 300 } });
    const debtor = uid('debtor');
    const msg = transfer(
      debtor,
      Array.from({ length: 40 }, () => ({})),
      { callbackUrl: receiver.url },
    );
    const ack = parsePain002((await submit(picky, msg)).body);
    expect(ack.groupStatus).toBe('PART');
    const rejected = ack.transactions.filter((t) => t.status === 'RJCT').map((t) => t.originalEndToEndId);
    expect(ack.transactions.every((t) => (t.status === 'RJCT' && t.reason?.code === 'AC01') || (t.status === 'ACSP' && !t.reason))).toBe(
      true,
    );
    expect(rejected.length).toBeGreaterThan(0);
    expect(rejected.length).toBeLessThan(40);
    // Notified at acceptance (PART, the rest still in process), before any settlement.
    const early = await waitFor(() => receiver.received.find((c) => c.body.messageId === msg.messageId));
    expect(parsePain002(early.xml)).toMatchObject({ groupStatus: 'PART', originalNumberOfTransactions: 40, transactions: [] });
    expect((await entryCounts(picky.pool, debtor)).size).toBe(0);

    const r = await settledReport(picky, msg.messageId);
    expect(r.groupStatus).toBe('PART');
    expect(itemStatuses(r)).toEqual(
      msg.items.map((i) => (rejected.includes(i.endToEndId) ? [i.endToEndId, 'RJCT', 'AC01'] : [i.endToEndId, 'ACSC', undefined])),
    );
    const paid = msg.items.map((i) => i.endToEndId).filter((e) => !rejected.includes(e));
    expect(Object.fromEntries(await entryCounts(picky.pool, debtor))).toEqual(Object.fromEntries(paid.map((e) => [e, 1])));
  });

  it('delays notifications at random so they arrive out of order (outOfOrderCallbacks), each exactly once', async () => {
    const receiver = await receiverFor();
    const bank = await bankFor({ faults: { outOfOrderCallbacks: true, callbackJitterMs: 800, seed: 42, settleDelayMs: 0 } });
    const debtor = uid('debtor');
    const messages = Array.from({ length: 8 }, () => transfer(debtor, [{}], { callbackUrl: receiver.url }));
    for (const m of messages) {
      expect((await submit(bank, m)).statusCode).toBe(202);
      await settledReport(bank, m.messageId);
    }
    const ids = messages.map((m) => m.messageId);
    const arrived = await waitFor(
      () => (receiver.received.length >= ids.length ? receiver.received.map((c) => c.body.messageId) : null),
      5_000,
    );
    await sleep(100);
    expect(receiver.received).toHaveLength(ids.length);
    expect([...arrived].sort()).toEqual([...ids].sort());
    expect(arrived).not.toEqual(ids); // settled in this order, notified in another
    expect(new Set(receiver.received.map((c) => c.headers['x-event-id'])).size).toBe(ids.length);
    expect(receiver.received.every((c) => c.body.status === 'ACSC')).toBe(true);
  });
});

// The bank simulator's back office under stress: concurrent processors, restarts, failing callbacks.
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
  type Transfer,
} from './support/bank';
import { closeAfterEach } from './support/cleanup';
import { uid, waitFor } from './support/util';

const { track, closeNow } = closeAfterEach();

const bankFor = (instanceId: string, options: BankOptions = {}) => track(startBank(instanceId, options));
const receiverFor = () => track(callbackReceiver());

async function send(bank: TestBank, msg: Transfer): Promise<void> {
  const res = await submit(bank, msg);
  expect(res.statusCode).toBe(202);
}

const groupStatus = async (bank: TestBank, messageId: string) => (await statusReport(bank, messageId))?.groupStatus;

describe('bank simulator processing', () => {
  it('never double-credits with two processors on the same database', async () => {
    const instanceId = uid('bank-conc');
    const debtor = uid('debtor');
    // Two bank processes: separate pools, same instance, settling as fast as they can.
    const fast: BankOptions = { faults: { settleDelayMs: 0 }, pollIntervalMs: 2 };
    const a = await bankFor(instanceId, fast);
    const b = await bankFor(instanceId, fast);
    const messages = Array.from({ length: 12 }, () =>
      transfer(
        debtor,
        Array.from({ length: 40 }, () => ({ amount: '0.01' })),
      ),
    );
    // Every third message also repeats the previous message's items under a new MsgId.
    const repeats = messages.filter((_, i) => i % 3 === 1).map((m) => transfer(debtor, m.items));
    await Promise.all([...messages, ...repeats].map((m, i) => send(i % 2 ? a : b, m)));
    // Hammer the same messages from both sides too, outside the loops.
    await Promise.all([a.processor.settleDue(), b.processor.settleDue(), a.processor.settleDue(), b.processor.settleDue()]);

    for (const m of [...messages, ...repeats]) expect((await settledReport(a, m.messageId)).groupStatus).toBe('ACSC');
    const counts = await entryCounts(a.pool, debtor);
    expect(counts.size).toBe(12 * 40);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    expect(await a.store.summary(debtor)).toMatchObject({
      entries: 480,
      distinctEndToEndIds: 480,
      totals: [{ currency: 'USD', amount: '4.80' }],
    });
  });

  it('lets only one of two concurrent settlements of a message book it', async () => {
    const instanceId = uid('bank-race');
    const a = await bankFor(instanceId, { start: false, faults: { settleDelayMs: 0 } });
    const b = await bankFor(instanceId, { start: false, faults: { settleDelayMs: 0 } });
    const debtor = uid('debtor');
    const msg = transfer(
      debtor,
      Array.from({ length: 200 }, () => ({})),
    );
    await send(a, msg);
    const settle = (bank: TestBank) => bank.store.settle(msg.messageId, bank.processor.faults);
    const outcomes = await Promise.all([settle(a), settle(b)]);
    expect(outcomes.map((o) => o.kind).sort()).toEqual(['settled', 'skipped']);
    expect(await settle(b)).toEqual({ kind: 'skipped' });
    expect((await a.store.summary(debtor)).entries).toBe(200);
    expect(await groupStatus(b, msg.messageId)).toBe('ACSC');
  });

  it('reports a resend of a payment not yet settled as PDNG, then as its original', async () => {
    const paused = await bankFor(uid('bank-pdng'), { start: false, faults: { settleDelayMs: 0 } });
    const debtor = uid('debtor');
    const quick = transfer(debtor, [{}]);
    const again = transfer(debtor, quick.items);
    expect((await submit(paused, quick)).statusCode).toBe(202);
    expect(itemStatuses(parsePain002((await submit(paused, again)).body))).toEqual([[quick.items[0]!.endToEndId, 'PDNG', undefined]]);
    await paused.processor.settleDue();
    expect((await settledReport(paused, again.messageId)).groupStatus).toBe('ACSC');
    expect([...(await entryCounts(paused.pool, debtor)).values()]).toEqual([1]);
  });

  it('settles after a restart a message received before it stopped, and delivers its callback', async () => {
    const instanceId = uid('bank-restart');
    const receiver = await receiverFor();
    const debtor = uid('debtor');
    const before = await bankFor(instanceId, { faults: { settleDelayMs: 60_000 } }); // too slow to settle before the "crash"
    const msg = transfer(debtor, [{ amount: '3.33' }, { amount: '4.44' }], { callbackUrl: receiver.url });
    await send(before, msg);
    await closeNow(before);

    const after = await bankFor(instanceId, { start: false, faults: { settleDelayMs: 0 } });
    expect(await groupStatus(after, msg.messageId)).toBe('ACCP'); // received, nothing booked before the restart
    expect((await entryCounts(after.pool, debtor)).size).toBe(0);
    after.processor.start();
    expect((await settledReport(after, msg.messageId)).groupStatus).toBe('ACSC');
    expect(await after.store.summary(debtor)).toMatchObject({ entries: 2, totals: [{ currency: 'USD', amount: '7.77' }] });
    const cb = await waitFor(() => receiver.received.find((c) => c.body.messageId === msg.messageId));
    expect(cb.body.status).toBe('ACSC');
    expect(parsePain002(cb.xml)).toMatchObject({ groupStatus: 'ACSC', originalNumberOfTransactions: 2, transactions: [] });
  });

  it('retries a callback while the receiver answers 503, across a restart, and keeps the status queryable', async () => {
    const instanceId = uid('bank-retry');
    const receiver = await receiverFor();
    receiver.failing.on = true;
    const delivery = { baseDelayMs: 20, maxDelayMs: 50 };
    const first = await bankFor(instanceId, { faults: { settleDelayMs: 0 }, delivery });
    const msg = transfer(uid('debtor'), [{}], { callbackUrl: receiver.url });
    await send(first, msg);
    const attempts = async () =>
      (await first.pool.query<{ attempts: number }>('SELECT attempts FROM bank_outbox WHERE message_id = $1', [msg.messageId])).rows[0]
        ?.attempts ?? 0;
    await waitFor(async () => (await attempts()) >= 3);
    expect(await groupStatus(first, msg.messageId)).toBe('ACSC');
    expect(receiver.received).toHaveLength(0);
    await first.processor.stop();

    receiver.failing.on = false;
    const second = await bankFor(instanceId, { faults: { settleDelayMs: 0 }, delivery });
    const cb = await waitFor(() => receiver.received.find((c) => c.body.messageId === msg.messageId));
    expect(cb.body.status).toBe('ACSC');
    const outbox = async () =>
      (
        await second.pool.query<{ delivered: boolean; event_id: string }>(
          'SELECT delivered_at IS NOT NULL AS delivered, event_id FROM bank_outbox WHERE message_id = $1',
          [msg.messageId],
        )
      ).rows;
    // The receiver answers before the bank records the delivery.
    await waitFor(async () => (await outbox())[0]?.delivered);
    expect(await outbox()).toEqual([{ delivered: true, event_id: cb.headers['x-event-id'] }]);
    expect(receiver.received.filter((c) => c.body.messageId === msg.messageId)).toHaveLength(1);
  });

  it('gives up after the bounded attempts, with the status still queryable', async () => {
    const receiver = await receiverFor();
    receiver.failing.on = true;
    const bank = await bankFor(uid('bank-giveup'), {
      faults: { settleDelayMs: 0 },
      delivery: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 10 },
    });
    const msg = transfer(uid('debtor'), [{}], { callbackUrl: receiver.url });
    await send(bank, msg);
    const row = await waitFor(async () => {
      const { rows } = await bank.pool.query<{ attempts: number; failed: boolean; last_error: string }>(
        'SELECT attempts, failed_at IS NOT NULL AS failed, last_error FROM bank_outbox WHERE message_id = $1',
        [msg.messageId],
      );
      return rows[0]?.failed ? rows[0] : null;
    });
    expect(row).toMatchObject({ attempts: 3, last_error: 'HTTP 503' });
    await new Promise((r) => setTimeout(r, 100)); // no fourth attempt
    expect((await bank.pool.query('SELECT attempts FROM bank_outbox WHERE message_id = $1', [msg.messageId])).rows).toEqual([
      { attempts: 3 },
    ]);
    expect(await groupStatus(bank, msg.messageId)).toBe('ACSC');
  });
});

// The bank simulator's back office under stress: concurrent processors, restarts, failing callbacks.
import { afterEach, describe, expect, it } from 'vitest';
import type { StatusReport } from '../simulators/bank/messages';
import { callbackReceiver, entryCounts, startBank, transfer, type TestBank, type Transfer } from './support/bank';
import { uid, waitFor } from './support/util';

const open: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  for (const o of open.splice(0).reverse()) await o.close();
});

async function bankFor(instanceId: string, options: Parameters<typeof startBank>[1] = {}): Promise<TestBank> {
  const bank = await startBank(instanceId, options);
  open.push(bank);
  return bank;
}

async function send(bank: TestBank, msg: Transfer): Promise<void> {
  const res = await bank.app.inject({ method: 'POST', url: '/v1/credit-transfers', payload: msg });
  expect(res.statusCode).toBe(202);
}

async function statusOf(bank: TestBank, messageId: string): Promise<StatusReport> {
  const report = await bank.store.report(messageId);
  if (!report) throw new Error(`no message ${messageId}`);
  return report;
}

describe('bank simulator processing', () => {
  it('never double-credits with two processors on the same database', async () => {
    const instanceId = uid('bank-conc');
    const debtor = uid('debtor');
    // Two bank processes: separate pools, same instance, settling as fast as they can.
    const fast = { settleDelayMs: 0, pollIntervalMs: 2 };
    const a = await bankFor(instanceId, fast);
    const b = await bankFor(instanceId, fast);
    const messages = Array.from({ length: 12 }, () => transfer(debtor, Array.from({ length: 40 }, () => ({ amount: '0.01' }))));
    // Every third message also repeats the previous message's items under a new messageId.
    const repeats = messages.filter((_, i) => i % 3 === 1).map((m) => ({ ...transfer(debtor, []), items: m.items }));
    await Promise.all([...messages, ...repeats].map((m, i) => send(i % 2 ? a : b, m)));
    // Hammer the same messages from both sides too, outside the loops.
    await Promise.all([a.processor.settleDue(), b.processor.settleDue(), a.processor.settleDue(), b.processor.settleDue()]);

    for (const m of [...messages, ...repeats]) await waitFor(async () => (await statusOf(a, m.messageId)).status === 'ACSC');
    const counts = await entryCounts(a.pool, debtor);
    expect(counts.size).toBe(12 * 40);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    expect(await a.store.summary(debtor)).toMatchObject({ entries: 480, distinctEndToEndIds: 480, totals: [{ currency: 'USD', amount: '4.80' }] });
  });

  it('lets only one of two concurrent settlements of a message book it', async () => {
    const instanceId = uid('bank-race');
    const a = await bankFor(instanceId, { start: false, settleDelayMs: 0 });
    const b = await bankFor(instanceId, { start: false, settleDelayMs: 0 });
    const debtor = uid('debtor');
    const msg = transfer(debtor, Array.from({ length: 200 }, () => ({})));
    await send(a, msg);
    const outcomes = await Promise.all([a.store.settle(msg.messageId, [], {}), b.store.settle(msg.messageId, [], {})]);
    expect(outcomes.map((o) => o.kind).sort()).toEqual(['settled', 'skipped']);
    expect(await b.store.settle(msg.messageId, [], {})).toEqual({ kind: 'skipped' });
    expect((await a.store.summary(debtor)).entries).toBe(200);
  });

  it('settles after a restart a message received before it stopped, and delivers its callback', async () => {
    const instanceId = uid('bank-restart');
    const receiver = await callbackReceiver();
    open.push(receiver);
    const debtor = uid('debtor');
    const before = await bankFor(instanceId, { settleDelayMs: 60_000 }); // too slow to settle before the "crash"
    const msg = transfer(debtor, [{ amount: '3.33' }, { amount: '4.44' }], { callbackUrl: receiver.url });
    await send(before, msg);
    await before.close();
    open.splice(open.indexOf(before), 1);

    const after = await bankFor(instanceId, { settleDelayMs: 0 });
    await waitFor(async () => (await statusOf(after, msg.messageId)).status === 'ACSC');
    expect(await after.store.summary(debtor)).toMatchObject({ entries: 2, totals: [{ currency: 'USD', amount: '7.77' }] });
    const cb = await waitFor(() => receiver.received.find((c) => c.body.messageId === msg.messageId));
    expect(cb.body.status).toBe('ACSC');
  });

  it('retries a failing callback with backoff, across a restart, and keeps the status queryable', async () => {
    const instanceId = uid('bank-retry');
    const receiver = await callbackReceiver();
    open.push(receiver);
    receiver.failing.on = true;
    const delivery = { baseDelayMs: 20, maxDelayMs: 50 };
    const first = await bankFor(instanceId, { settleDelayMs: 0, delivery });
    const msg = transfer(uid('debtor'), [{}], { callbackUrl: receiver.url });
    await send(first, msg);
    const attempts = async () =>
      (await first.pool.query<{ attempts: number }>('SELECT attempts FROM bank_outbox WHERE message_id = $1', [msg.messageId])).rows[0]?.attempts ?? 0;
    await waitFor(async () => (await attempts()) >= 2);
    expect((await statusOf(first, msg.messageId)).status).toBe('ACSC');
    await first.processor.stop();

    receiver.failing.on = false;
    const second = await bankFor(instanceId, { settleDelayMs: 0, delivery });
    const cb = await waitFor(() => receiver.received.find((c) => c.body.messageId === msg.messageId));
    expect(cb.body.status).toBe('ACSC');
    const { rows } = await second.pool.query<{ delivered: boolean; event_id: string }>(
      'SELECT delivered_at IS NOT NULL AS delivered, event_id FROM bank_outbox WHERE message_id = $1',
      [msg.messageId],
    );
    expect(rows).toEqual([{ delivered: true, event_id: cb.body.eventId }]);
    expect(receiver.received.filter((c) => c.body.messageId === msg.messageId)).toHaveLength(1);
  });

  it('gives up after the bounded attempts, and drops callbacks when told to', async () => {
    const receiver = await callbackReceiver();
    open.push(receiver);
    receiver.failing.on = true;
    const bank = await bankFor(uid('bank-giveup'), { settleDelayMs: 0, delivery: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 10 } });
    const msg = transfer(uid('debtor'), [{}], { callbackUrl: receiver.url });
    await send(bank, msg);
    const row = await waitFor(async () => {
      const { rows } = await bank.pool.query<{ attempts: number; failed: boolean }>(
        'SELECT attempts, failed_at IS NOT NULL AS failed FROM bank_outbox WHERE message_id = $1',
        [msg.messageId],
      );
      return rows[0]?.failed ? rows[0] : null;
    });
    expect(row.attempts).toBe(3);
    expect((await statusOf(bank, msg.messageId)).status).toBe('ACSC');

    const mute = await bankFor(uid('bank-mute'), { settleDelayMs: 0, faults: { dropCallbacks: true } });
    const quiet = transfer(uid('debtor'), [{}], { callbackUrl: receiver.url });
    await send(mute, quiet);
    await waitFor(async () => (await statusOf(mute, quiet.messageId)).status === 'ACSC');
    const { rowCount } = await mute.pool.query('SELECT 1 FROM bank_outbox WHERE message_id = $1', [quiet.messageId]);
    expect(rowCount).toBe(0);
  });
});

// The wallet simulator's back office under stress: concurrent settlers, restarts, failing callbacks.
import { describe, expect, it } from 'vitest';
import type { AsyncResponse, WalletBatch } from '../simulators/wallet/messages';
import { closeAfterEach } from './support/cleanup';
import { uid, waitFor } from './support/util';
import {
  batch,
  creditCounts,
  getJson,
  notificationReceiver,
  startWallet,
  submit,
  type BatchRequest,
  type TestWallet,
  type WalletOptions,
} from './support/wallet';

const { track, closeNow } = closeAfterEach();

const walletFor = (instanceId: string, options: WalletOptions = {}) => track(startWallet(instanceId, options));

async function send(wallet: TestWallet, req: BatchRequest): Promise<string> {
  const res = await submit(wallet, req);
  expect(res.statusCode).toBe(202);
  return res.json<AsyncResponse>().objectReference;
}

const statusOf = async (wallet: TestWallet, batchId: string) =>
  (await getJson<WalletBatch>(wallet, `/v1/batchtransactions/${batchId}`)).body;
const outbox = async (wallet: TestWallet, batchId: string) =>
  (
    await wallet.pool.query<{ attempts: number; delivered: boolean; failed: boolean; event_id: string }>(
      'SELECT attempts, delivered_at IS NOT NULL AS delivered, failed_at IS NOT NULL AS failed, event_id FROM wallet_outbox WHERE batch_id = $1 ORDER BY id',
      [batchId],
    )
  ).rows;

describe('wallet simulator processing', () => {
  it('never double-credits with two settlers on the same database', async () => {
    const instanceId = uid('wallet-conc');
    const account = uid('acct');
    // Two provider processes: separate pools, same instance, settling as fast as they can.
    const fast: WalletOptions = { faults: { settleDelayMs: 0 }, pollIntervalMs: 2 };
    const a = await walletFor(instanceId, fast);
    const b = await walletFor(instanceId, fast);
    const batches = Array.from({ length: 12 }, () =>
      batch(
        account,
        Array.from({ length: 40 }, () => ({ amount: '0.01' })),
      ),
    );
    // Every third batch's transactions are resent under a new X-CorrelationID.
    const resends = batches.filter((_, i) => i % 3 === 1).map((r) => batch(account, r.body.transactions));
    const ids = await Promise.all([...batches, ...resends].map((r, i) => send(i % 2 ? a : b, r)));
    // Hammer the same batches from both sides too, outside the loops.
    await Promise.all([a.processor.settleDue(), b.processor.settleDue(), a.processor.settleDue(), b.processor.settleDue()]);

    for (const id of ids) await waitFor(async () => (await statusOf(a, id)).batchStatus === 'completed');
    const counts = await creditCounts(a.pool, account);
    expect(counts.size).toBe(12 * 40);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    expect(await a.store.summary(account)).toEqual({
      account,
      entries: 480,
      distinctReferences: 480,
      reversals: 0,
      totals: [{ currency: 'BRL', amount: '4.80' }],
    });
    for (const id of ids) expect(await statusOf(b, id)).toMatchObject({ completedCount: 40, rejectionCount: 0 });
  });

  it('lets only one of two concurrent settlements of a batch process it', async () => {
    const instanceId = uid('wallet-race');
    const a = await walletFor(instanceId, { start: false, faults: { settleDelayMs: 0 } });
    const b = await walletFor(instanceId, { start: false, faults: { settleDelayMs: 0 } });
    const account = uid('acct');
    const id = await send(
      a,
      batch(
        account,
        Array.from({ length: 200 }, () => ({})),
      ),
    );
    const rules = (w: TestWallet) => ({ faults: w.faults.current, chance: (rate: number) => w.faults.chance(rate) });
    const outcomes = await Promise.all([a.store.settle(id, rules(a)), b.store.settle(id, rules(b))]);
    expect(outcomes.map((o) => o.kind).sort()).toEqual(['progressed', 'skipped']);
    expect(await b.store.settle(id, rules(b))).toEqual({ kind: 'skipped' });
    expect((await a.store.summary(account)).entries).toBe(200);
  });

  it('processes after a restart a batch received before it stopped, and delivers its notification', async () => {
    const instanceId = uid('wallet-restart');
    const receiver = await track(notificationReceiver());
    const account = uid('acct');
    const before = await walletFor(instanceId, { faults: { settleDelayMs: 60_000 } }); // too slow to settle before the "crash"
    const id = await send(before, batch(account, [{ amount: '3.33' }, { amount: '4.44' }], { callbackUrl: receiver.url }));
    await closeNow(before);

    const after = await walletFor(instanceId, { faults: { settleDelayMs: 0 } });
    await waitFor(async () => (await statusOf(after, id)).batchStatus === 'completed');
    expect(await after.store.summary(account)).toMatchObject({ entries: 2, totals: [{ currency: 'BRL', amount: '7.77' }] });
    const cb = await waitFor(() => receiver.received.find((n) => n.body.batchId === id));
    expect(cb.body).toEqual({ batchId: id, batchStatus: 'completed', completedCount: 2, rejectionCount: 0 });
  });

  it('retries a failing notification with the same X-Event-Id, across a restart; another instance sees nothing', async () => {
    const instanceId = uid('wallet-retry');
    const receiver = await track(notificationReceiver());
    receiver.failing.on = true;
    const delivery = { baseDelayMs: 20, maxDelayMs: 50 };
    const first = await walletFor(instanceId, { faults: { settleDelayMs: 0 }, delivery });
    const req = batch(uid('acct'), [{}], { callbackUrl: receiver.url });
    const id = await send(first, req);
    await waitFor(async () => ((await outbox(first, id))[0]?.attempts ?? 0) >= 2);
    expect((await statusOf(first, id)).batchStatus).toBe('completed');
    await first.processor.stop();

    receiver.failing.on = false;
    const second = await walletFor(instanceId, { faults: { settleDelayMs: 0 }, delivery });
    const cb = await waitFor(() => receiver.received.find((n) => n.body.batchId === id));
    expect(await outbox(second, id)).toMatchObject([{ delivered: true, event_id: cb.headers['x-event-id'] }]);
    expect(receiver.received.filter((n) => n.body.batchId === id)).toHaveLength(1);

    const other = await walletFor(uid('wallet-other'), { start: false });
    expect((await getJson(other, `/v1/batchtransactions/${id}`)).status).toBe(404);
    expect((await getJson(other, `/v1/requeststates?correlationId=${req.headers['X-CorrelationID']}`)).status).toBe(404);
  });

  it('gives up after the bounded attempts and keeps the batch queryable', async () => {
    const receiver = await track(notificationReceiver());
    receiver.failing.on = true;
    const wallet = await walletFor(uid('wallet-giveup'), {
      faults: { settleDelayMs: 0 },
      delivery: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 10 },
    });
    const id = await send(wallet, batch(uid('acct'), [{}], { callbackUrl: receiver.url }));
    const row = await waitFor(async () => ((await outbox(wallet, id))[0]?.failed ? (await outbox(wallet, id))[0] : null));
    expect(row.attempts).toBe(3);
    expect((await statusOf(wallet, id)).batchStatus).toBe('completed');
  });
});

// The bank simulator's API and settlement rules, judged by its own PostgreSQL ledger.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ItemLookup, LedgerSummary, Receipt, Statement, StatusReport } from '../simulators/bank/messages';
import { callbackReceiver, entryCounts, startBank, transfer, type TestBank } from './support/bank';
import { uid, waitFor } from './support/util';

const CLOSED = uid('closed');
let bank: TestBank;
let receiver: Awaited<ReturnType<typeof callbackReceiver>>;

beforeAll(async () => {
  bank = await startBank(uid('bank-api'), { closedAccounts: [CLOSED], delivery: { baseDelayMs: 30, maxDelayMs: 100 } });
  receiver = await callbackReceiver();
});
afterAll(async () => {
  await bank?.close();
  await receiver?.close();
});

const post = (body: unknown) => bank.app.inject({ method: 'POST', url: '/v1/credit-transfers', payload: body as object });
async function get<T>(url: string): Promise<{ status: number; body: T }> {
  const res = await bank.app.inject({ method: 'GET', url });
  return { status: res.statusCode, body: res.json<T>() };
}
const report = async (messageId: string) => (await get<StatusReport>(`/v1/credit-transfers/${messageId}`)).body;
const settled = (messageId: string) => waitFor(async () => ((await report(messageId)).status !== 'RCVD' ? report(messageId) : null));
const summary = async (debtor: string) => (await get<LedgerSummary>(`/v1/ledger/summary?debtorAccount=${debtor}`)).body;

describe('bank simulator', () => {
  it('settles a batch: items ACSC, one statement entry each, totals exact to the cent, callback sent', async () => {
    const debtor = uid('debtor');
    const amounts = ['0.10', '0.20', '0.1', '1000000.05'];
    const msg = transfer(debtor, amounts.map((amount, i) => ({ amount, currency: i === 3 ? 'EUR' : 'USD' })), { callbackUrl: receiver.url });
    const res = await post(msg);
    expect(res.statusCode).toBe(202);
    expect(res.json<Receipt>()).toMatchObject({ messageId: msg.messageId, status: 'RCVD', itemCount: 4 });

    const done = await settled(msg.messageId);
    expect(done.status).toBe('ACSC');
    expect(done.items.map((i) => [i.endToEndId, i.status, i.amount])).toEqual(
      msg.items.map((i) => [i.endToEndId, 'ACSC', i.amount === '0.1' ? '0.10' : i.amount]),
    );
    expect(done.items.every((i) => i.bookedAt && !i.reasonCode && !i.duplicateOf)).toBe(true);

    const page1 = (await get<Statement>(`/v1/statement?debtorAccount=${debtor}&limit=3`)).body;
    expect(page1.entries).toHaveLength(3);
    expect(page1.nextCursor).toEqual(expect.any(String));
    const page2 = (await get<Statement>(`/v1/statement?debtorAccount=${debtor}&after=${page1.nextCursor}`)).body;
    expect(page2).toMatchObject({ nextCursor: null });
    const entries = [...page1.entries, ...page2.entries];
    expect(entries.map((e) => e.endToEndId)).toEqual(msg.items.map((i) => i.endToEndId));
    expect(entries[3]).toMatchObject({ messageId: msg.messageId, amount: '1000000.05', currency: 'EUR', creditor: msg.items[3]?.creditor });
    expect(new Set(entries.map((e) => e.entryRef)).size).toBe(4);

    expect(await summary(debtor)).toEqual({
      debtorAccount: debtor,
      entries: 4,
      distinctEndToEndIds: 4,
      totals: [
        { currency: 'EUR', amount: '1000000.05' },
        { currency: 'USD', amount: '0.40' },
      ],
    });

    const cb = await waitFor(() => receiver.received.find((c) => c.body.messageId === msg.messageId));
    expect(cb.headers['content-type']).toBe('application/json');
    expect(cb.body).toMatchObject({ messageId: msg.messageId, status: 'ACSC' });
    expect(cb.body.eventId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  });

  it('answers an identical resend with the original receipt and books nothing new', async () => {
    const debtor = uid('debtor');
    const msg = transfer(debtor, [{}, {}]);
    const results = await Promise.all([post(msg), post(msg), post(msg)]);
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 200, 202]);
    const receipts = results.map((r) => r.json<Receipt>());
    expect(receipts[1]).toEqual(receipts[0]);
    expect(receipts[2]).toEqual(receipts[0]);

    await settled(msg.messageId);
    const later = await post(msg);
    expect(later.statusCode).toBe(200);
    expect(later.json()).toEqual(receipts[0]);
    await new Promise((r) => setTimeout(r, 200)); // give a wrong second settlement time to happen
    expect((await summary(debtor)).entries).toBe(2);
  });

  it('refuses a messageId reused with a different body (409)', async () => {
    const msg = transfer(uid('debtor'), [{ amount: '5.00' }]);
    expect((await post(msg)).statusCode).toBe(202);
    const changed = { ...msg, items: [{ ...msg.items[0], amount: '5.01' }] };
    const res = await post(changed);
    expect(res.statusCode).toBe(409);
    expect(res.json()).toEqual({ error: 'message_id_conflict' });
  });

  it('reports an endToEndId resent in a new message as a duplicate of the original, booked once', async () => {
    const debtor = uid('debtor');
    const first = transfer(debtor, [{ amount: '7.25' }, {}]);
    expect((await post(first)).statusCode).toBe(202);
    await settled(first.messageId);
    // As a rail would after a lost response: the same payments under a new messageId, plus a new one.
    const resend = { ...transfer(debtor, [{}]), items: [...first.items, ...transfer(debtor, [{}]).items] };
    // And one resent before its original has settled.
    const quick = transfer(debtor, [{}]);
    const quickAgain = { ...transfer(debtor, []), items: quick.items };
    for (const m of [resend, quick, quickAgain]) expect((await post(m)).statusCode).toBe(202);

    const r = await settled(resend.messageId);
    expect(r.status).toBe('ACSC');
    expect(r.items.map((i) => [i.status, i.duplicateOf])).toEqual([
      ['ACSC', first.messageId],
      ['ACSC', first.messageId],
      ['ACSC', undefined],
    ]);
    const q = await settled(quickAgain.messageId);
    expect(q.items[0]).toMatchObject({ status: 'ACSC', duplicateOf: quick.messageId });

    const counts = await entryCounts(bank.pool, debtor);
    expect([...counts.values()]).toEqual([1, 1, 1, 1]);
    const lookup = (await get<ItemLookup>(`/v1/credit-transfers/items/${first.items[0]?.endToEndId}`)).body;
    expect(lookup).toMatchObject({ messageId: first.messageId, status: 'ACSC', amount: '7.25', currency: 'USD' });
  });

  it('rejects a resent endToEndId with different details as AM05', async () => {
    const debtor = uid('debtor');
    const first = transfer(debtor, [{ amount: '5.00' }, {}]);
    await post(first);
    await settled(first.messageId);
    const [a, b] = first.items;
    const changed = { ...transfer(debtor, []), items: [{ ...a, amount: '6.00' }, { ...b, creditor: { bankCode: 'SIMBANK', accountNumber: uid('other') } }] };
    await post(changed);
    const r = await settled(changed.messageId);
    expect(r.status).toBe('RJCT');
    expect(r.items.map((i) => [i.status, i.reasonCode, i.duplicateOf])).toEqual([
      ['RJCT', 'AM05', undefined],
      ['RJCT', 'AM05', undefined],
    ]);
    expect(await summary(debtor)).toMatchObject({ entries: 2, totals: [{ currency: 'USD', amount: '15.00' }] });
  });

  it('rejects a closed creditor account with AC04 (message PART)', async () => {
    const debtor = uid('debtor');
    const msg = transfer(debtor, [{}, { accountNumber: CLOSED }], { callbackUrl: receiver.url });
    await post(msg);
    const r = await settled(msg.messageId);
    expect(r.status).toBe('PART');
    expect(r.items.map((i) => [i.status, i.reasonCode])).toEqual([
      ['ACSC', undefined],
      ['RJCT', 'AC04'],
    ]);
    expect(r.items[1]?.bookedAt).toBeUndefined();
    expect((await summary(debtor)).entries).toBe(1);
    const cb = await waitFor(() => receiver.received.find((c) => c.body.messageId === msg.messageId));
    expect(cb.body.status).toBe('PART');
  });

  it('answers 400 naming each wrong field, and writes nothing', async () => {
    const debtor = uid('debtor');
    const cases: Array<[(m: ReturnType<typeof transfer>) => unknown, string[]]> = [
      [
        (m) => ({ ...m, items: m.items.map((i, n) => (n === 3 ? { ...i, amount: '1.234' } : n === 1 ? { ...i, currency: 'usd' } : i)) }),
        ['items.1.currency', 'items.3.amount'],
      ],
      [(m) => ({ ...m, items: [{ ...m.items[0], amount: '0.00' }] }), ['items.0.amount']],
      [(m) => ({ ...m, items: [{ ...m.items[0], amount: '-5' }] }), ['items.0.amount']],
      [(m) => ({ ...m, items: [{ ...m.items[0], amount: 10 }] }), ['items.0.amount']],
      [(m) => ({ ...m, items: [{ ...m.items[0], endToEndId: 'e'.repeat(36) }] }), ['items.0.endToEndId']],
      [(m) => ({ ...m, items: [{ ...m.items[0], creditor: { bankCode: 'SIMBANK' } }] }), ['items.0.creditor.accountNumber']],
      [(m) => ({ ...m, items: [m.items[0], m.items[0]] }), ['items.1.endToEndId']],
      [(m) => ({ ...m, items: [] }), ['items']],
      [(m) => ({ ...m, callbackUrl: 'not a url' }), ['callbackUrl']],
      [(m) => ({ ...m, debtorAccount: undefined }), ['debtorAccount']],
    ];
    for (const [mutate, fields] of cases) {
      const msg = transfer(debtor, [{}, {}, {}, {}]);
      const res = await post(mutate(msg));
      expect(res.statusCode).toBe(400);
      const body = res.json<{ error: string; fields: Record<string, string> }>();
      expect(body.error).toBe('invalid_request');
      expect(Object.keys(body.fields).sort()).toEqual(fields);
      expect((await get(`/v1/credit-transfers/${msg.messageId}`)).status).toBe(404);
    }
    const longId = await post(transfer(debtor, [{}], { messageId: 'm'.repeat(36) }));
    expect(Object.keys(longId.json<{ fields: object }>().fields)).toEqual(['messageId']);
    const notJson = await bank.app.inject({ method: 'POST', url: '/v1/credit-transfers', headers: { 'content-type': 'application/json' }, payload: '{"messageId":' });
    expect(notJson.statusCode).toBe(400);
    const badLimit = await get<{ fields: object }>(`/v1/statement?debtorAccount=${debtor}&limit=5001`);
    expect([badLimit.status, Object.keys(badLimit.body.fields)]).toEqual([400, ['limit']]);
    expect((await summary(debtor)).entries).toBe(0);
    const { rows } = await bank.pool.query('SELECT 1 FROM bank_message WHERE debtor_account = $1', [debtor]);
    expect(rows).toHaveLength(0);
  });

  it('looks items and messages up, 404 when unknown', async () => {
    expect(await get(`/v1/credit-transfers/items/${uid('nope')}`)).toEqual({ status: 404, body: { error: 'item_not_found' } });
    expect(await get(`/v1/credit-transfers/${uid('nope')}`)).toEqual({ status: 404, body: { error: 'message_not_found' } });
    const msg = transfer(uid('debtor'), [{ amount: '12.30', accountNumber: CLOSED }]);
    await post(msg);
    await settled(msg.messageId);
    const item = await get<ItemLookup>(`/v1/credit-transfers/items/${msg.items[0]?.endToEndId}`);
    expect(item).toEqual({
      status: 200,
      body: { messageId: msg.messageId, endToEndId: msg.items[0]?.endToEndId, status: 'RJCT', reasonCode: 'AC04', amount: '12.30', currency: 'USD' },
    });
    expect((await get('/health')).body).toEqual({ status: 'ok' });
  });
});

// The bank simulator's ISO 20022 API (pain.001 in, pain.002 and camt.053 out) and its settlement rules,
// judged by its own PostgreSQL ledger.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCamt053 } from '../lib/iso20022/camt053';
import { parsePain002 } from '../lib/iso20022/pain002';
import type { ItemLookup, LedgerSummary } from '../simulators/bank/messages';
import {
  callbackReceiver,
  entryCounts,
  itemStatuses,
  settledReport,
  startBank,
  statusReport,
  submit,
  transfer,
  type CallbackReceiver,
  type TestBank,
} from './support/bank';
import { uid, waitFor } from './support/util';

const CLOSED = uid('closed');
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
let bank: TestBank;
let receiver: CallbackReceiver;

beforeAll(async () => {
  bank = await startBank(uid('bank-api'), { faults: { closedAccounts: [CLOSED] }, delivery: { baseDelayMs: 30, maxDelayMs: 100 } });
  receiver = await callbackReceiver();
});
afterAll(async () => {
  await bank?.close();
  await receiver?.close();
});

async function get<T>(url: string, b = bank): Promise<{ status: number; body: T }> {
  const res = await b.app.inject({ method: 'GET', url });
  return { status: res.statusCode, body: res.json<T>() };
}
const summary = async (debtor: string) => (await get<LedgerSummary>(`/v1/ledger/summary?debtorAccount=${debtor}`)).body;
const callbackFor = (messageId: string) => waitFor(() => receiver.received.find((c) => c.body.messageId === messageId));
const messageRows = async (debtor: string) =>
  (await bank.pool.query('SELECT 1 FROM bank_message WHERE debtor_account = $1', [debtor])).rowCount;

describe('bank simulator', () => {
  it('acknowledges a pain.001, settles every item ACSC, credits each account once and calls back with a pain.002', async () => {
    const debtor = uid('debtor');
    const amounts = ['0.10', '0.20', '0.1', '1000000.05'];
    const msg = transfer(
      debtor,
      amounts.map((amount, i) => ({ amount, currency: i === 3 ? 'EUR' : 'USD' })),
      { callbackUrl: receiver.url },
    );
    const res = await submit(bank, msg);
    expect(res.statusCode).toBe(202);
    expect(res.headers['content-type']).toMatch(/^application\/xml/);
    const ack = parsePain002(res.body);
    expect(ack).toMatchObject({
      originalMessageId: msg.messageId,
      originalNumberOfTransactions: 4,
      originalControlSum: '1000000.45',
      groupStatus: 'ACTC',
    });
    const amountsAsBooked = msg.items.map((i) => [i.endToEndId, i.amount === '0.1' ? '0.10' : i.amount, i.currency]);
    expect(ack.transactions.map((t) => [t.originalEndToEndId, t.amount, t.currency])).toEqual(amountsAsBooked);
    expect(ack.transactions.every((t) => t.status === 'ACSP')).toBe(true);

    const done = await settledReport(bank, msg.messageId);
    expect(done.groupStatus).toBe('ACSC');
    expect(itemStatuses(done)).toEqual(msg.items.map((i) => [i.endToEndId, 'ACSC', undefined]));
    const counts = await entryCounts(bank.pool, debtor);
    expect(Object.fromEntries(counts)).toEqual(Object.fromEntries(msg.items.map((i) => [i.endToEndId, 1])));
    expect(await summary(debtor)).toEqual({
      debtorAccount: debtor,
      entries: 4,
      distinctEndToEndIds: 4,
      reversals: 0,
      totals: [
        { currency: 'EUR', amount: '1000000.05' },
        { currency: 'USD', amount: '0.40' },
      ],
    });

    const cb = await callbackFor(msg.messageId);
    expect(cb.headers['content-type']).toMatch(/^application\/xml/);
    expect(cb.headers['x-event-id']).toMatch(UUID);
    expect(cb.body).toEqual({ messageId: msg.messageId, status: 'ACSC' });
    // Group-level: the status and the original totals, no items (the client pulls those), so it stays small.
    expect(parsePain002(cb.xml)).toMatchObject({ originalMessageId: msg.messageId, originalNumberOfTransactions: 4, transactions: [] });
    expect(receiver.unsigned).toEqual([]);
  });

  it('answers a resent MsgId with the first acknowledgement and credits once; other content under it is DU01', async () => {
    const debtor = uid('debtor');
    const msg = transfer(debtor, [{}, {}]);
    const results = await Promise.all([submit(bank, msg), submit(bank, msg), submit(bank, msg)]);
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 200, 202]);
    const first = results.find((r) => r.statusCode === 202)!.body;
    expect(results.map((r) => r.body)).toEqual([first, first, first]);

    await settledReport(bank, msg.messageId);
    const later = await submit(bank, msg);
    expect(later.statusCode).toBe(200);
    expect(later.body).toBe(first); // the original acknowledgement (ACTC), not a new report
    expect(parsePain002(later.body).groupStatus).toBe('ACTC');

    const changed = transfer(debtor, [msg.items[0]!, { ...msg.items[1]!, amount: '10.01' }], { messageId: msg.messageId });
    const conflict = await submit(bank, changed);
    expect(conflict.statusCode).toBe(409);
    expect(parsePain002(conflict.body)).toMatchObject({
      originalMessageId: msg.messageId,
      groupStatus: 'RJCT',
      groupReason: { code: 'DU01' },
    });
    await new Promise((r) => setTimeout(r, 200)); // give a wrong second settlement time to happen
    expect([...(await entryCounts(bank.pool, debtor)).values()]).toEqual([1, 1]);
    expect((await summary(debtor)).totals).toEqual([{ currency: 'USD', amount: '20.00' }]);
  });

  it('never credits an EndToEndId twice: a resend in a new MsgId reports the original, a changed one is AM05', async () => {
    const debtor = uid('debtor');
    const first = transfer(debtor, [{ amount: '7.25' }, {}]);
    expect((await submit(bank, first)).statusCode).toBe(202);
    await settledReport(bank, first.messageId);
    // As a rail would after a lost response: the same payments under a new MsgId, plus a new one.
    const resend = transfer(debtor, [...first.items, {}]);
    const ack = await submit(bank, resend);
    expect(ack.statusCode).toBe(202);
    expect(parsePain002(ack.body).transactions.map((t) => t.status)).toEqual(['ACSC', 'ACSC', 'ACSP']);
    const r = await settledReport(bank, resend.messageId);
    expect(r.groupStatus).toBe('ACSC');

    const [a, b] = first.items;
    const changed = transfer(debtor, [
      { ...a!, amount: '6.00' },
      { ...b!, accountNumber: uid('other') },
    ]);
    const refused = parsePain002((await submit(bank, changed)).body);
    expect(refused.groupStatus).toBe('RJCT');
    expect(itemStatuses(refused)).toEqual(changed.items.map((i) => [i.endToEndId, 'RJCT', 'AM05']));

    expect([...(await entryCounts(bank.pool, debtor)).values()]).toEqual([1, 1, 1]);
    expect((await summary(debtor)).totals).toEqual([{ currency: 'USD', amount: '27.25' }]);
    const lookup = await get<ItemLookup>(`/v1/items/${a!.endToEndId}`);
    expect(lookup.body).toMatchObject({ messageId: first.messageId, status: 'ACSC', amount: '7.25' });
  });

  it('refuses control totals that do not match the items, and every other broken rule, naming it and writing nothing', async () => {
    const debtor = uid('debtor');
    const items = [{ amount: '10.00' }, { amount: '10.00' }];
    const twice = uid('e2e');
    const cases: Array<[ReturnType<typeof transfer>, number, string, string]> = [
      [transfer(debtor, items, { totals: { groupCount: 3 } }), 422, 'AM18', 'GrpHdr/NbOfTxs is 3 but the message has 2'],
      [transfer(debtor, items, { totals: { paymentCount: 1 } }), 422, 'AM18', 'PmtInf/NbOfTxs is 1'],
      [
        transfer(debtor, items, { totals: { groupSum: '20.01' } }),
        422,
        'AM10',
        'GrpHdr/CtrlSum is 20.01 but the transactions add up to 20',
      ],
      [transfer(debtor, items, { totals: { paymentSum: '20.10' } }), 422, 'AM10', 'PmtInf/CtrlSum'],
      [transfer(debtor, [{ endToEndId: twice }, { endToEndId: twice }]), 422, 'DU04', 'CdtTrfTxInf[2]'],
      [transfer(debtor, [{}, { amount: '1.234' }]), 422, 'AM12', 'CdtTrfTxInf[2]'],
    ];
    for (const [msg, status, code, info] of cases) {
      const res = await submit(bank, msg);
      expect(res.statusCode).toBe(status);
      const report = parsePain002(res.body);
      expect(report).toMatchObject({ originalMessageId: msg.messageId, groupStatus: 'RJCT', groupReason: { code }, transactions: [] });
      expect(report.groupReason?.additionalInfo).toContain(info);
      expect(await statusReport(bank, msg.messageId)).toBeNull();
    }
    const broken = transfer(debtor, [{}]);
    const missing = await submit(bank, broken, broken.xml.replace(/<DbtrAcct>[\s\S]*?<\/DbtrAcct>/, ''));
    expect([missing.statusCode, parsePain002(missing.body).groupReason?.code]).toEqual([422, 'FF01']);
    expect(parsePain002(missing.body).groupReason?.additionalInfo).toContain('DbtrAcct');
    const notXml = await submit(bank, broken, '<Document><unclosed></Document>');
    expect(notXml.statusCode).toBe(400);
    expect(Object.keys(notXml.json<{ fields: object }>().fields)).toEqual(['body']);
    const badUrl = await submit(bank, { ...broken, callbackUrl: 'ftp://nowhere' });
    expect([badUrl.statusCode, Object.keys(badUrl.json<{ fields: object }>().fields)]).toEqual([400, ['X-Callback-URL']]);
    expect(await messageRows(debtor)).toBe(0);
    expect(await entryCounts(bank.pool, debtor)).toEqual(new Map());
    // Nothing was kept: the refused MsgId is still free for the corrected message.
    expect((await submit(bank, transfer(debtor, items, { messageId: cases[0]![0].messageId }))).statusCode).toBe(202);
  });

  it('rejects an item to a closed account with AC04 and reports the message PART', async () => {
    const debtor = uid('debtor');
    const msg = transfer(debtor, [{}, { accountNumber: CLOSED }], { callbackUrl: receiver.url });
    expect(parsePain002((await submit(bank, msg)).body).groupStatus).toBe('ACTC');
    const r = await settledReport(bank, msg.messageId);
    expect(r.groupStatus).toBe('PART');
    expect(itemStatuses(r)).toEqual([
      [msg.items[0]!.endToEndId, 'ACSC', undefined],
      [msg.items[1]!.endToEndId, 'RJCT', 'AC04'],
    ]);
    expect(Object.fromEntries(await entryCounts(bank.pool, debtor))).toEqual({ [msg.items[0]!.endToEndId]: 1 });
    const cb = await callbackFor(msg.messageId);
    expect(cb.body.status).toBe('PART');
    expect(parsePain002(cb.xml)).toMatchObject({ groupStatus: 'PART', originalNumberOfTransactions: 2, transactions: [] });
  });

  it('lists each credit of the day once in camt.053, with balances that add up', async () => {
    const debtor = uid('debtor');
    const a = transfer(debtor, [{ amount: '100.00' }, { amount: '0.25' }, { amount: '5.00', accountNumber: CLOSED }]);
    const b = transfer(debtor, [...a.items.slice(0, 2), { amount: '3.50', currency: 'EUR' }, { amount: '1.10' }]);
    await submit(bank, a);
    await settledReport(bank, a.messageId);
    await submit(bank, b);
    await settledReport(bank, b.messageId);
    const date = (await get<ItemLookup>(`/v1/items/${a.items[0]!.endToEndId}`)).body.bookedAt!.slice(0, 10);
    const camt = async (day: string) => {
      const res = await bank.app.inject({ method: 'GET', url: `/v1/camt053?account=${debtor}&date=${day}` });
      expect(res.statusCode).toBe(200);
      return parseCamt053(res.body).statements;
    };
    const day = await camt(date);
    expect(day.map((s) => [s.account, s.currency])).toEqual([
      [debtor, 'EUR'],
      [debtor, 'USD'],
    ]);
    const usd = day[1]!;
    const paid = [
      [a, 0],
      [a, 1],
      [b, 3],
    ] as const;
    expect(usd.entries.map((e) => [e.details[0]?.endToEndId, e.details[0]?.messageId, e.amount, e.creditDebit, e.status])).toEqual(
      paid.map(([m, i]) => [m.items[i]!.endToEndId, m.messageId, m.items[i]!.amount, 'DBIT', 'BOOK']),
    );
    expect(new Set(usd.entries.map((e) => e.reference)).size).toBe(3);
    for (const s of day) {
      const [open, close] = s.balances;
      const signed = (x: typeof open) => (x!.creditDebit === 'DBIT' ? -Number(x!.amount) : Number(x!.amount));
      expect([open?.type, close?.type, open?.amount]).toEqual(['OPBD', 'CLBD', '0.00']);
      expect(signed(close)).toBeCloseTo(signed(open) - s.entries.reduce((acc, e) => acc + Number(e.amount), 0), 2);
    }
    expect(usd.balances[1]).toMatchObject({ amount: '101.35', creditDebit: 'DBIT', currency: 'USD' });
    // The next day opens where this one closed, with no entries.
    const next = await camt(new Date(Date.parse(date) + 86_400_000).toISOString().slice(0, 10));
    expect(next.map((s) => [s.currency, s.entries.length, s.balances[0]?.amount, s.balances[0]?.creditDebit])).toEqual([
      ['EUR', 0, '3.50', 'DBIT'],
      ['USD', 0, '101.35', 'DBIT'],
    ]);
    const bad = await get<{ fields: object }>(`/v1/camt053?account=${debtor}&date=yesterday`);
    expect([bad.status, Object.keys(bad.body.fields)]).toEqual([400, ['date']]);
  });

  it('answers 404 for a MsgId it never received', async () => {
    expect(await get(`/v1/pain002/${uid('nope')}`)).toEqual({ status: 404, body: { error: 'message_not_found' } });
    expect(await get(`/v1/items/${uid('nope')}`)).toEqual({ status: 404, body: { error: 'item_not_found' } });
  });
});

// A credit reversed after it was paid (POST /v1/admin/reversals): booked once back to the debtor account,
// on its camt.053 as a CRDT entry with RvslInd and the credit's EndToEndId, in the balances and the summary.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBankClient } from '../rails/bank/client';
import { parseCamt053 } from '../lib/iso20022/camt053';
import type { LedgerSummary } from '../simulators/bank/messages';
import type { Reversal } from '../simulators/bank/reversal';
import { entryCounts, settledReport, startBank, submit, transfer, type TestBank } from './support/bank';
import { uid } from './support/util';

let bank: TestBank;
let url: string;

beforeAll(async () => {
  bank = await startBank(uid('bank-reversals'), { faults: { settleDelayMs: 0 } });
  url = await bank.app.listen({ host: '127.0.0.1', port: 0 });
});
afterAll(() => bank?.close());

const reverse = (body: unknown) => bank.app.inject({ method: 'POST', url: '/v1/admin/reversals', payload: body as object });
const today = () => new Date().toISOString().slice(0, 10);

async function paid(debtor: string, amounts: string[]) {
  const msg = transfer(
    debtor,
    amounts.map((amount) => ({ amount })),
  );
  expect((await submit(bank, msg)).statusCode).toBe(202);
  await settledReport(bank, msg.messageId);
  return msg;
}

describe('bank reversals', () => {
  it('books a reversal once, on the debtor statement as CRDT with RvslInd and the credit EndToEndId, in balances and summary', async () => {
    const debtor = uid('debtor');
    const msg = await paid(debtor, ['10.00', '20.00', '0.05']);
    const [a, b] = msg.items;

    const first = await reverse({ endToEndId: b!.endToEndId });
    expect(first.statusCode).toBe(201);
    const reversal = first.json<Reversal>();
    expect(reversal).toMatchObject({
      endToEndId: b!.endToEndId,
      messageId: msg.messageId,
      debtorAccount: debtor,
      amount: '20.00',
      currency: 'USD',
      bookingDate: today(),
    });
    expect(reversal.entryReference).toMatch(/^AMR\d{12}$/);
    expect(reversal.originalEntryReference).toMatch(/^AMB\d{12}$/);
    const again = await reverse({ endToEndId: b!.endToEndId });
    expect([again.statusCode, again.json()]).toEqual([200, reversal]);

    // Asked for at once: one booking, every answer the same reversal.
    const racing = await Promise.all(Array.from({ length: 4 }, () => reverse({ endToEndId: a!.endToEndId })));
    expect(racing.map((r) => r.statusCode).sort()).toEqual([200, 200, 200, 201]);
    expect(new Set(racing.map((r) => r.json<Reversal>().entryReference)).size).toBe(1);

    const res = await bank.app.inject({ method: 'GET', url: `/v1/camt053?account=${debtor}&date=${today()}` });
    const [usd] = parseCamt053(res.body).statements;
    const lines = usd!.entries.map((e) => [
      e.creditDebit,
      e.reversal ?? false,
      e.amount,
      e.details[0]?.endToEndId,
      e.details[0]?.messageId,
    ]);
    expect(lines).toEqual([
      ['DBIT', false, '10.00', a!.endToEndId, msg.messageId],
      ['DBIT', false, '20.00', b!.endToEndId, msg.messageId],
      ['DBIT', false, '0.05', msg.items[2]!.endToEndId, msg.messageId],
      ['CRDT', true, '20.00', b!.endToEndId, msg.messageId],
      ['CRDT', true, '10.00', a!.endToEndId, msg.messageId],
    ]);
    expect(usd!.entries[3]!.reference).toBe(reversal.entryReference);
    expect(new Set(usd!.entries.map((e) => e.reference)).size).toBe(5);
    // Out 30.05, back 30.00: the day closes 0.05 in debit.
    expect(usd!.balances.map((x) => [x.type, x.amount, x.creditDebit])).toEqual([
      ['OPBD', '0.00', 'CRDT'],
      ['CLBD', '0.05', 'DBIT'],
    ]);
    const next = parseCamt053(
      (
        await bank.app.inject({
          method: 'GET',
          url: `/v1/camt053?account=${debtor}&date=${new Date(Date.now() + 86_400_000).toISOString().slice(0, 10)}`,
        })
      ).body,
    );
    expect(next.statements[0]!.balances.map((x) => [x.type, x.amount, x.creditDebit])).toEqual([
      ['OPBD', '0.05', 'DBIT'],
      ['CLBD', '0.05', 'DBIT'],
    ]);

    // The rail's client reads RvslInd.
    const statement = await createBankClient(url).statement(debtor, today(), 1);
    expect(statement.entries.filter((e) => e.reversal).map((e) => [e.entryRef, e.endToEndId, e.creditDebit, e.amount])).toEqual([
      [reversal.entryReference, b!.endToEndId, 'CRDT', '20.00'],
      [racing[0]!.json<Reversal>().entryReference, a!.endToEndId, 'CRDT', '10.00'],
    ]);

    // Credits are still one ledger entry per EndToEndId; the summary nets the reversals.
    expect(Object.fromEntries(await entryCounts(bank.pool, debtor))).toEqual(Object.fromEntries(msg.items.map((i) => [i.endToEndId, 1])));
    const summary = await bank.app.inject({ method: 'GET', url: `/v1/ledger/summary?debtorAccount=${debtor}` });
    expect(summary.json<LedgerSummary>()).toEqual({
      debtorAccount: debtor,
      entries: 3,
      distinctEndToEndIds: 3,
      reversals: 2,
      totals: [{ currency: 'USD', amount: '0.05' }],
    });
  });

  it('answers 404 naming the endToEndId when no credit was booked for it, and 400 for a malformed body', async () => {
    const unknown = uid('e2e');
    const res = await reverse({ endToEndId: unknown });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ error: 'credit_not_found', fields: { endToEndId: `no credit was booked with endToEndId ${unknown}` } });

    // A rejected item (closed account) was never credited: nothing to reverse.
    const debtor = uid('debtor');
    const closed = uid('closed');
    await bank.app.inject({ method: 'PUT', url: '/v1/admin/faults', payload: { settleDelayMs: 0, closedAccounts: [closed] } });
    const msg = transfer(debtor, [{ accountNumber: closed }]);
    await submit(bank, msg);
    expect((await settledReport(bank, msg.messageId)).transactions[0]?.status).toBe('RJCT');
    expect((await reverse({ endToEndId: msg.items[0]!.endToEndId })).statusCode).toBe(404);

    for (const body of [{}, { endToEndId: '' }, { endToEndId: 'x'.repeat(36) }, { endToEndId: 'a', extra: 1 }]) {
      const bad = await reverse(body);
      expect(bad.statusCode).toBe(400);
      expect(bad.json<{ error: string }>().error).toBe('invalid_request');
    }
  });
});

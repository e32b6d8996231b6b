// A busy day's camt.053 comes in pages (GrpHdr/MsgPgntn): every entry on exactly one page, the closing
// balance on the last, and the rail's client reads them all.
import Decimal from 'decimal.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBankClient } from '../activities/clients/bank-client';
import { parseCamt053 } from '../lib/iso20022/camt053';
import { STATEMENT_PAGE_SIZE } from '../simulators/bank/statement';
import { settledReport, startBank, submit, transfer, type TestBank } from './support/bank';
import { uid } from './support/util';

let bank: TestBank;
let url: string;

beforeAll(async () => {
  bank = await startBank(uid('bank-pages'), { faults: { settleDelayMs: 0 } });
  url = await bank.app.listen({ host: '127.0.0.1', port: 0 });
});
afterAll(() => bank?.close());

describe('camt.053 pages', () => {
  it('splits a day of more than a page of entries, and the client reads every page', async () => {
    const debtor = uid('debtor');
    const messages = [transfer(debtor, Array.from({ length: STATEMENT_PAGE_SIZE }, () => ({ amount: '0.01' }))), transfer(debtor, [{ amount: '7.00' }])];
    for (const m of messages) {
      expect((await submit(bank, m)).statusCode).toBe(202);
      await settledReport(bank, m.messageId, 60_000);
    }
    const date = new Date().toISOString().slice(0, 10);
    const page = async (n: number) => parseCamt053((await bank.app.inject({ method: 'GET', url: `/v1/camt053?account=${debtor}&date=${date}&page=${n}` })).body);

    const [first, second, beyond] = [await page(1), await page(2), await page(3)];
    expect([first.pagination, second.pagination]).toEqual([{ pageNumber: 1, lastPage: false }, { pageNumber: 2, lastPage: true }]);
    expect([first.statements[0]!.entries.length, second.statements[0]!.entries.length, beyond.statements[0]!.entries.length]).toEqual([STATEMENT_PAGE_SIZE, 1, 0]);
    expect(first.statements[0]!.balances.map((b) => b.type)).toEqual(['OPBD']);
    expect(second.statements[0]!.balances.map((b) => [b.type, b.amount, b.creditDebit])).toEqual([['OPBD', '0.00', 'CRDT'], ['CLBD', '57.00', 'DBIT']]);

    const client = createBankClient(url);
    const keys: string[] = [];
    let total = new Decimal(0);
    for (let n = 1, last = false; !last; n++) {
      const s = await client.statement(debtor, date, n);
      for (const e of s.entries) {
        keys.push(e.endToEndId!);
        total = total.plus(e.amount);
      }
      last = s.lastPage;
    }
    expect(keys).toHaveLength(STATEMENT_PAGE_SIZE + 1);
    expect(new Set(keys)).toEqual(new Set(messages.flatMap((m) => m.items.map((i) => i.endToEndId))));
    expect(total.eq('57.00')).toBe(true);
  }, 120_000);
});

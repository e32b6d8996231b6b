// A busy day's camt.053 comes in pages (GrpHdr/MsgPgntn): every entry on exactly one page, the closing
// balance on the last, and the rail's client reads them all, even while bookings and reversals go on.
import Decimal from 'decimal.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBankClient } from '../rails/bank/client';
import { parseCamt053 } from '../lib/iso20022/camt053';
import { STATEMENT_PAGE_SIZE } from '../simulators/bank/statement';
import { settledReport, startBank, submit, transfer, type TestBank } from './support/bank';
import { uid } from './support/util';

let bank: TestBank;
let url: string;
const today = () => new Date().toISOString().slice(0, 10);

/** Entry references of each page of a day, read page by page over HTTP as a client would. */
async function walk(b: TestBank, account: string, date: string): Promise<string[][]> {
  const pages: string[][] = [];
  for (let n = 1, last = false; !last; n++) {
    const res = await b.app.inject({ method: 'GET', url: `/v1/camt053?account=${account}&date=${date}&page=${n}` });
    expect(res.statusCode).toBe(200);
    const camt = parseCamt053(res.body);
    pages.push(camt.statements.flatMap((s) => s.entries.map((e) => e.reference!)));
    last = camt.pagination!.lastPage;
  }
  return pages;
}

beforeAll(async () => {
  bank = await startBank(uid('bank-pages'), { faults: { settleDelayMs: 0 } });
  url = await bank.app.listen({ host: '127.0.0.1', port: 0 });
});
afterAll(() => bank?.close());

describe('camt.053 pages', () => {
  it('splits a day of more than a page of entries, and the client reads every page', async () => {
    const debtor = uid('debtor');
    const messages = [
      transfer(
        debtor,
        Array.from({ length: STATEMENT_PAGE_SIZE }, () => ({ amount: '0.01' })),
      ),
      transfer(debtor, [{ amount: '7.00' }]),
    ];
    for (const m of messages) {
      expect((await submit(bank, m)).statusCode).toBe(202);
      await settledReport(bank, m.messageId, 60_000);
    }
    const date = new Date().toISOString().slice(0, 10);
    const page = async (n: number) =>
      parseCamt053((await bank.app.inject({ method: 'GET', url: `/v1/camt053?account=${debtor}&date=${date}&page=${n}` })).body);

    const [first, second, beyond] = [await page(1), await page(2), await page(3)];
    expect([first.pagination, second.pagination]).toEqual([
      { pageNumber: 1, lastPage: false },
      { pageNumber: 2, lastPage: true },
    ]);
    expect([first.statements[0]!.entries.length, second.statements[0]!.entries.length, beyond.statements[0]!.entries.length]).toEqual([
      STATEMENT_PAGE_SIZE,
      1,
      0,
    ]);
    expect(first.statements[0]!.balances.map((b) => b.type)).toEqual(['OPBD']);
    expect(second.statements[0]!.balances.map((b) => [b.type, b.amount, b.creditDebit])).toEqual([
      ['OPBD', '0.00', 'CRDT'],
      ['CLBD', '57.00', 'DBIT'],
    ]);

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

  it('numbers concurrent bookings and reversals without gaps: while they go on, every page but the last is full and no entry repeats', async () => {
    const quiet = await startBank(uid('bank-pages-conc'), { start: false, faults: { settleDelayMs: 0 } });
    try {
      const debtor = uid('debtor');
      const messages = Array.from({ length: 12 }, () =>
        transfer(
          debtor,
          Array.from({ length: 1000 }, () => ({ amount: '0.01' })),
        ),
      );
      await Promise.all(messages.map(async (m) => expect((await submit(quiet, m)).statusCode).toBe(202)));
      const settle = (m: (typeof messages)[number]) => quiet.store.settle(m.messageId, quiet.processor.faults);
      await settle(messages[0]!);

      const walks: string[][][] = [];
      let booking = true;
      const reader = (async () => {
        while (booking) walks.push(await walk(quiet, debtor, today()));
      })();
      const reversed = messages[0]!.items.slice(0, 60).map((i) => i.endToEndId);
      await Promise.all([...messages.slice(1).map(settle), ...reversed.map((id) => quiet.store.reverse(id))]);
      booking = false;
      await reader;
      walks.push(await walk(quiet, debtor, today()));

      for (const pages of walks) {
        const refs = pages.flat();
        expect(new Set(refs).size).toBe(refs.length);
        expect(pages.slice(0, -1).every((p) => p.length === STATEMENT_PAGE_SIZE)).toBe(true);
        // Credits appear in booking order (seq), so nothing can ever be slipped in below what was read.
        const credits = refs.filter((r) => r.startsWith('AMB'));
        expect(credits).toEqual([...credits].sort());
      }
      expect(walks.length).toBeGreaterThan(1);
      const final = walks.at(-1)!;
      expect(final.map((p) => p.length)).toEqual([STATEMENT_PAGE_SIZE, STATEMENT_PAGE_SIZE, 12_000 + 60 - 2 * STATEMENT_PAGE_SIZE]);
      const { rows } = await quiet.pool.query<{ ref: string }>(
        `SELECT entry_ref AS ref FROM bank_ledger_entry WHERE debtor_account = $1 UNION ALL SELECT entry_ref FROM bank_reversal WHERE debtor_account = $1`,
        [debtor],
      );
      expect(new Set(final.flat())).toEqual(new Set(rows.map((r) => r.ref)));
      expect(await quiet.store.summary(debtor)).toMatchObject({
        entries: 12_000,
        reversals: 60,
        totals: [{ currency: 'USD', amount: '119.40' }],
      });
    } finally {
      await quiet.close();
    }
  }, 180_000);
});

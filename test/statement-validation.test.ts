// Statement lines are money. An uploaded file with a line whose amount the currency cannot hold (more
// decimals than its minor units, zero), whose date does not exist, whose currency is not ISO 4217 or not
// the program's, or whose account no program pays from, is refused naming that line, and nothing of the
// file is written. The rails' own statements meet the same rules: such a line is left out, so it can
// create no break, and counted.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { MockActivityEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BANK_PROVIDER, createBankClient } from '../rails/bank/client';
import { createStatementActivities } from '../activities/statements';
import { buildCamt053, type Camt053Entry } from '../lib/iso20022/camt053';
import { createProgram } from './support/fixtures';
import { craftedCycle } from './support/reconciliation-fixture';
import { uid } from './support/util';
import { signInUsers, startTestWeb, type TestWeb } from './support/web';

let web: TestWeb;
let users: Awaited<ReturnType<typeof signInUsers>>;

beforeAll(async () => {
  web = await startTestWeb();
  users = await signInUsers(web.db);
}, 60_000);
afterAll(() => web?.close());

const today = () => new Date().toISOString().slice(0, 10);

interface Line {
  amount?: string;
  currency?: string;
  /** YYYY-MM-DD; `DtTm:<date-time>` writes BookgDt/DtTm instead of BookgDt/Dt. */
  booked?: string;
}

/** A camt.053 with one statement per account, each line a debit with its own entry reference and key. */
function camt053(statements: Array<{ account: string; lines: Line[] }>): string {
  const dateTimes: string[] = [];
  const xml = buildCamt053({
    messageId: uid('MSG').slice(0, 35),
    createdAt: new Date().toISOString(),
    statements: statements.map((s, i) => ({
      id: `STMT-${i}`,
      createdAt: new Date().toISOString(),
      fromDateTime: `${today()}T00:00:00.000Z`,
      toDateTime: `${today()}T23:59:59.999Z`,
      account: s.account,
      balances: [{ type: 'OPBD', amount: '0.00', currency: 'BRL', creditDebit: 'CRDT', date: today() }],
      entries: s.lines.map((l): Camt053Entry => {
        let bookingDate = l.booked ?? today();
        if (bookingDate.startsWith('DtTm:')) bookingDate = `DTTM-${dateTimes.push(bookingDate.slice(5)) - 1}`;
        return {
          reference: uid('NTRY'),
          amount: l.amount ?? '600.00',
          currency: l.currency ?? 'BRL',
          creditDebit: 'DBIT',
          status: 'BOOK',
          bookingDate,
          details: [{ endToEndId: uid('KEY') }],
        };
      }),
    })),
  });
  return xml.replace(/<Dt>DTTM-(\d+)<\/Dt>/g, (_m, n: string) => `<DtTm>${dateTimes[Number(n)]}</DtTm>`);
}

type SettlementLine = { amount?: string; currency?: string; completedAt?: string };

/** A wallet settlement report of the account: a good transfer first, then the line under test. */
function settlement(account: string, line: SettlementLine, good: SettlementLine = {}) {
  const entry = (l: SettlementLine) => ({
    transactionReference: uid('W'),
    requestingOrganisationTransactionReference: uid('KEY'),
    type: 'transfer',
    amount: l.amount ?? '600.00',
    currency: l.currency ?? 'BRL',
    completedAt: l.completedAt ?? new Date().toISOString(),
  });
  return JSON.stringify({ account, entries: [entry(good), entry(line)] });
}

const upload = (provider: 'bank-sim' | 'wallet-sim', body: string) =>
  web.app.inject({
    method: 'POST',
    url: `/api/v1/statements?provider=${provider}`,
    payload: body,
    headers: { ...users.finance.headers, 'content-type': provider === 'bank-sim' ? 'application/xml' : 'application/json' },
  });

const linesOf = (account: string) => web.db.statementEntry.count({ where: { account } });

async function expectRefusedNaming(res: Awaited<ReturnType<typeof upload>>, field: string, account: string) {
  const body = res.json<{ error: string; fields?: Record<string, string> }>();
  expect([res.statusCode, body.error, Object.keys(body.fields ?? {})]).toEqual([400, 'invalid_request', [field]]);
  // Nothing of the file, not even its good first line.
  expect(await linesOf(account)).toBe(0);
}

describe('an uploaded camt.053 line is refused, naming it, and nothing is written', () => {
  it.each([
    ['an amount with more decimals than BRL has', { amount: '600.001' }, 'Amt'],
    ['an amount that storing would round', { amount: '600.005' }, 'Amt'],
    ['a zero amount', { amount: '0.00' }, 'Amt'],
    ['an amount too large to store', { amount: '12345678901234567' }, 'Amt'],
    ['a booking date that does not exist', { booked: '2026-02-30' }, 'BookgDt'],
    ['a booking date-time that does not exist', { booked: 'DtTm:2026-02-28T25:00:00Z' }, 'BookgDt'],
    ['a booking date in the future', { booked: '2099-01-02' }, 'BookgDt'],
    ['a currency that is not ISO 4217', { currency: 'ABC' }, 'Amt.Ccy'],
    ["a currency that is not the program's", { currency: 'USD' }, 'Amt.Ccy'],
  ] satisfies Array<[string, Line, string]>)('%s', async (_what, line, element) => {
    const program = await createProgram(web.db);
    const res = await upload('bank-sim', camt053([{ account: program.fundingAccount, lines: [{}, line] }]));
    await expectRefusedNaming(res, `Stmt[0].Ntry[1].${element}`, program.fundingAccount);
  });

  it('a line of an account no program pays from, next to a statement of ours', async () => {
    const program = await createProgram(web.db);
    const xml = camt053([
      { account: program.fundingAccount, lines: [{}] },
      { account: `NOBODY-${uid('a')}`, lines: [{}] },
    ]);
    await expectRefusedNaming(await upload('bank-sim', xml), 'Stmt[1].Ntry[0].Acct', program.fundingAccount);
  });
});

describe('an uploaded settlement report line is refused, naming it, and nothing is written', () => {
  it('an amount with decimals in a currency that has none (CLP)', async () => {
    const program = await createProgram(web.db);
    await web.db.program.update({ where: { id: program.id }, data: { currency: 'CLP' } });
    const clp = { amount: '600', currency: 'CLP' };
    const res = await upload('wallet-sim', settlement(program.fundingAccount, { ...clp, amount: '600.5' }, clp));
    await expectRefusedNaming(res, 'entries.1.amount', program.fundingAccount);
  });

  it.each([
    ['an amount with more decimals than BRL has', { amount: '600.001' }, 'amount'],
    ['a zero amount', { amount: '0.00' }, 'amount'],
    ['a negative amount', { amount: '-600.00' }, 'amount'],
    ["a currency that is not the program's", { currency: 'USD' }, 'currency'],
    ['a date-time that does not exist', { completedAt: '2026-02-30T10:00:00Z' }, 'completedAt'],
    ['a date-time in the future', { completedAt: '2099-01-02T10:00:00Z' }, 'completedAt'],
  ])('%s', async (_what, line, field) => {
    const program = await createProgram(web.db);
    const res = await upload('wallet-sim', settlement(program.fundingAccount, line));
    await expectRefusedNaming(res, `entries.1.${field}`, program.fundingAccount);
  });
});

describe("a rail's own statement", () => {
  it('is imported without its lines that break the rules, which create no break and are counted', async () => {
    const c = await craftedCycle(web.db, [
      { ours: 'PAID', rail: 'PAID' },
      { ours: 'PAID', rail: 'PAID' },
      { ours: 'PAID', rail: 'PAID' },
    ]);
    const [good, rounded, impossible] = c.payments as [(typeof c.payments)[0], (typeof c.payments)[0], (typeof c.payments)[0]];
    let fixed = false;
    const line = (key: string, ref: string, amount: string, bookingDate = today()): Camt053Entry => ({
      reference: ref,
      amount,
      currency: 'BRL',
      creditDebit: 'DBIT',
      status: 'BOOK',
      bookingDate,
      details: [{ endToEndId: key }],
    });
    // The bank: today's statement with one good line, one amount storing would round, one date that does not exist.
    const refs = [uid('NTRY'), uid('NTRY'), uid('NTRY')] as const;
    const bank = http.createServer((req, res) => {
      const date = new URL(req.url ?? '/', 'http://x').searchParams.get('date');
      const entries =
        date !== today()
          ? []
          : [
              line(good.key, refs[0], good.amount),
              line(rounded.key, refs[1], fixed ? rounded.amount : '600.001'),
              line(impossible.key, refs[2], impossible.amount, fixed ? today() : '2026-02-30'),
            ];
      res.setHeader('content-type', 'application/xml');
      res.end(
        buildCamt053({
          messageId: uid('C53').slice(0, 35),
          createdAt: new Date().toISOString(),
          statements: [
            {
              id: `STMT-${date}`,
              createdAt: new Date().toISOString(),
              account: c.account,
              balances: [{ type: 'OPBD', amount: '0.00', currency: 'BRL', creditDebit: 'CRDT', date: date ?? today() }],
              entries,
            },
          ],
        }),
      );
    });
    await new Promise<void>((resolve) => bank.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(bank.address() as AddressInfo).port}`;
      const activities = createStatementActivities({ db: web.db, rails: { [BANK_PROVIDER]: createBankClient(url) } });
      const env = new MockActivityEnvironment();

      expect(await env.run(() => activities.importStatements(c.cycleId))).toMatchObject({ imported: 1, refused: 2 });
      const stored = await web.db.statementEntry.findMany({ where: { account: c.account } });
      expect(stored.map((s) => [s.endToEndId, s.amount.toFixed(2)])).toEqual([[good.key, good.amount]]);

      // The bank corrects its statement: the lines it left out are read again and taken.
      fixed = true;
      expect(await env.run(() => activities.importStatements(c.cycleId))).toMatchObject({ imported: 2, refused: 0 });
      expect(await linesOf(c.account)).toBe(3);
    } finally {
      bank.close();
    }
  });
});

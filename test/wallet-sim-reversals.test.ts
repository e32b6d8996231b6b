// The wallet's settlement report with reversals (POST /v1/admin/reversals): a completed transfer taken back
// once, reported as a 'reversal' entry that the day's total subtracts; and its pages, which hold every
// entry exactly once while batches settle concurrently on the same account.
import Decimal from 'decimal.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWalletClient } from '../rails/wallet/client';
import type { Completion, GsmaError, LedgerSummary } from '../simulators/wallet/messages';
import type { WalletReversal } from '../simulators/wallet/reversal';
import { SETTLEMENT_PAGE_SIZE, type SettlementReport } from '../simulators/wallet/settlement';
import { uid, waitFor } from './support/util';
import { batch, getJson, startWallet, submit, txn, type TestWallet } from './support/wallet';

let wallet: TestWallet;

beforeAll(async () => {
  wallet = await startWallet(uid('wallet-reversals'), { listen: true, faults: { settleDelayMs: 0 } });
});
afterAll(() => wallet?.close());

const reverse = (body: unknown, w = wallet) => w.app.inject({ method: 'POST', url: '/v1/admin/reversals', payload: body as object });
const today = () => new Date().toISOString().slice(0, 10);
const report = async (account: string, page = 1) =>
  (await getJson<SettlementReport>(wallet, `/v1/settlement?account=${account}&date=${today()}&page=${page}`)).body;

async function completed(account: string, amounts: string[]): Promise<Completion[]> {
  const req = batch(
    account,
    amounts.map((amount) => ({ amount })),
  );
  const res = await submit(wallet, req);
  expect(res.statusCode).toBe(202);
  const batchId = res.json<{ objectReference: string }>().objectReference;
  return waitFor(async () => {
    const list = (await getJson<Completion[]>(wallet, `/v1/batchtransactions/${batchId}/completions`)).body;
    return list.length === amounts.length && list;
  });
}

describe('wallet reversals', () => {
  it('reverses a transfer once; the report lists it as a reversal and its total is transfers minus reversals', async () => {
    const account = uid('acct');
    const [x, y] = await completed(account, ['10.10', '0.20', '5.00']);
    const ref = y!.requestingOrganisationTransactionReference;

    const first = await reverse({ requestingOrganisationTransactionReference: ref });
    expect(first.statusCode).toBe(201);
    const reversal = first.json<WalletReversal>();
    expect(reversal).toMatchObject({
      requestingOrganisationTransactionReference: ref,
      originalTransactionReference: y!.transactionReference,
      type: 'reversal',
      amount: '0.20',
      currency: 'BRL',
    });
    expect(reversal.transactionReference).toMatch(/^WR\d{12}$/);
    const again = await reverse({ requestingOrganisationTransactionReference: ref });
    expect([again.statusCode, again.json()]).toEqual([200, reversal]);
    const racing = await Promise.all(
      Array.from({ length: 4 }, () =>
        reverse({ requestingOrganisationTransactionReference: x!.requestingOrganisationTransactionReference }),
      ),
    );
    expect(racing.map((r) => r.statusCode).sort()).toEqual([200, 200, 200, 201]);
    expect(new Set(racing.map((r) => r.json<WalletReversal>().transactionReference)).size).toBe(1);

    const day = await report(account);
    expect(day.entries.map((e) => [e.type, e.requestingOrganisationTransactionReference, e.amount])).toEqual([
      ['transfer', x!.requestingOrganisationTransactionReference, '10.10'],
      ['transfer', ref, '0.20'],
      ['transfer', expect.any(String), '5.00'],
      ['reversal', ref, '0.20'],
      ['reversal', x!.requestingOrganisationTransactionReference, '10.10'],
    ]);
    expect(day.entries[3]!.transactionReference).toBe(reversal.transactionReference);
    expect(new Set(day.entries.map((e) => e.transactionReference)).size).toBe(5);
    expect(day).toMatchObject({ currency: 'BRL', page: 1, lastPage: true, total: '5.00' });

    // The rail's client sees the type; the summary counts credits and nets the reversals.
    const viaClient = await createWalletClient(wallet.url).settlement(account, today(), 1);
    expect(viaClient.entries.map((e) => e.type)).toEqual(['transfer', 'transfer', 'transfer', 'reversal', 'reversal']);
    expect((await getJson<LedgerSummary>(wallet, `/v1/ledger/summary?account=${account}`)).body).toEqual({
      account,
      entries: 3,
      distinctReferences: 3,
      reversals: 2,
      totals: [{ currency: 'BRL', amount: '5.00' }],
    });
  });

  it('answers 404 naming the reference when this provider completed no such transfer, and 400 for a malformed body', async () => {
    const unknown = uid('pay');
    const res = await reverse({ requestingOrganisationTransactionReference: unknown });
    expect(res.statusCode).toBe(404);
    expect(res.json<GsmaError>().errorParameters).toEqual([
      { key: 'requestingOrganisationTransactionReference', value: `no completed transfer with reference ${unknown}` },
    ]);
    // Another provider instance never paid this account's transfers.
    const [paid] = await completed(uid('acct'), ['1.00']);
    const other = await startWallet(uid('wallet-other'), { start: false });
    try {
      expect(
        (await reverse({ requestingOrganisationTransactionReference: paid!.requestingOrganisationTransactionReference }, other)).statusCode,
      ).toBe(404);
    } finally {
      await other.close();
    }
    for (const body of [
      {},
      { requestingOrganisationTransactionReference: '' },
      { requestingOrganisationTransactionReference: 'a', extra: 1 },
    ]) {
      const bad = await reverse(body);
      expect([bad.statusCode, bad.json<GsmaError>().errorCode]).toEqual([400, 'formatError']);
    }
  });

  it('numbers one batch debiting several accounts and currencies on each of their reports', async () => {
    const [a, b] = [uid('acct'), uid('acct')];
    const req = batch(a, [txn(a, {}), txn(b, {}), txn(a, { currency: 'USD' }), txn(a, {}), txn(b, { amount: '0.50' })]);
    const res = await submit(wallet, req);
    await waitFor(
      async () =>
        (await getJson<{ batchStatus: string }>(wallet, `/v1/batchtransactions/${res.json<{ objectReference: string }>().objectReference}`))
          .body.batchStatus === 'completed',
    );
    const { rows } = await wallet.pool.query<{ account: string; currency: string; seqs: string[] }>(
      `SELECT debit_account AS account, currency, array_agg(day_seq::text ORDER BY seq) AS seqs FROM wallet_ledger_entry
        WHERE debit_account = ANY($1::text[]) GROUP BY 1, 2 ORDER BY debit_account = $2::text DESC, currency`,
      [[a, b], a],
    );
    expect(rows.map((r) => [r.account, r.currency, r.seqs])).toEqual([
      [a, 'BRL', ['1', '2']],
      [a, 'USD', ['1']],
      [b, 'BRL', ['1', '2']],
    ]);
    expect((await getJson<SettlementReport>(wallet, `/v1/settlement?account=${b}&date=${today()}`)).body).toMatchObject({
      currency: 'BRL',
      lastPage: true,
      total: '10.50',
    });
  });

  it('pages a day of concurrent settlements and reversals: every entry once, pages full but the last, total exact', async () => {
    const quiet = await startWallet(uid('wallet-pages'), { start: false });
    try {
      const account = uid('acct');
      const requests = Array.from({ length: 12 }, () =>
        batch(
          account,
          Array.from({ length: 1000 }, () => ({ amount: '0.01' })),
        ),
      );
      const batchIds = await Promise.all(
        requests.map(async (r) => (await submit(quiet, r)).json<{ objectReference: string }>().objectReference),
      );
      const settle = (id: string) => quiet.store.settle(id, { faults: quiet.faults.current, chance: () => false });
      await settle(batchIds[0]!);
      const reversed = requests[0]!.body.transactions.slice(0, 40).map((t) => t.requestingOrganisationTransactionReference);

      const walk = async () => {
        const pages: SettlementReport[] = [];
        for (let n = 1; pages.at(-1)?.lastPage !== true; n++) {
          const r = await quiet.store.settlement(account, today(), undefined, n);
          if (r.kind !== 'report') throw new Error('mixed currencies');
          pages.push(r.report);
        }
        return pages;
      };
      const walks: SettlementReport[][] = [];
      let booking = true;
      const reader = (async () => {
        while (booking) walks.push(await walk());
      })();
      // Settlements racing each other and the reversals, all on the same account and day.
      await Promise.all([...batchIds.slice(1).map(settle), ...reversed.map((ref) => quiet.store.reverse(ref))]);
      booking = false;
      await reader;
      walks.push(await walk());

      for (const pages of walks) {
        const refs = pages.flatMap((p) => p.entries.map((e) => e.transactionReference));
        expect(new Set(refs).size).toBe(refs.length);
        expect(pages.slice(0, -1).every((p) => p.entries.length === SETTLEMENT_PAGE_SIZE)).toBe(true);
      }
      const final = walks.at(-1)!;
      const entries = final.flatMap((p) => p.entries);
      expect(final.map((p) => p.entries.length)).toEqual([
        SETTLEMENT_PAGE_SIZE,
        SETTLEMENT_PAGE_SIZE,
        12_000 + 40 - 2 * SETTLEMENT_PAGE_SIZE,
      ]);
      expect(
        entries
          .filter((e) => e.type === 'reversal')
          .map((e) => e.requestingOrganisationTransactionReference)
          .sort(),
      ).toEqual([...reversed].sort());
      const net = entries.reduce((sum, e) => (e.type === 'transfer' ? sum.plus(e.amount) : sum.minus(e.amount)), new Decimal(0));
      expect(final.every((p) => p.total === '119.60')).toBe(true);
      expect(net.toFixed(2)).toBe('119.60');
    } finally {
      await quiet.close();
    }
  }, 180_000);
});

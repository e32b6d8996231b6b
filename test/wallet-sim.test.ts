// The wallet provider simulator's API and settlement rules, judged by its own PostgreSQL ledger.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  AsyncResponse,
  Completion,
  GsmaError,
  LedgerSummary,
  Rejection,
  RequestState,
  WalletBatch,
} from '../simulators/wallet/messages';
import type { SettlementReport } from '../simulators/wallet/settlement';
import { uid, waitFor } from './support/util';
import { batch, creditCounts, getJson, msisdn, notificationReceiver, startWallet, submit, txn, type TestWallet } from './support/wallet';

const UNKNOWN = msisdn();
const CLOSED = msisdn();
const LOW_TIER = msisdn();
const RICH = msisdn();
let wallet: TestWallet;
let receiver: Awaited<ReturnType<typeof notificationReceiver>>;

beforeAll(async () => {
  wallet = await startWallet(uid('wallet-api'), {
    faults: {
      unknownWallets: [UNKNOWN],
      closedWallets: [CLOSED],
      kycLimit: { default: '5000.00', perWallet: { [LOW_TIER]: '100.00', [RICH]: '2000000.00' } },
    },
    delivery: { baseDelayMs: 30, maxDelayMs: 100 },
  });
  receiver = await notificationReceiver();
});
afterAll(async () => {
  await wallet?.close();
  await receiver?.close();
});

const get = <T>(url: string) => getJson<T>(wallet, url);
const stateOf = async (correlationId: string) => (await get<RequestState>(`/v1/requeststates?correlationId=${correlationId}`)).body;
const batchOf = async (batchId: string) => (await get<WalletBatch>(`/v1/batchtransactions/${batchId}`)).body;
const completed = (batchId: string) =>
  waitFor(async () => ((await batchOf(batchId)).batchStatus === 'completed' ? batchOf(batchId) : null));
const completions = async (batchId: string) => (await get<Completion[]>(`/v1/batchtransactions/${batchId}/completions`)).body;
const rejections = async (batchId: string) => (await get<Rejection[]>(`/v1/batchtransactions/${batchId}/rejections`)).body;
const summary = async (account: string) => (await get<LedgerSummary>(`/v1/ledger/summary?account=${account}`)).body;
const today = () => new Date().toISOString().slice(0, 10);
async function accepted(req: ReturnType<typeof batch>, w = wallet): Promise<AsyncResponse> {
  const res = await submit(w, req);
  expect(res.statusCode).toBe(202);
  return res.json<AsyncResponse>();
}

describe('wallet simulator', () => {
  it('takes a batch asynchronously: request state, batch object, completions, transaction link, callback', async () => {
    const account = uid('acct');
    const req = batch(account, [{ amount: '10.5' }, { amount: '0.01' }], { callbackUrl: receiver.url });
    const res = await accepted(req);
    expect(Object.keys(res).sort()).toEqual(['notificationMethod', 'objectReference', 'pollLimit', 'serverCorrelationId', 'status']);
    expect(res).toMatchObject({ status: 'pending', notificationMethod: 'callback', pollLimit: 100 });
    expect([res.serverCorrelationId, res.objectReference].every((id) => /^[0-9a-f-]{36}$/.test(id))).toBe(true);
    const batchId = res.objectReference;
    expect((await get<RequestState>(`/v1/requeststates/${res.serverCorrelationId}`)).body).toEqual({
      serverCorrelationId: res.serverCorrelationId,
      status: 'pending',
      objectReference: batchId,
    });
    expect(await stateOf(req.headers['X-CorrelationID']!)).toEqual({
      serverCorrelationId: res.serverCorrelationId,
      status: 'pending',
      objectReference: batchId,
    });

    const done = await completed(batchId);
    expect(done).toMatchObject({
      batchId,
      batchTitle: 'Cycle 1',
      batchStatus: 'completed',
      processingFlag: false,
      completedCount: 2,
      rejectionCount: 0,
      parsingSuccessCount: 2,
    });
    expect(
      Date.parse(done.creationDate) <= Date.parse(done.approvalDate!) && Date.parse(done.approvalDate!) <= Date.parse(done.completionDate!),
    ).toBe(true);
    expect((await stateOf(req.headers['X-CorrelationID']!)).status).toBe('completed');
    const list = await completions(batchId);
    expect(list.map((c) => [c.requestingOrganisationTransactionReference, c.amount, c.currency])).toEqual(
      req.body.transactions.map((t, i) => [t.requestingOrganisationTransactionReference, i === 0 ? '10.50' : '0.01', 'BRL']),
    );
    expect(list[0]?.transactionReference).toMatch(/^WT\d{12}$/);
    expect(await rejections(batchId)).toEqual([]);
    const link = await get<{ transactionStatus: string; creditParty: unknown }>(list[0]!.link);
    expect(link.body).toMatchObject({
      transactionStatus: 'completed',
      amount: '10.50',
      creditParty: req.body.transactions[0]?.creditParty,
    });

    const cb = await waitFor(() => receiver.received.find((n) => n.body.batchId === batchId));
    expect(cb.method).toBe('PUT');
    expect(cb.headers['x-correlationid']).toBe(req.headers['X-CorrelationID']);
    expect(cb.headers['x-event-id']).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(cb.body).toEqual({ batchId, batchStatus: 'completed', completedCount: 2, rejectionCount: 0 });
    expect(await summary(account)).toEqual({
      account,
      entries: 2,
      distinctReferences: 2,
      reversals: 0,
      totals: [{ currency: 'BRL', amount: '10.51' }],
    });
  });

  it('answers a resent X-CorrelationID with the original response and credits once; another body is a 409', async () => {
    const account = uid('acct');
    const req = batch(account, [{}, {}]);
    const results = await Promise.all([submit(wallet, req), submit(wallet, req), submit(wallet, req)]);
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 200, 202]);
    const bodies = results.map((r) => r.json<AsyncResponse>());
    expect(bodies[1]).toEqual(bodies[0]);
    expect(bodies[2]).toEqual(bodies[0]);
    await completed(bodies[0]!.objectReference);
    const later = await submit(wallet, { ...req, headers: { ...req.headers, 'X-Callback-URL': receiver.url } }); // transport differs: same request
    expect([later.statusCode, later.json()]).toEqual([200, bodies[0]]);

    const changed = {
      ...req,
      body: { ...req.body, transactions: [{ ...req.body.transactions[0]!, amount: '10.01' }, req.body.transactions[1]!] },
    };
    const conflict = await submit(wallet, changed);
    expect(conflict.statusCode).toBe(409);
    expect(conflict.json<GsmaError>()).toMatchObject({ errorCategory: 'businessRule', errorCode: 'duplicaterequest' });
    await new Promise((r) => setTimeout(r, 150)); // give a wrong second settlement time to happen
    expect(await summary(account)).toMatchObject({ entries: 2, totals: [{ currency: 'BRL', amount: '20.00' }] });
  });

  it('never credits a transaction reference twice across batches, and reports the original outcome', async () => {
    const account = uid('acct');
    const first = batch(account, [{ amount: '7.25' }, {}, { msisdn: CLOSED }]);
    const a = await accepted(first);
    await completed(a.objectReference);
    const original = await completions(a.objectReference);
    // As a rail would after a lost answer: the same payments under a new X-CorrelationID, plus a new one.
    const resend = batch(account, [...first.body.transactions, txn(account)]);
    // And one resent before its original was processed.
    const quick = batch(account, [{}]);
    const quickAgain = batch(account, quick.body.transactions);
    const [r, q, qa] = [await accepted(resend), await accepted(quick), await accepted(quickAgain)];

    expect(await completed(r.objectReference)).toMatchObject({ completedCount: 3, rejectionCount: 1, parsingSuccessCount: 4 });
    const again = await completions(r.objectReference);
    expect(again.slice(0, 2).map((c) => c.transactionReference)).toEqual(original.map((c) => c.transactionReference));
    expect((await rejections(r.objectReference)).map((x) => [x.requestingOrganisationTransactionReference, x.rejectionReason])).toEqual([
      [first.body.transactions[2]?.requestingOrganisationTransactionReference, 'accountClosed'],
    ]);
    await completed(q.objectReference);
    await completed(qa.objectReference);
    expect((await completions(qa.objectReference))[0]?.transactionReference).toBe(
      (await completions(q.objectReference))[0]?.transactionReference,
    );
    const counts = await creditCounts(wallet.pool, account);
    expect([...counts.values()]).toEqual([1, 1, 1, 1]);
  });

  it("rejects a reused reference with another amount or wallet as 'duplicateTransactionReference'", async () => {
    const account = uid('acct');
    const first = batch(account, [{ amount: '5.00' }, {}]);
    await completed((await accepted(first)).objectReference);
    const [x, y] = first.body.transactions;
    const changed = batch(account, [
      { ...x!, amount: '6.00' },
      { ...y!, creditParty: [{ key: 'msisdn', value: msisdn() }] },
    ]);
    const done = await completed((await accepted(changed)).objectReference);
    expect(done).toMatchObject({ completedCount: 0, rejectionCount: 2 });
    expect((await rejections(done.batchId)).map((r) => r.rejectionReason)).toEqual([
      'duplicateTransactionReference',
      'duplicateTransactionReference',
    ]);
    expect((await stateOf(changed.headers['X-CorrelationID']!)).status).toBe('completed');
    expect(await summary(account)).toMatchObject({ entries: 2, totals: [{ currency: 'BRL', amount: '15.00' }] });
  });

  it('refuses unknown and closed wallets and amounts above the KYC limit, permanently and per account', async () => {
    const account = uid('acct');
    const req = batch(
      account,
      [
        {},
        { msisdn: UNKNOWN },
        { msisdn: CLOSED },
        { amount: '5000.00' },
        { amount: '5000.01' },
        { msisdn: LOW_TIER, amount: '100.00' },
        { msisdn: LOW_TIER, amount: '100.01' },
      ],
      { callbackUrl: receiver.url },
    );
    const done = await completed((await accepted(req)).objectReference);
    expect(done).toMatchObject({ batchStatus: 'completed', completedCount: 3, rejectionCount: 4, parsingSuccessCount: 7 });
    const rejected = await rejections(done.batchId);
    const ref = (i: number) => req.body.transactions[i]?.requestingOrganisationTransactionReference;
    expect(rejected.map((r) => [r.requestingOrganisationTransactionReference, r.rejectionReason, r.amount])).toEqual([
      [ref(1), 'unknownWallet', '10.00'],
      [ref(2), 'accountClosed', '10.00'],
      [ref(4), 'kycLimitExceeded', '5000.01'],
      [ref(6), 'kycLimitExceeded', '100.01'],
    ]);
    expect((await completions(done.batchId)).map((c) => c.requestingOrganisationTransactionReference)).toEqual([ref(0), ref(3), ref(5)]);
    const cb = await waitFor(() => receiver.received.find((n) => n.body.batchId === done.batchId));
    expect(cb.body).toEqual({ batchId: done.batchId, batchStatus: 'completed', completedCount: 3, rejectionCount: 4 });
    // Permanent: the same payment resent later is still refused, and nothing was credited for it.
    const resend = await completed((await accepted(batch(account, [req.body.transactions[1]!]))).objectReference);
    expect((await rejections(resend.batchId))[0]?.rejectionReason).toBe('unknownWallet');
    expect(await summary(account)).toMatchObject({ entries: 3, totals: [{ currency: 'BRL', amount: '5110.00' }] });
  });

  it('reports the settlement of an account and day exact to the cent', async () => {
    const account = uid('acct');
    const amounts = ['0.10', '0.20', '0.1', '1000000.05', '33.33'];
    const req = batch(
      account,
      amounts.map((amount, i) => ({ amount, msisdn: i === 3 ? RICH : msisdn() })),
    );
    await completed((await accepted(req)).objectReference);
    const report = (await get<SettlementReport>(`/v1/settlement?account=${account}&date=${today()}`)).body;
    expect(report).toMatchObject({ account, date: today(), currency: 'BRL', total: '1000033.78' });
    expect(report.entries.map((e) => [e.requestingOrganisationTransactionReference, e.amount, e.msisdn])).toEqual(
      req.body.transactions.map((t) => [
        t.requestingOrganisationTransactionReference,
        new Intl.NumberFormat('en', { minimumFractionDigits: 2, useGrouping: false }).format(Number(t.amount)),
        t.creditParty[0]?.value,
      ]),
    );
    expect(new Set(report.entries.map((e) => e.transactionReference)).size).toBe(5);
    expect((await get<SettlementReport>(`/v1/settlement?account=${account}&date=2001-01-01`)).body).toEqual({
      account,
      date: '2001-01-01',
      currency: null,
      page: 1,
      lastPage: true,
      entries: [],
      total: '0.00',
    });

    await completed((await accepted(batch(account, [{ amount: '1.00', currency: 'USD' }]))).objectReference);
    const mixed = await get<GsmaError>(`/v1/settlement?account=${account}&date=${today()}`);
    expect([mixed.status, mixed.body.errorParameters?.map((p) => p.key)]).toEqual([400, ['currency']]);
    expect((await get<SettlementReport>(`/v1/settlement?account=${account}&date=${today()}&currency=USD`)).body).toMatchObject({
      currency: 'USD',
      total: '1.00',
    });
    const bad = await get<GsmaError>(`/v1/settlement?account=${account}&date=22-11-2026`);
    expect([bad.status, bad.body.errorParameters?.map((p) => p.key)]).toEqual([400, ['date']]);
  });

  it('answers 400 naming each wrong field, and writes nothing', async () => {
    const account = uid('acct');
    const cases: Array<[(r: ReturnType<typeof batch>) => ReturnType<typeof batch>, string[]]> = [
      [
        (r) => ({
          ...r,
          body: {
            ...r.body,
            transactions: r.body.transactions.map((t, i) =>
              i === 2 ? { ...t, amount: '1.234' } : i === 1 ? { ...t, currency: 'brl' } : t,
            ),
          },
        }),
        ['transactions.1.currency', 'transactions.2.amount'],
      ],
      [(r) => ({ ...r, body: { ...r.body, transactions: [{ ...r.body.transactions[0]!, amount: '0.00' }] } }), ['transactions.0.amount']],
      [(r) => ({ ...r, body: { ...r.body, transactions: [{ ...r.body.transactions[0]!, type: 'transfer' }] } }), ['transactions.0.type']],
      [
        (r) => ({
          ...r,
          body: { ...r.body, transactions: [{ ...r.body.transactions[0]!, creditParty: [{ key: 'msisdn', value: '011 91234-5678' }] }] },
        }),
        ['transactions.0.creditParty.0.value'],
      ],
      [
        (r) => ({
          ...r,
          body: { ...r.body, transactions: [{ ...r.body.transactions[0]!, debitParty: [{ key: 'walletid', value: 'x' }] }] },
        }),
        ['transactions.0.debitParty'],
      ],
      [
        (r) => ({
          ...r,
          body: { ...r.body, transactions: [{ ...r.body.transactions[0]!, requestingOrganisationTransactionReference: 'r'.repeat(65) }] },
        }),
        ['transactions.0.requestingOrganisationTransactionReference'],
      ],
      [
        (r) => ({ ...r, body: { ...r.body, transactions: [r.body.transactions[0]!, r.body.transactions[0]!] } }),
        ['transactions.1.requestingOrganisationTransactionReference'],
      ],
      [(r) => ({ ...r, body: { ...r.body, transactions: [] } }), ['transactions']],
      [(r) => ({ ...r, body: { ...r.body, batchTitle: '' } }), ['batchTitle']],
      [(r) => ({ ...r, headers: { ...r.headers, 'X-Callback-URL': 'not a url' } }), ['X-Callback-URL']],
      [(r) => ({ ...r, headers: { 'X-CorrelationID': 'c'.repeat(65) } }), ['X-CorrelationID']],
    ];
    for (const [mutate, fields] of cases) {
      const req = batch(account, [{}, {}, {}]);
      const res = await submit(wallet, mutate(req));
      expect(res.statusCode).toBe(400);
      const body = res.json<GsmaError>();
      expect([body.errorCategory, body.errorCode]).toEqual(['validation', 'formatError']);
      expect(body.errorParameters?.map((p) => p.key).sort()).toEqual(fields);
      expect((await get(`/v1/requeststates?correlationId=${req.headers['X-CorrelationID']}`)).status).toBe(404);
    }
    const broken = await wallet.app.inject({
      method: 'POST',
      url: '/v1/batchtransactions',
      headers: { 'content-type': 'application/json', 'X-CorrelationID': uid('c') },
      payload: '{"batchTitle":',
    });
    expect([broken.statusCode, broken.json<GsmaError>().errorCode]).toEqual([400, 'formatError']);
    expect((await get(`/v1/batchtransactions/${uid('nope')}`)).status).toBe(404);
    expect((await get('/v1/requeststates/6f1c1d0e-0000-4000-8000-000000000000')).status).toBe(404);
    expect(await summary(account)).toMatchObject({ entries: 0 });
  });
});

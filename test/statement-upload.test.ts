// Finance uploads statement files over the API: a camt.053 for the bank, a settlement report for the
// wallet. Bad files are refused naming what is wrong and write nothing; good ones are stored once and
// ask for the cycle to be reconciled again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { camt053, craftedCycle, type CraftedCycle } from './support/reconciliation-fixture';
import { uid } from './support/util';
import { signInUsers, startTestWeb, type TestWeb } from './support/web';

let web: TestWeb;
let users: Awaited<ReturnType<typeof signInUsers>>;
let c: CraftedCycle;

beforeAll(async () => {
  web = await startTestWeb();
  users = await signInUsers(web.db);
  c = await craftedCycle(web.db, [
    { ours: 'PAID', rail: 'PAID' },
    { ours: 'PAID', rail: 'PAID' },
  ]);
}, 60_000);
afterAll(() => web?.close());

const post = (provider: string, body: string, contentType: string, headers = users.finance.headers) =>
  web.app.inject({
    method: 'POST',
    url: `/api/v1/statements?provider=${provider}`,
    payload: body,
    headers: { ...headers, 'content-type': contentType },
  });
const linesOf = (account: string) => web.db.statementEntry.count({ where: { account } });

describe('POST /api/v1/statements', () => {
  it('stores a camt.053 once, as evidence only when a second finance user confirms it', async () => {
    const xml = camt053(
      c.account,
      c.payments.map((p) => ({ ref: uid('NTRY'), key: p.key, amount: p.amount })),
    );
    const first = await post('bank-sim', xml, 'application/xml');
    expect([first.statusCode, first.json()]).toMatchObject([
      202,
      { lines: 2, imported: 2, cycleIds: [c.cycleId], decision: { kind: 'STATEMENT_UPLOAD', status: 'PROPOSED' } },
    ]);
    expect((await post('bank-sim', xml, 'application/xml')).json()).toMatchObject({ lines: 2, imported: 0, decision: null });
    expect(await linesOf(c.account)).toBe(2);
    const evidence = () => web.db.statementEntry.count({ where: { account: c.account, evidenceSince: { not: null } } });
    expect(await evidence()).toBe(0);
    const decision = first.json<{ decision: { id: string } }>().decision.id;
    const confirmed = await web.app.inject({
      method: 'POST',
      url: `/api/v1/decisions/${decision}/approve`,
      headers: users.finance2.headers,
    });
    expect([confirmed.statusCode, await evidence()]).toEqual([200, 2]);
    expect(await web.db.auditEvent.count({ where: { actor: users.finance.id, action: 'statement.uploaded' } })).toBe(2);
  });

  it('refuses a file with a line it cannot identify, naming the line, and writes none of it', async () => {
    const xml = camt053(c.account, [
      { ref: uid('NTRY'), key: 'late-line', amount: '1.00' },
      { ref: '', key: 'no-ref', amount: '2.00' },
    ]);
    const before = await linesOf(c.account);
    const res = await post('bank-sim', xml, 'application/xml');
    expect([res.statusCode, res.json()]).toEqual([
      400,
      {
        error: 'invalid_request',
        message: expect.any(String) as string,
        fields: { 'Stmt[0].Ntry[1].NtryRef': 'every entry needs its reference' },
      },
    ]);
    expect(await linesOf(c.account)).toBe(before);
  });

  it.each([
    ['no provider', '', 'x', 'application/xml', 400, 'provider'],
    ['a provider no rail is registered under', 'paypal', 'x', 'application/xml', 400, 'provider'],
    ['not XML', 'bank-sim', 'hello', 'application/xml', 400, 'file'],
    ['JSON for the bank', 'bank-sim', '{}', 'application/json', 415, 'file'],
    [
      'a wallet amount that is not a decimal',
      'wallet-sim',
      JSON.stringify({
        account: 'A',
        entries: [
          {
            transactionReference: 't',
            requestingOrganisationTransactionReference: 'k',
            amount: 'ten',
            currency: 'BRL',
            completedAt: new Date().toISOString(),
          },
        ],
      }),
      'application/json',
      400,
      'entries.0.amount',
    ],
  ])('refuses %s with the field named', async (_what, provider, body, type, status, field) => {
    const res = await web.app.inject({
      method: 'POST',
      url: `/api/v1/statements${provider ? `?provider=${provider}` : ''}`,
      payload: body,
      headers: { ...users.finance.headers, 'content-type': type },
    });
    expect(res.statusCode).toBe(status);
    expect(Object.keys(res.json<{ fields: Record<string, string> }>().fields)).toContain(field);
  });

  it('refuses a statement of an account no program pays from, and anyone but finance', async () => {
    const xml = camt053(`NOBODY-${uid('a')}`, [{ ref: uid('NTRY'), key: 'k', amount: '1.00' }]);
    expect((await post('bank-sim', xml, 'application/xml')).json()).toMatchObject({ error: 'unknown_account' });
    expect((await post('bank-sim', xml, 'application/xml', users.admin.headers)).statusCode).toBe(403);
  });

  it('stores a wallet settlement report with its reversals', async () => {
    const [p] = c.payments;
    const at = new Date().toISOString();
    const report = {
      account: c.account,
      entries: [
        {
          transactionReference: uid('W'),
          requestingOrganisationTransactionReference: p!.key,
          type: 'transfer',
          amount: p!.amount,
          currency: 'BRL',
          completedAt: at,
        },
        {
          transactionReference: uid('W'),
          requestingOrganisationTransactionReference: p!.key,
          type: 'reversal',
          amount: p!.amount,
          currency: 'BRL',
          completedAt: at,
        },
      ],
    };
    expect((await post('wallet-sim', JSON.stringify(report), 'application/json')).json()).toMatchObject({
      lines: 2,
      imported: 2,
      cycleIds: [c.cycleId],
    });
    const kinds = await web.db.statementEntry.findMany({
      where: { provider: 'wallet-sim', endToEndId: p!.key },
      select: { kind: true, source: true },
    });
    expect(kinds.sort((a, b) => a.kind.localeCompare(b.kind))).toEqual([
      { kind: 'PAYMENT', source: 'UPLOAD' },
      { kind: 'REVERSAL', source: 'UPLOAD' },
    ]);
  });
});

describe('POST /api/v1/breaks/:id/resolution', () => {
  it('names the field of a bad resolution, and answers 404 for an unknown break', async () => {
    const bad = await web.app.inject({
      method: 'POST',
      url: `/api/v1/breaks/${crypto.randomUUID()}/resolution`,
      payload: { resolution: 'FORGIVE' },
      headers: users.finance.headers,
    });
    expect([bad.statusCode, Object.keys(bad.json<{ fields: object }>().fields)]).toEqual([400, ['resolution']]);
    const missing = await web.app.inject({
      method: 'POST',
      url: `/api/v1/breaks/${crypto.randomUUID()}/resolution`,
      payload: { resolution: 'CONFIRM' },
      headers: users.finance.headers,
    });
    expect([missing.statusCode, missing.json()]).toMatchObject([404, { error: 'break_not_found', message: expect.any(String) as string }]);
  });
});

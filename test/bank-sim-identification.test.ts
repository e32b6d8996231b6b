// The bank knows who holds its accounts (the registry population's, simulators/shared/account-holders.ts):
// it answers identification verification (acmt.023 → acmt.024) and refuses a payment whose named creditor
// (pain.001 Cdtr/Id) does not hold the account, with ISO's reason codes, never revealing the real holder.
import Decimal from 'decimal.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildAcmt023, type IdentificationVerification } from '../lib/iso20022/acmt023';
import { parseAcmt024 } from '../lib/iso20022/acmt024';
import { buildPain001 } from '../lib/iso20022/pain001';
import { parsePain002 } from '../lib/iso20022/pain002';
import { AccountHolderBook } from '../simulators/bank/holders';
import { generatePopulation, type Person } from '../simulators/registry/population';
import { accountDirt, accountHolders, bankAccountNumberOf, HOLDER_BANK_CODE, type AccountDirt } from '../simulators/shared/account-holders';
import { entryCounts, itemStatuses, settledReport, startBank, type TestBank } from './support/bank';
import { uid } from './support/util';

const population = generatePopulation({ seed: 42, size: 200, country: 'BR' });
const holders = accountHolders(population, 'bank');

function personWith(dirt: AccountDirt, nth = 0): Person {
  const found = population.persons.filter((p) => accountDirt(p.nationalId, 'bank') === dirt)[nth];
  if (!found) throw new Error(`no person with a ${dirt} account in the test population`);
  return found;
}
const clean = personWith('none');
const another = personWith('none', 1);
const closed = personWith('closed');
const dormant = personWith('dormant');
const mismatched = personWith('holder_mismatch');
const unknown = personWith('unknown');
const accountOf = (p: Person) => bankAccountNumberOf(p.nationalId);
/** The person who really holds the mismatched person's account: never to be revealed. */
const realHolder = holders.get(accountOf(mismatched))!;

let bank: TestBank;
let loads = 0;

beforeAll(async () => {
  const book = new AccountHolderBook(() => {
    loads += 1;
    return holders;
  });
  bank = await startBank(uid('bank-ident'), { holders: book, faults: { settleDelayMs: 0 } });
});
afterAll(async () => bank?.close());

const claim = (id: string, p: Person, over: Partial<IdentificationVerification> & { name?: string; nationalId?: string } = {}) => {
  const { name = p.fullName, nationalId = p.nationalId, ...rest } = over;
  return {
    id,
    party: { name, identifier: { id: nationalId, scheme: 'NIDN' } },
    account: accountOf(p),
    agent: HOLDER_BANK_CODE,
    ...rest,
  };
};

const acmt023 = (verifications: IdentificationVerification[], messageId = uid('ivq').slice(0, 35)) =>
  buildAcmt023({
    messageId,
    createdAt: new Date().toISOString(),
    assigner: { party: 'AMPARO TEST' },
    assignee: { agent: HOLDER_BANK_CODE },
    verifications,
  });

const verify = (xml: string) =>
  bank.app.inject({ method: 'POST', url: '/v1/acmt023', headers: { 'content-type': 'application/xml' }, payload: xml });

/** [OrgnlId, Vrfctn, Rsn] per report. */
async function reports(verifications: IdentificationVerification[]) {
  const messageId = uid('ivq');
  const res = await verify(acmt023(verifications, messageId));
  expect(res.statusCode).toBe(200);
  expect(res.headers['content-type']).toMatch(/^application\/xml/);
  const report = parseAcmt024(res.body);
  expect(report).toMatchObject({ originalMessageId: messageId, assigner: { agent: HOLDER_BANK_CODE }, assignee: { party: 'AMPARO TEST' } });
  return { body: res.body, rows: report.reports.map((r) => [r.originalId, r.verified, r.reason]) };
}

describe('identification verification (acmt.023 → acmt.024)', () => {
  it('answers every verification of one request, in order, with ISO verification reasons', async () => {
    const { body, rows } = await reports([
      claim('clean', clean),
      claim('unknown', unknown),
      claim('closed', closed),
      claim('dormant', dormant),
      claim('mismatch', mismatched),
      claim('wrong-id', clean, { nationalId: another.nationalId }),
      claim('other-scheme', clean, { party: { name: clean.fullName, identifier: { id: clean.nationalId, scheme: 'TXID' } } }),
      claim('other-bank', clean, { agent: '237' }),
    ]);
    expect(rows).toEqual([
      ['clean', true, undefined],
      ['unknown', false, 'AC01'],
      ['closed', false, 'AG01'],
      ['dormant', false, 'AG01'],
      ['mismatch', false, 'PI01'],
      ['wrong-id', false, 'PI01'],
      ['other-scheme', false, 'PI01'],
      ['other-bank', false, 'AGNT'],
    ]);
    // Only codes come back: neither the real holder's name nor their national ID.
    expect(body).not.toContain(realHolder.nationalId);
    expect(body).not.toContain(realHolder.name);
    expect(body).not.toContain(clean.fullName);
  });

  it('lets the national ID decide: a name written differently is verified, the difference reported as PN02 or PN01', async () => {
    const [first = '', ...rest] = clean.fullName.split(' ');
    const typo = `${first.slice(0, -2)}${first.slice(-1)}${first.slice(-2, -1)} ${rest.join(' ')}`; // two letters swapped
    const cpf = clean.nationalId.replace(/^(\d{3})(\d{3})(\d{3})(\d{2})$/, '$1.$2.$3-$4');
    const { rows } = await reports([
      claim('as-written', clean, { name: `  ${clean.fullName.toUpperCase()} ` }),
      claim('typo', clean, { name: typo }),
      claim('other-name', clean, { name: 'Zacarias Wanderley Quintanilha' }),
      claim('formatted-id', clean, { nationalId: cpf }),
      { ...claim('no-name', clean), party: { identifier: { id: clean.nationalId, scheme: 'NIDN' } } },
      // A stranger's name and ID on a clean account: the ID decides, whatever the name.
      claim('stranger', clean, { name: another.fullName, nationalId: another.nationalId }),
    ]);
    expect(rows).toEqual([
      ['as-written', true, undefined],
      ['typo', true, 'PN02'],
      ['other-name', true, 'PN01'],
      ['formatted-id', true, undefined],
      ['no-name', true, undefined],
      ['stranger', false, 'PI01'],
    ]);
  });

  it('refuses a document it cannot read with 400 naming the element, and answers nothing', async () => {
    const good = acmt023([claim('a', clean), claim('b', closed)]);
    const [head = '', tail = ''] = good.split('<Id>b</Id>');
    const noAccount = `${head}<Id>b</Id>${tail.replace(/<Acct>[\s\S]*?<\/Acct>/, '')}`; // the second one's account left out
    const cases: Array<[string, string, string]> = [
      [noAccount, 'Document/IdVrfctnReq/Vrfctn[2]/PtyAndAcctId/Acct', 'missing element'],
      [good.replace(/<Cd>NIDN<\/Cd>/, ''), 'Document/IdVrfctnReq/Vrfctn[1]/PtyAndAcctId/Pty/Id/PrvtId/Othr/SchmeNm/Cd', 'missing element'],
      [good.replace('<Id>b</Id>', '<Id>a</Id>'), 'Document/IdVrfctnReq/Vrfctn[2]/Id', 'repeated within the message'],
      [good.replace(/<Vrfctn>[\s\S]*<\/Vrfctn>/, ''), 'Document/IdVrfctnReq/Vrfctn', 'missing element'],
      [good.replace('acmt.023.001.03', 'acmt.023.001.02'), 'Document', "namespace is 'urn:iso:std:iso:20022:tech:xsd:acmt.023.001.02'"],
      ['<Document><IdVrfctnReq>', 'body', ''],
    ];
    for (const [xml, field, problem] of cases) {
      const res = await verify(xml);
      expect(res.statusCode, field).toBe(400);
      const { error, fields } = res.json<{ error: string; fields: Record<string, string> }>();
      expect(error).toBe('invalid_request');
      expect(Object.keys(fields)).toEqual([field]);
      expect(fields[field]).toContain(problem);
    }
    const json = await bank.app.inject({ method: 'POST', url: '/v1/acmt023', payload: { Vrfctn: [] } });
    expect(json.statusCode).toBe(400);
    expect(json.json<{ fields: Record<string, string> }>().fields.body).toContain('acmt.023');
  });

  it('has its own fault settings (endpoint verify) and generated its holders once', async () => {
    const put = (faults: object) => bank.app.inject({ method: 'PUT', url: '/v1/admin/faults', payload: faults });
    expect((await put({ errorRate: { verify: 1 }, settleDelayMs: 50 })).statusCode).toBe(200);
    const down = await verify(acmt023([claim('a', clean)]));
    expect([down.statusCode, down.headers['retry-after']]).toEqual([503, '1']);
    expect((await put({ settleDelayMs: 50 })).statusCode).toBe(200);
    expect((await verify(acmt023([claim('a', clean)]))).statusCode).toBe(200);
    expect(loads).toBe(1);
  });

  it('generates the holders only when first asked, once however many ask at once', async () => {
    let built = 0;
    const book = new AccountHolderBook(() => {
      built += 1;
      return holders;
    });
    expect(built).toBe(0);
    const [a, b] = await Promise.all([book.get(), book.get()]);
    expect([built, a === b, a.size]).toEqual([1, true, holders.size]);
  });
});

interface Payment {
  to: Person | { account: string };
  /** Cdtr/Id/PrvtId/Othr/Id under NIDN; absent = no creditor identity (as Amparo sends today). */
  nationalId?: string;
  agent?: string;
}

/** A pain.001 paying each item 10.00 BRL, with Cdtr/Id where the item names its creditor. */
function payments(debtorAccount: string, items: Payment[]) {
  const messageId = uid('msg');
  const txs = items.map((p, i) => ({
    endToEndId: uid('e2e'),
    amount: '10.00',
    currency: 'BRL',
    creditorAgent: p.agent ?? HOLDER_BANK_CODE,
    creditorName: `CREDITOR ${i}`,
    creditorAccount: 'account' in p.to ? p.to.account : accountOf(p.to),
  }));
  const sum = new Decimal(10).times(items.length).toFixed(2);
  let xml = buildPain001({
    messageId,
    createdAt: new Date().toISOString(),
    numberOfTransactions: items.length,
    controlSum: sum,
    initiatingParty: 'AMPARO TEST',
    paymentInformation: {
      paymentInformationId: `${messageId}-1`.slice(0, 35),
      paymentMethod: 'TRF',
      numberOfTransactions: items.length,
      controlSum: sum,
      requestedExecutionDate: new Date().toISOString().slice(0, 10),
      debtorName: 'AMPARO TEST',
      debtorAccount,
      debtorAgent: 'SIMBANK',
      transactions: txs,
    },
  });
  items.forEach((p, i) => {
    if (p.nationalId === undefined) return;
    const id = `<Id><PrvtId><Othr><Id>${p.nationalId}</Id><SchmeNm><Cd>NIDN</Cd></SchmeNm></Othr></PrvtId></Id>`;
    xml = xml.replace(`<Nm>CREDITOR ${i}</Nm>`, `<Nm>CREDITOR ${i}</Nm>${id}`);
  });
  return { messageId, xml, endToEndIds: txs.map((t) => t.endToEndId) };
}

const submitXml = (xml: string) =>
  bank.app.inject({ method: 'POST', url: '/v1/pain001', headers: { 'content-type': 'application/xml' }, payload: xml });

describe('pain.001 with the creditor identified (Cdtr/Id)', () => {
  it('pays the holder, rejects every other creditor with its reason and credits nothing to them', async () => {
    const debtor = uid('debtor');
    const msg = payments(debtor, [
      { to: clean, nationalId: clean.nationalId },
      { to: unknown, nationalId: unknown.nationalId },
      { to: closed, nationalId: closed.nationalId },
      { to: dormant, nationalId: dormant.nationalId },
      { to: mismatched, nationalId: mismatched.nationalId },
      { to: clean, nationalId: another.nationalId },
      { to: another, nationalId: `${another.nationalId.slice(0, 3)}.${another.nationalId.slice(3)}` }, // written with a dot: same ID
      // Without Cdtr/Id: exactly as before, whoever holds the account (a dormant one included).
      { to: dormant },
      { to: { account: uid('acct') }, agent: 'SIMBANK' },
      // At another bank: not this bank's holder to judge.
      { to: { account: uid('acct') }, agent: 'SIMBANK', nationalId: clean.nationalId },
    ]);
    const ack = await submitXml(msg.xml);
    expect(ack.statusCode).toBe(202);
    // Rejected at acceptance: the acknowledgement already says so (ACSP for the rest).
    expect(parsePain002(ack.body).transactions.map((t) => [t.status, t.reason?.code])).toEqual([
      ['ACSP', undefined],
      ['RJCT', 'AC01'],
      ['RJCT', 'AC04'],
      ['RJCT', 'AC06'],
      ['RJCT', 'BE01'],
      ['RJCT', 'BE01'],
      ['ACSP', undefined],
      ['ACSP', undefined],
      ['ACSP', undefined],
      ['ACSP', undefined],
    ]);
    expect(ack.body).not.toContain(realHolder.nationalId);

    const done = await settledReport(bank, msg.messageId);
    expect(done.groupStatus).toBe('PART');
    const e = msg.endToEndIds;
    expect(itemStatuses(done)).toEqual([
      [e[0], 'ACSC', undefined],
      [e[1], 'RJCT', 'AC01'],
      [e[2], 'RJCT', 'AC04'],
      [e[3], 'RJCT', 'AC06'],
      [e[4], 'RJCT', 'BE01'],
      [e[5], 'RJCT', 'BE01'],
      [e[6], 'ACSC', undefined],
      [e[7], 'ACSC', undefined],
      [e[8], 'ACSC', undefined],
      [e[9], 'ACSC', undefined],
    ]);
    const paid = await entryCounts(bank.pool, debtor);
    expect(Object.fromEntries(paid)).toEqual(Object.fromEntries([e[0], e[6], e[7], e[8], e[9]].map((id) => [id, 1])));
  });

  it('treats the creditor identity as part of the message: the same MsgId with another identity is DU01', async () => {
    const msg = payments(uid('debtor'), [{ to: clean, nationalId: clean.nationalId }]);
    expect((await submitXml(msg.xml)).statusCode).toBe(202);
    expect((await submitXml(msg.xml)).statusCode).toBe(200);
    const changed = await submitXml(msg.xml.replace(`<Id>${clean.nationalId}</Id>`, `<Id>${another.nationalId}</Id>`));
    expect(changed.statusCode).toBe(409);
    expect(parsePain002(changed.body).groupReason?.code).toBe('DU01');
  });

  it('refuses a malformed creditor identity whole (FF01, naming the element), writing nothing', async () => {
    const debtor = uid('debtor');
    const msg = payments(debtor, [{ to: clean }, { to: clean, nationalId: clean.nationalId }]);
    const res = await submitXml(msg.xml.replace('<Cd>NIDN</Cd>', ''));
    expect(res.statusCode).toBe(422);
    const report = parsePain002(res.body);
    expect(report.groupReason?.code).toBe('FF01');
    expect(report.groupReason?.additionalInfo).toContain('CdtTrfTxInf[2]/Cdtr/Id/PrvtId/Othr/SchmeNm/Cd');
    expect((await bank.pool.query('SELECT 1 FROM bank_message WHERE debtor_account = $1', [debtor])).rowCount).toBe(0);
  });
});

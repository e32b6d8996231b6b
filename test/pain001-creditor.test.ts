// A pain.001 carries what a real bank needs to credit the right person: the creditor's name (Cdtr/Nm) and
// national ID under its scheme (Cdtr/Id/PrvtId/Othr). The bank simulator checks them against the
// account's holder and refuses a mismatch with the ISO reason: here through the bank client and the
// simulator over HTTP, with items built in the test and with a batch's items read from the database.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../lib/config';
import { createDb } from '../lib/db';
import { parsePain001 } from '../lib/iso20022/pain001';
import { createBankClient, toPain001 } from '../rails/bank/client';
import type { RailBatch, RailOutgoingItem } from '../rails/rail';
import { AccountHolderBook } from '../simulators/bank/holders';
import { generatePopulation, type Person } from '../simulators/registry/population';
import { accountDirt, accountHolders, bankAccountNumberOf, HOLDER_BANK_CODE, type AccountDirt } from '../simulators/shared/account-holders';
import { entryCounts, startBank, type TestBank } from './support/bank';
import { approvedCycle, createProgram } from './support/fixtures';
import { outgoingItemsOf } from './support/outgoing-items';
import { enrolPopulationHouseholds } from './support/population-households';
import { startRails, type RailsHarness } from './support/rails-harness';
import { uid, waitFor } from './support/util';

const population = generatePopulation({ seed: 42, size: 200, country: 'BR' });
const personWith = (dirt: AccountDirt, nth = 0): Person => {
  const found = population.persons.filter((p) => accountDirt(p.nationalId, 'bank') === dirt)[nth];
  if (!found) throw new Error(`no person with a ${dirt} bank account in the test population`);
  return found;
};
const clean = personWith('none');
const another = personWith('none', 1);

/** A payment of 10.00 BRL to `to`'s account, naming `as` (default: `to`) as the beneficiary. */
const item = (to: Person, as: Person = to): RailOutgoingItem => ({
  key: uid('e2e').slice(0, 35),
  amount: '10.00',
  currency: 'BRL',
  account: { rail: 'BANK', bankCode: HOLDER_BANK_CODE, accountNumber: bankAccountNumberOf(to.nationalId) },
  holder: { nationalId: as.nationalId, name: as.fullName },
});

const railBatch = (items: RailOutgoingItem[]): RailBatch => ({
  ref: uid('msg').slice(0, 35),
  debtorAccount: uid('fund'),
  callbackUrl: 'http://127.0.0.1:9/callbacks/bank',
  count: items.length,
  controlSum: (items.length * 10).toFixed(2),
  currency: 'BRL',
  executionDate: new Date().toISOString().slice(0, 10),
  items,
});

describe('the pain.001 the bank client builds', () => {
  it("names each creditor by the beneficiary's name and national ID under the NIDN scheme", () => {
    const items = [item(clean), item(another)];
    const xml = toPain001(railBatch(items), 'SIMBANK');
    const parsed = parsePain001(xml).paymentInformation.transactions;
    expect(parsed.map((t) => [t.endToEndId, t.creditorName, t.creditorId])).toEqual([
      [items[0]!.key, clean.fullName, { id: clean.nationalId, scheme: 'NIDN' }],
      [items[1]!.key, another.fullName, { id: another.nationalId, scheme: 'NIDN' }],
    ]);
    // Nm before Id, as PartyIdentification135 orders them.
    expect(xml).toMatch(/<Cdtr>\s*<Nm>[^<]+<\/Nm>\s*<Id>\s*<PrvtId>\s*<Othr>\s*<Id>\d{11}<\/Id>\s*<SchmeNm>\s*<Cd>NIDN<\/Cd>/);
    expect(xml).not.toContain('BENEFICIARY');
  });

  it('cuts a name longer than Max140Text, never the national ID', () => {
    const long = { ...item(clean), holder: { nationalId: clean.nationalId, name: `${'Maria '.repeat(33)}Souza` } };
    const [tx] = parsePain001(toPain001(railBatch([long]), 'SIMBANK')).paymentInformation.transactions;
    expect(tx!.creditorName).toHaveLength(140);
    expect(tx!.creditorId).toEqual({ id: clean.nationalId, scheme: 'NIDN' });
  });
});

describe('the bank simulator, paid through the bank client over HTTP', () => {
  let bank: TestBank;
  let url = '';
  beforeAll(async () => {
    bank = await startBank(uid('bank-cdtr'), {
      holders: AccountHolderBook.of(accountHolders(population, 'bank')),
      faults: { settleDelayMs: 0 },
    });
    url = await bank.app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => bank?.close());

  it("pays the holder and refuses, with the ISO reason, a national ID other than the holder's, a closed, a dormant and an unknown account", async () => {
    const client = createBankClient(url, { debtorAgent: 'SIMBANK' });
    const items = [
      item(clean),
      item(clean, another), // another person's ID on this account: not the holder
      item(personWith('holder_mismatch')), // the account is held by someone else
      item(personWith('closed')),
      item(personWith('dormant')),
      item(personWith('unknown')),
    ];
    const batch = railBatch(items);
    await client.submitBatch(batch);
    const report = await waitFor(async () => {
      const r = await client.findBatch(batch.ref);
      return r && r.items.length === items.length && r.items.every((i) => i.status !== 'PENDING') ? r : null;
    }, 15_000);
    const byKey = new Map(report.items.map((i) => [i.key, [i.status, i.reasonCode]]));
    expect(items.map((i) => byKey.get(i.key))).toEqual([
      ['PAID', undefined],
      ['FAILED', 'BE01'],
      ['FAILED', 'BE01'],
      ['FAILED', 'AC04'],
      ['FAILED', 'AC06'],
      ['FAILED', 'AC01'],
    ]);
    expect([...(await entryCounts(bank.pool, batch.debtorAccount)).keys()]).toEqual([items[0]!.key]);
  });
});

describe('a batch read from the database, sent through the bank client', () => {
  const db = createDb(loadConfig().DATABASE_URL, 3);
  let rails: RailsHarness;
  beforeAll(async () => void (rails = await startRails(db)), 60_000);
  afterAll(async () => {
    await rails?.close();
    await db.$disconnect();
  });

  it("names each beneficiary as enrolled; the bank pays the account's holder, BE01 for one who does not hold it, AC04 for a closed account", async () => {
    const program = await createProgram(db, { batchSize: 10, baseAmount: '100.00' });
    // Registry persons; the bank's holder of household 1's account is someone else, household 2's is closed.
    const dirt: AccountDirt[] = ['none', 'holder_mismatch', 'closed', 'none'];
    const { beneficiaryIds, persons } = await enrolPopulationHouseholds(db, program.id, dirt.length, { dirt: (i) => dirt[i]! });
    const cycle = await approvedCycle(db, program.id);
    const [batch] = await outgoingItemsOf(db, rails.activities, cycle.id);
    const instructions = await db.paymentInstruction.findMany({ where: { cycleId: cycle.id } });
    const beneficiaryOf = new Map(instructions.map((i) => [i.paymentKey, i.beneficiaryId]));
    const personBy = new Map<string, Person>(beneficiaryIds.map((id, i) => [id, persons[i]!]));
    const personOf = (key: string) => personBy.get(beneficiaryOf.get(key)!)!;
    expect(batch!.items.map((i) => i.holder)).toEqual(
      batch!.items.map((i) => ({ nationalId: personOf(i.key).nationalId, name: personOf(i.key).fullName })),
    );

    const address = rails.bank.app.server.address();
    if (!address || typeof address === 'string') throw new Error('the bank is not listening on a port');
    const client = createBankClient(`http://127.0.0.1:${address.port}`);
    await client.submitBatch({
      ...railBatch(batch!.items),
      ref: batch!.messageId,
      debtorAccount: program.fundingAccount,
      controlSum: (batch!.items.length * 100).toFixed(2),
    });
    const report = await waitFor(async () => {
      const r = await client.findBatch(batch!.messageId);
      return r && r.items.length === dirt.length && r.items.every((i) => i.status !== 'PENDING') ? r : null;
    }, 15_000);
    const outcome = new Map(report.items.map((i) => [beneficiaryOf.get(i.key), [i.status, i.reasonCode]]));
    expect(beneficiaryIds.map((id) => outcome.get(id))).toEqual([
      ['PAID', undefined],
      ['FAILED', 'BE01'],
      ['FAILED', 'AC04'],
      ['PAID', undefined],
    ]);
    expect((await entryCounts(rails.bank.pool, program.fundingAccount)).size).toBe(2);
  });
});

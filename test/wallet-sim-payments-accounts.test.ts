// Wallet payments follow the provider's own account look-ups: a disbursement that names its recipient
// (GSMA recipientKyc: subjectName and an idDocument) to a wallet that is closed, dormant, not there, or
// held by someone else is rejected with the provider's reason, as the status look-up would have said.
// Through the wallet client and the simulator over HTTP, with items built in the test and with a batch's
// items read from the database.
import pg from 'pg';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../lib/config';
import { createDb } from '../lib/db';
import { createLogger } from '../lib/logger';
import type { RailBatch, RailOutgoingItem } from '../rails/rail';
import { createWalletClient } from '../rails/wallet/client';
import { generatePopulation, type Person } from '../simulators/registry/population';
import { accountDirt, accountHolders, walletMsisdnOf, type AccountDirt } from '../simulators/shared/account-holders';
import { FaultState } from '../simulators/wallet/faults';
import type { GsmaError, Rejection } from '../simulators/wallet/messages';
import { WalletProcessor } from '../simulators/wallet/processor';
import { buildWalletServer } from '../simulators/wallet/server';
import { WalletStore } from '../simulators/wallet/store';
import { WalletAccounts } from '../simulators/wallet/wallet-accounts';
import { approvedCycle, createProgram } from './support/fixtures';
import { outgoingItemsOf } from './support/outgoing-items';
import { enrolPopulationHouseholds } from './support/population-households';
import { startRails, type RailsHarness } from './support/rails-harness';
import { uid, waitFor } from './support/util';
import { creditCounts, msisdn, txn } from './support/wallet';

const population = generatePopulation({ seed: 42, size: 200, country: 'BR' });
const personWith = (dirt: AccountDirt, nth = 0): Person => {
  const found = population.persons.filter((p) => accountDirt(p.nationalId, 'wallet') === dirt)[nth];
  if (!found) throw new Error(`no person with a ${dirt} wallet in the test population`);
  return found;
};
const clean = personWith('none');
const another = personWith('none', 1);
const msisdnOf = (p: Person) => walletMsisdnOf(p.nationalId, 'BR');

/** 10.00 BRL to `to`'s wallet, naming `as` (default: `to`) as the recipient. */
const item = (to: Person | { msisdn: string }, as: Person = 'msisdn' in to ? clean : to): RailOutgoingItem => ({
  key: uid('pay'),
  amount: '10.00',
  currency: 'BRL',
  account: { rail: 'WALLET', msisdn: 'msisdn' in to ? to.msisdn : msisdnOf(to) },
  holder: { nationalId: as.nationalId, name: as.fullName },
});

const railBatch = (items: RailOutgoingItem[]): RailBatch => ({
  ref: uid('corr'),
  debtorAccount: uid('fund'),
  callbackUrl: 'http://127.0.0.1:9/callbacks/wallet',
  count: items.length,
  controlSum: (items.length * 10).toFixed(2),
  currency: 'BRL',
  executionDate: new Date().toISOString().slice(0, 10),
  items,
});

describe('the wallet simulator, paid through the wallet client over HTTP', () => {
  let pool: pg.Pool;
  let store: WalletStore;
  let processor: WalletProcessor;
  let app: FastifyInstance;
  let url = '';
  beforeAll(async () => {
    pool = new pg.Pool({ connectionString: loadConfig().WALLET_SIM_DATABASE_URL, max: 3 });
    store = new WalletStore(pool, { instanceId: uid('wallet-kyc') });
    await store.migrate();
    const faults = new FaultState({ settleDelayMs: 0 });
    const logger = createLogger('wallet-sim-test', 'error');
    processor = new WalletProcessor(store, { faults, pollIntervalMs: 20, logger, callbackSecret: loadConfig().WALLET_CALLBACK_SECRET });
    const accounts = new WalletAccounts(accountHolders(population, 'wallet'));
    app = buildWalletServer({ store, faults, accounts, onReceived: () => processor.kick(), logger });
    url = await app.listen({ host: '127.0.0.1', port: 0 });
    processor.start();
  });
  afterAll(async () => {
    await processor?.stop();
    await app?.close();
    await pool?.end();
  });

  const post = (headers: Record<string, string>, body: object) =>
    app.inject({ method: 'POST', url: '/v1/batchtransactions', headers: { 'X-CorrelationID': uid('corr'), ...headers }, payload: body });
  const kyc = (p: Person, idType = 'nationalregistration') => ({
    subjectName: { fullName: p.fullName },
    idDocument: [{ idType, idNumber: p.nationalId }],
  });

  it('credits the holder and rejects an unavailable, unknown or someone else’s wallet with the provider’s reason', async () => {
    const client = createWalletClient(url);
    const items = [
      item(clean),
      item(personWith('closed')),
      item(personWith('dormant')),
      item(personWith('unknown')),
      item({ msisdn: msisdn() }), // a number the provider never issued
      item(personWith('holder_mismatch')), // the wallet is registered to someone else
      item(clean, another), // another person's ID for this wallet
    ];
    const batch = railBatch(items);
    await client.submitBatch(batch);
    const report = await waitFor(async () => {
      const r = await client.findBatch(batch.ref);
      return r && r.batchStatus === 'completed' ? r : null;
    }, 15_000);
    const byKey = new Map(report.items.map((i) => [i.key, [i.status, i.reasonCode]]));
    expect(items.map((i) => byKey.get(i.key))).toEqual([
      ['PAID', undefined],
      ['FAILED', 'accountClosed'],
      ['FAILED', 'accountDormant'],
      ['FAILED', 'unknownWallet'],
      ['FAILED', 'unknownWallet'],
      ['FAILED', 'recipientIdMismatch'],
      ['FAILED', 'recipientIdMismatch'],
    ]);
    expect([...(await creditCounts(pool, batch.debtorAccount)).keys()]).toEqual([items[0]!.key]);
  });

  it('judges the ID, written with separators or not, and not the name', async () => {
    const account = uid('acct');
    const cpf = clean.nationalId.replace(/^(\d{3})(\d{3})(\d{3})(\d{2})$/, '$1.$2.$3-$4');
    const transactions = [
      { ...txn(account, { msisdn: msisdnOf(clean) }), recipientKyc: { idDocument: [{ idType: 'nationalregistration', idNumber: cpf }] } },
      { ...txn(account, { msisdn: msisdnOf(clean) }), recipientKyc: { ...kyc(clean), subjectName: { fullName: 'Wholly Different' } } },
      { ...txn(account, { msisdn: msisdnOf(clean) }), recipientKyc: kyc(clean, 'passport') }, // not an ID this provider holds
    ];
    const res = await post({}, { batchTitle: 'KYC', transactions });
    expect(res.statusCode).toBe(202);
    const batchId = res.json<{ objectReference: string }>().objectReference;
    await waitFor(
      async () =>
        (await app.inject({ url: `/v1/batchtransactions/${batchId}` })).json<{ batchStatus: string }>().batchStatus === 'completed',
    );
    const rejected = (await app.inject({ url: `/v1/batchtransactions/${batchId}/rejections` })).json<Rejection[]>();
    expect(rejected.map((r) => [r.requestingOrganisationTransactionReference, r.rejectionReason])).toEqual([
      [transactions[2]!.requestingOrganisationTransactionReference, 'recipientIdMismatch'],
    ]);
  });

  it('processes a transaction that does not name its recipient as before, whatever the wallet', async () => {
    const account = uid('acct');
    const res = await post({}, { batchTitle: 'no KYC', transactions: [txn(account, { msisdn: msisdnOf(personWith('closed')) })] });
    expect(res.statusCode).toBe(202);
    const batchId = res.json<{ objectReference: string }>().objectReference;
    await waitFor(
      async () => (await app.inject({ url: `/v1/batchtransactions/${batchId}` })).json<{ completedCount: number }>().completedCount === 1,
    );
  });

  it('refuses a malformed recipientKyc naming the field, and an identity changed under the same X-CorrelationID', async () => {
    const account = uid('acct');
    const bad = await post(
      {},
      { batchTitle: 'bad', transactions: [{ ...txn(account), recipientKyc: { idDocument: [{ idNumber: '1' }] } }] },
    );
    expect(bad.statusCode).toBe(400);
    expect(bad.json<GsmaError>().errorParameters?.map((p) => p.key)).toEqual(['transactions.0.recipientKyc.idDocument.0.idType']);

    const correlationId = uid('corr');
    const payment = txn(account, { msisdn: msisdnOf(clean) });
    const first = await post(
      { 'X-CorrelationID': correlationId },
      { batchTitle: 'id', transactions: [{ ...payment, recipientKyc: kyc(clean) }] },
    );
    expect(first.statusCode).toBe(202);
    const again = await post(
      { 'X-CorrelationID': correlationId },
      { batchTitle: 'id', transactions: [{ ...payment, recipientKyc: kyc(clean) }] },
    );
    expect(again.statusCode).toBe(200);
    const changed = await post(
      { 'X-CorrelationID': correlationId },
      { batchTitle: 'id', transactions: [{ ...payment, recipientKyc: kyc(another) }] },
    );
    expect(changed.statusCode).toBe(409);
  });
});

describe('a batch read from the database, sent through the wallet client', () => {
  const db = createDb(loadConfig().DATABASE_URL, 3);
  let rails: RailsHarness;
  beforeAll(async () => void (rails = await startRails(db)), 60_000);
  afterAll(async () => {
    await rails?.close();
    await db.$disconnect();
  });

  it('names each beneficiary as enrolled; the provider credits the open wallets and rejects a closed and an unknown one', async () => {
    const program = await createProgram(db, { batchSize: 10, baseAmount: '100.00' });
    const dirt: AccountDirt[] = ['none', 'closed', 'unknown', 'none'];
    const { beneficiaryIds, persons } = await enrolPopulationHouseholds(db, program.id, dirt.length, {
      wallet: () => true,
      dirt: (i) => dirt[i]!,
    });
    const cycle = await approvedCycle(db, program.id);
    const [batch] = await outgoingItemsOf(db, rails.activities, cycle.id);
    const instructions = await db.paymentInstruction.findMany({ where: { cycleId: cycle.id } });
    const beneficiaryOf = new Map(instructions.map((i) => [i.paymentKey, i.beneficiaryId]));
    const personBy = new Map<string, Person>(beneficiaryIds.map((id, i) => [id, persons[i]!]));
    const personOf = (key: string) => personBy.get(beneficiaryOf.get(key)!)!;
    expect(batch!.items.map((i) => i.holder)).toEqual(
      batch!.items.map((i) => ({ nationalId: personOf(i.key).nationalId, name: personOf(i.key).fullName })),
    );

    const client = createWalletClient(rails.wallet.url);
    await client.submitBatch({
      ...railBatch(batch!.items),
      ref: batch!.messageId,
      debtorAccount: program.fundingAccount,
      controlSum: (batch!.items.length * 100).toFixed(2),
    });
    const report = await waitFor(async () => {
      const r = await client.findBatch(batch!.messageId);
      return r && r.batchStatus === 'completed' ? r : null;
    }, 15_000);
    const outcome = new Map(report.items.map((i) => [beneficiaryOf.get(i.key), [i.status, i.reasonCode]]));
    expect(beneficiaryIds.map((id) => outcome.get(id))).toEqual([
      ['PAID', undefined],
      ['FAILED', 'accountClosed'],
      ['FAILED', 'unknownWallet'],
      ['PAID', undefined],
    ]);
    expect((await creditCounts(rails.wallet.pool, program.fundingAccount)).size).toBe(2);
  });
});

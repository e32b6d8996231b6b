// The wallet provider's GSMA account look-ups over HTTP (account name and account status by MSISDN),
// for every kind of account the registry population holds: clean, closed, dormant, held by someone else
// and unknown; a malformed MSISDN; the fault lists and the 503 fault.
import pg from 'pg';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../lib/config';
import { createLogger } from '../lib/logger';
import { DEFAULT_DIRTY_SHARE, generatePopulation, type Person } from '../simulators/registry/population';
import { accountDirt, accountHolders, walletMsisdnOf, type AccountDirt } from '../simulators/shared/account-holders';
import { accountName, type AccountNameResponse, type AccountStatusResponse } from '../simulators/wallet/account-lookup';
import { FaultState } from '../simulators/wallet/faults';
import type { GsmaError } from '../simulators/wallet/messages';
import { populationOptionsFromEnv } from '../simulators/shared/population-env';
import { buildWalletServer } from '../simulators/wallet/server';
import { WalletStore } from '../simulators/wallet/store';
import { WalletAccounts } from '../simulators/wallet/wallet-accounts';
import { uid } from './support/util';

// Seed 42 gives 200 persons with every kind of dirt at the wallet (checked below).
const population = generatePopulation({ seed: 42, size: 200, country: 'BR' });
const msisdnOf = (p: Person) => walletMsisdnOf(p.nationalId, 'BR');
const personWith = (dirt: AccountDirt): Person => {
  const found = population.persons.find((p) => accountDirt(p.nationalId, 'wallet') === dirt);
  if (!found) throw new Error(`no person with a ${dirt} wallet in the test population`);
  return found;
};
const clean = personWith('none');
const closed = personWith('closed');
const dormant = personWith('dormant');
const mismatch = personWith('holder_mismatch');
const unknown = personWith('unknown');

let pool: pg.Pool;
let app: FastifyInstance;
let faults: FaultState;

beforeAll(async () => {
  pool = new pg.Pool({ connectionString: loadConfig().WALLET_SIM_DATABASE_URL, max: 2 });
  const store = new WalletStore(pool, { instanceId: uid('wallet-accounts') });
  await store.migrate();
  faults = new FaultState();
  const accounts = new WalletAccounts(accountHolders(population, 'wallet'));
  app = buildWalletServer({ store, faults, accounts, logger: createLogger('wallet-sim-test', 'error') });
  await app.ready();
});
afterAll(async () => {
  await app?.close();
  await pool?.end();
});

/** The MSISDN URL-encoded, as a client builds the path ('+' as %2B). */
async function get<T>(msisdn: string, what: 'accountname' | 'status', type = 'msisdn') {
  const res = await app.inject({ method: 'GET', url: `/accounts/${type}/${encodeURIComponent(msisdn)}/${what}` });
  return { status: res.statusCode, headers: res.headers, body: res.json<T>() };
}
const nameOf = (msisdn: string) => get<AccountNameResponse>(msisdn, 'accountname');
const statusOf = (msisdn: string) => get<AccountStatusResponse>(msisdn, 'status');

describe('wallet simulator account look-ups', () => {
  it('answers a clean wallet with its holder’s name and an available account', async () => {
    const name = await nameOf(msisdnOf(clean));
    expect(name.status).toBe(200);
    expect(name.body).toEqual({ name: accountName(clean.fullName) });
    expect(name.body.name.fullName).toBe(clean.fullName.trim().replace(/\s+/g, ' '));
    expect(await statusOf(msisdnOf(clean))).toMatchObject({ status: 200, body: { accountStatus: 'available', subStatus: 'active' } });
  });

  it('takes the MSISDN URL-encoded or as it is, and answers in JSON', async () => {
    const msisdn = msisdnOf(clean);
    const raw = await app.inject({ method: 'GET', url: `/accounts/msisdn/${msisdn}/accountname` });
    const lower = await app.inject({ method: 'GET', url: `/accounts/msisdn/%2b${msisdn.slice(1)}/accountname` });
    expect([raw.statusCode, lower.statusCode]).toEqual([200, 200]);
    expect(raw.headers['content-type']).toMatch(/^application\/json/);
    expect(raw.json()).toEqual(lower.json());
  });

  it('tells closed and dormant wallets apart from open ones, and still names their holders', async () => {
    expect((await statusOf(msisdnOf(closed))).body).toEqual({ accountStatus: 'unavailable', subStatus: 'closed' });
    expect((await statusOf(msisdnOf(dormant))).body).toEqual({ accountStatus: 'unavailable', subStatus: 'dormant' });
    expect((await nameOf(msisdnOf(closed))).body.name.fullName).toBe(accountName(closed.fullName).fullName);
    expect((await nameOf(msisdnOf(dormant))).body.name.fullName).toBe(accountName(dormant.fullName).fullName);
  });

  it('answers a wallet held by someone else with that person’s name (the mismatch the client detects)', async () => {
    const i = population.persons.indexOf(mismatch);
    const holder = population.persons[(i + 1) % population.persons.length]!;
    const name = await nameOf(msisdnOf(mismatch));
    expect(name.status).toBe(200);
    expect(name.body.name.fullName).toBe(accountName(holder.fullName).fullName);
    expect(name.body.name.fullName).not.toBe(accountName(mismatch.fullName).fullName);
    expect((await statusOf(msisdnOf(mismatch))).body).toEqual({ accountStatus: 'available', subStatus: 'active' });
  });

  it('answers an unknown wallet 404 with a GSMA identification error that holds no MSISDN', async () => {
    const expected: GsmaError = {
      errorCategory: 'identification',
      errorCode: 'identifierError',
      errorDescription: 'no account with this identifier',
    };
    for (const res of [await nameOf(msisdnOf(unknown)), await statusOf(msisdnOf(unknown)), await nameOf('+5511900000000')]) {
      expect(res.status).toBe(404);
      expect(res.body).toEqual(expected);
    }
  });

  it('answers a malformed MSISDN or another identifier type 400, naming the path parameter', async () => {
    for (const bad of ['5511912345678', '+0511912345678', '+55 11 91234', '+551191234567890123', 'abc', '%2B%2B55']) {
      const res = await app.inject({ method: 'GET', url: `/accounts/msisdn/${encodeURIComponent(bad)}/status` });
      expect(res.statusCode, bad).toBe(400);
      const body = res.json<GsmaError>();
      expect(body).toMatchObject({ errorCategory: 'validation', errorCode: 'formatError' });
      // The rule, never the value sent.
      expect(body.errorParameters).toEqual([{ key: 'identifier', value: 'must be an E.164 phone number such as +5511912345678' }]);
    }
    const walletId = await get<GsmaError>(msisdnOf(clean), 'accountname', 'walletid');
    expect(walletId.status).toBe(400);
    expect(walletId.body.errorParameters?.map((p) => p.key)).toEqual(['identifierType']);
  });

  it('follows the drill’s unknown and closed wallet lists', async () => {
    try {
      faults.set({ unknownWallets: [msisdnOf(clean)], closedWallets: [msisdnOf(dormant)] });
      expect((await nameOf(msisdnOf(clean))).status).toBe(404);
      expect((await statusOf(msisdnOf(clean))).status).toBe(404);
      expect((await statusOf(msisdnOf(dormant))).body).toEqual({ accountStatus: 'unavailable', subStatus: 'closed' });
    } finally {
      faults.set({});
    }
    expect((await statusOf(msisdnOf(clean))).body).toEqual({ accountStatus: 'available', subStatus: 'active' });
  });

  it('answers 503 before looking anything up under errorRate.accounts, as the other endpoints do, and delays under latencyMs.accounts', async () => {
    try {
      faults.set({ errorRate: { accounts: 1 } });
      for (const res of [await nameOf(msisdnOf(clean)), await statusOf(msisdnOf(clean)), await statusOf('malformed')]) {
        expect(res.status).toBe(503);
        expect(res.headers['retry-after']).toBe('1');
        expect(res.body).toEqual({ errorCategory: 'serviceUnavailable', errorCode: 'serviceUnavailable' });
      }
      // Other kinds of request keep their own rates.
      const other = await app.inject({ method: 'GET', url: `/v1/requeststates?correlationId=${uid('corr')}` });
      expect(other.statusCode).toBe(404);

      faults.set({ errorRate: { status: 1 }, latencyMs: { accounts: { min: 120, max: 120 } } });
      const started = performance.now();
      expect((await statusOf(msisdnOf(clean))).status).toBe(200);
      expect(performance.now() - started).toBeGreaterThanOrEqual(100);
    } finally {
      faults.set({});
    }
  });
});

describe('wallet account holders', () => {
  it('are built on the first look-up only, then kept', () => {
    let builds = 0;
    const accounts = new WalletAccounts(() => {
      builds++;
      return accountHolders(population, 'wallet');
    });
    expect(builds).toBe(0);
    expect(accounts.holder(msisdnOf(clean))?.nationalId).toBe(clean.nationalId);
    expect(accounts.holder(msisdnOf(unknown))).toBeUndefined();
    expect(builds).toBe(1);
  });

  it('come from the population the registry simulator generates with the same settings and defaults', () => {
    expect(populationOptionsFromEnv({})).toEqual({ size: 1000, seed: 42, country: 'BR', dirtyShare: DEFAULT_DIRTY_SHARE });
    // REGISTRY_POPULATION=200 with the other defaults is this file's population: the same wallets, person by person.
    const accounts = WalletAccounts.fromPopulation(populationOptionsFromEnv({ REGISTRY_POPULATION: '200' }));
    const expected = accountHolders(population, 'wallet');
    for (const person of population.persons) expect(accounts.holder(msisdnOf(person))).toEqual(expected.get(msisdnOf(person)));
  });

  it('split a name into given and family names where they can be told', () => {
    expect(accountName('  João  Araújo da Silva ')).toEqual({
      fullName: 'João Araújo da Silva',
      firstName: 'João',
      lastName: 'Araújo da Silva',
    });
    expect(accountName('Araújo da Silva, João')).toEqual({
      fullName: 'Araújo da Silva, João',
      firstName: 'João',
      lastName: 'Araújo da Silva',
    });
    expect(accountName('Madonna')).toEqual({ fullName: 'Madonna' });
  });
});

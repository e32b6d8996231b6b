// Amparo's side of checking accounts with their rails (activities/clients/*-verification.ts), against the
// bank and wallet simulators listening on real ports: every kind of account the registry population holds
// is read as what it is, many in one call, and no MSISDN gets into an error.
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBankClient } from '../rails/bank/client';
import type { AccountCheck } from '../rails/rail';
import { createWalletClient } from '../rails/wallet/client';
import { loadConfig } from '../lib/config';
import { createLogger } from '../lib/logger';
import { AccountHolderBook } from '../simulators/bank/holders';
import { buildBankServer } from '../simulators/bank/server';
import { BankStore } from '../simulators/bank/store';
import { generatePopulation, type Person } from '../simulators/registry/population';
import {
  accountDirt,
  accountHolders,
  bankAccountNumberOf,
  HOLDER_BANK_CODE,
  walletMsisdnOf,
  type AccountDirt,
} from '../simulators/shared/account-holders';
import { FaultState } from '../simulators/wallet/faults';
import { buildWalletServer } from '../simulators/wallet/server';
import { WalletStore } from '../simulators/wallet/store';
import { WalletAccounts } from '../simulators/wallet/wallet-accounts';
import { uid } from './support/util';

const population = generatePopulation({ seed: 42, size: 200, country: 'BR' });
const config = loadConfig();
const quiet = createLogger('account-verification-test', 'error');
const pools: pg.Pool[] = [];
const apps: FastifyInstance[] = [];
let bankUrl: string;
let walletUrl: string;
let walletFaults: FaultState;

async function listen(app: FastifyInstance): Promise<string> {
  apps.push(app);
  await app.listen({ host: '127.0.0.1', port: 0 });
  return `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  const bankPool = new pg.Pool({ connectionString: config.BANK_SIM_DATABASE_URL, max: 2 });
  const walletPool = new pg.Pool({ connectionString: config.WALLET_SIM_DATABASE_URL, max: 2 });
  pools.push(bankPool, walletPool);
  const bankStore = new BankStore(bankPool, { instanceId: uid('bank-verify') });
  const walletStore = new WalletStore(walletPool, { instanceId: uid('wallet-verify') });
  await Promise.all([bankStore.migrate(), walletStore.migrate()]);
  bankUrl = await listen(
    buildBankServer({ store: bankStore, holders: AccountHolderBook.of(accountHolders(population, 'bank')), logger: quiet }),
  );
  walletFaults = new FaultState();
  walletUrl = await listen(
    buildWalletServer({
      store: walletStore,
      faults: walletFaults,
      accounts: new WalletAccounts(accountHolders(population, 'wallet')),
      logger: quiet,
    }),
  );
});
afterAll(async () => {
  for (const app of apps) await app.close();
  for (const pool of pools) await pool.end();
});

const DIRT: AccountDirt[] = ['none', 'closed', 'dormant', 'holder_mismatch', 'unknown'];
const personWith = (rail: 'bank' | 'wallet', dirt: AccountDirt): Person =>
  population.persons.find((p) => accountDirt(p.nationalId, rail) === dirt)!;

const bankCheck = (p: Person, over: Partial<AccountCheck['holder']> = {}): AccountCheck => ({
  ref: uid('app'),
  account: { rail: 'BANK', bankCode: HOLDER_BANK_CODE, accountNumber: bankAccountNumberOf(p.nationalId) },
  holder: { nationalId: p.nationalId, name: p.fullName, ...over },
});
const walletCheck = (p: Person, name = p.fullName): AccountCheck => ({
  ref: uid('app'),
  account: { rail: 'WALLET', msisdn: walletMsisdnOf(p.nationalId, 'BR') },
  holder: { nationalId: p.nationalId, name },
});

describe('checking accounts with their rails', () => {
  it('reads every kind of bank account from one acmt.023, and a right ID under another name as a second signal', async () => {
    const bank = createBankClient(bankUrl, { debtorAgent: HOLDER_BANK_CODE });
    const clean = personWith('bank', 'none');
    const checks = [
      ...DIRT.map((d) => bankCheck(personWith('bank', d))),
      bankCheck(clean, { name: 'Wholly Different Person' }),
      bankCheck(clean, { nationalId: personWith('bank', 'closed').nationalId }),
    ];
    const results = await bank.verifyAccounts(checks);
    expect(results.map((r) => r.ref)).toEqual(checks.map((c) => c.ref));
    expect(results.map((r) => [r.outcome, r.railReason])).toEqual([
      ['VERIFIED', undefined],
      ['NOT_OPEN', 'AG01'],
      ['NOT_OPEN', 'AG01'],
      ['HOLDER_MISMATCH', 'PI01'],
      ['UNKNOWN_ACCOUNT', 'AC01'],
      ['NAME_DIFFERS', 'PN01'],
      ['HOLDER_MISMATCH', 'PI01'],
    ]);
  });

  it('reads every kind of wallet from the GSMA look-ups, with the name compared as the registry check does', async () => {
    const wallet = createWalletClient(walletUrl);
    const clean = personWith('wallet', 'none');
    const [first, ...rest] = clean.fullName.split(' ');
    const checks = [
      ...DIRT.map((d) => walletCheck(personWith('wallet', d))),
      walletCheck(clean, [...rest, first].join(' ')), // surnames first: still theirs
      walletCheck(clean, 'Wholly Different Person'),
    ];
    const results = await wallet.verifyAccounts(checks);
    expect(results.map((r) => r.ref)).toEqual(checks.map((c) => c.ref));
    expect(results.map((r) => [r.outcome, r.railReason])).toEqual([
      ['VERIFIED', undefined],
      ['NOT_OPEN', 'closed'],
      ['NOT_OPEN', 'dormant'],
      ['HOLDER_MISMATCH', undefined],
      ['UNKNOWN_ACCOUNT', undefined],
      ['VERIFIED', undefined],
      ['HOLDER_MISMATCH', undefined],
    ]);
  });

  it('names no MSISDN when the wallet provider is down', async () => {
    const wallet = createWalletClient(walletUrl);
    const check = walletCheck(personWith('wallet', 'none'));
    walletFaults.set({ errorRate: { accounts: 1 } });
    try {
      const err = await wallet.verifyAccounts([check]).catch((e: Error) => e);
      expect(err).toBeInstanceOf(Error);
      expect((err as Error).message).toContain('wallet account status');
      expect((err as Error).message).not.toContain((check.account as { msisdn: string }).msisdn.slice(1));
    } finally {
      walletFaults.set({ errorRate: { accounts: 0 } });
    }
  });
});

// The bank as a rail: ISO 20022 (pain.001 out; pain.002, camt.053 and acmt.024 back), its callbacks at
// /callbacks/bank. Everything bank-specific is in this folder.
import type { RailPlugin } from '../rail';
import { camt053File } from './statement';
import { BANK_PROVIDER, createBankClient, type BankClient } from './client';

export const bankRail: RailPlugin<BankClient> = {
  rail: 'BANK',
  provider: BANK_PROVIDER,
  callbackPath: 'bank',
  readStatementFile: (body) => camt053File(BANK_PROVIDER, body),
  client: (config) => createBankClient(config.BANK_SIM_URL, { timeoutMs: config.RAIL_TIMEOUT_MS }),
};

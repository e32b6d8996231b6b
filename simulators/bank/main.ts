// Entry point of the bank simulator: its own HTTP server and its own ledger database.
//   BANK_SIM_PORT, BANK_SIM_DATABASE_URL   (lib/config.ts)
//   BANK_SIM_FAULTS                        JSON fault configuration (simulators/bank/faults.ts); none by default
//   BANK_SIM_SETTLE_DELAY_MS               shorthand for faults.settleDelayMs (default 200)
//   BANK_SIM_CLOSED_ACCOUNTS               shorthand for faults.closedAccounts, comma-separated (AC04)
//   REGISTRY_POPULATION, REGISTRY_SEED,    the population whose accounts the bank holds (shared/population-env.ts),
//   REGISTRY_COUNTRY, REGISTRY_DIRTY_SHARE the registry simulator's; generated at the first question about a holder
import { loadConfig } from '../../lib/config';
import { createLogger } from '../../lib/logger';
import { runSimulator } from '../shared/run-simulator';
import { faultConfigFromEnv, FaultInjector, loggableFaults } from './faults';
import { AccountHolderBook } from './holders';
import { BankProcessor } from './processor';
import { buildBankServer } from './server';
import { BankStore } from './store';

const log = createLogger('bank-sim');
const config = loadConfig();
// A wrong fault setting stops the start: a drill that silently runs without its faults proves nothing.
const faults = new FaultInjector(faultConfigFromEnv(process.env));
const holders = AccountHolderBook.fromEnv(process.env, log);

const sim = { name: 'bank', log, databaseUrl: config.BANK_SIM_DATABASE_URL, port: config.BANK_SIM_PORT };
await runSimulator(
  sim,
  (pool) => new BankStore(pool),
  (store) => {
    const processor = new BankProcessor(store, { faults, logger: log, callbackSecret: config.BANK_CALLBACK_SECRET });
    const app = buildBankServer({ store, faults, holders, onReceived: () => processor.kick(), logger: log });
    return { app, processor, listening: { faults: loggableFaults(faults.config) } };
  },
);

// Entry point of the mobile-wallet provider simulator: its own HTTP server and its own ledger database.
//   WALLET_SIM_PORT, WALLET_SIM_DATABASE_URL   (lib/config.ts)
//   WALLET_SIM_FAULTS                          JSON fault configuration (simulators/wallet/faults.ts),
//                                              changeable at run time with PUT /v1/admin/faults
//   REGISTRY_POPULATION, REGISTRY_SEED,        the registry's population (simulators/shared/population-env.ts),
//   REGISTRY_COUNTRY, REGISTRY_DIRTY_SHARE      whose wallets the account look-ups answer for; generated on the
//                                              first look-up
import { loadConfig } from '../../lib/config';
import { createLogger } from '../../lib/logger';
import { runSimulator } from '../shared/run-simulator';
import { faultsFromEnv } from './faults';
import { populationOptionsFromEnv } from '../shared/population-env';
import { WalletProcessor } from './processor';
import { buildWalletServer } from './server';
import { WalletStore } from './store';
import { WalletAccounts } from './wallet-accounts';

const log = createLogger('wallet-sim');
const config = loadConfig();
const faults = faultsFromEnv(process.env.WALLET_SIM_FAULTS);
// Read now so a bad value stops the start; the population itself waits for the first look-up.
const population = populationOptionsFromEnv(process.env);

const sim = { name: 'wallet', log, databaseUrl: config.WALLET_SIM_DATABASE_URL, port: config.WALLET_SIM_PORT };
await runSimulator(
  sim,
  (pool) => new WalletStore(pool),
  (store) => {
    const processor = new WalletProcessor(store, { faults, logger: log, callbackSecret: config.WALLET_CALLBACK_SECRET });
    const accounts = WalletAccounts.fromPopulation(population, log);
    const app = buildWalletServer({ store, faults, onReceived: () => processor.kick(), accounts, logger: log });
    // Counts only: the fault lists hold phone numbers, which never go to logs.
    const f = faults.current;
    const listening = {
      settleDelayMs: f.settleDelayMs,
      unknownWallets: f.unknownWallets.length,
      closedWallets: f.closedWallets.length,
      kycLimit: f.kycLimit.default,
      partialAcceptanceRate: f.partialAcceptanceRate,
      accountHolders: { persons: population.size, seed: population.seed, country: population.country },
    };
    return { app, processor, listening };
  },
);

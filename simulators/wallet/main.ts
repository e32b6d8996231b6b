// Entry point of the mobile-wallet provider simulator: its own HTTP server and its own ledger database.
//   WALLET_SIM_PORT, WALLET_SIM_DATABASE_URL   (lib/config.ts)
//   WALLET_SIM_FAULTS                          JSON fault configuration (simulators/wallet/faults.ts),
//                                              changeable at run time with PUT /v1/admin/faults
import pg from 'pg';
import { loadConfig } from '../../lib/config';
import { createLogger } from '../../lib/logger';
import { faultsFromEnv } from './faults';
import { WalletProcessor } from './processor';
import { buildWalletServer } from './server';
import { WalletStore } from './store';

const log = createLogger('wallet-sim');
const config = loadConfig();
const faults = faultsFromEnv(process.env.WALLET_SIM_FAULTS);

const pool = new pg.Pool({ connectionString: config.WALLET_SIM_DATABASE_URL });
pool.on('error', (err) => log.error('idle database connection failed', { error: err.message }));
const store = new WalletStore(pool);
await store.migrate();

const processor = new WalletProcessor(store, { faults, logger: log });
const app = buildWalletServer({ store, faults, onReceived: () => processor.kick(), logger: log });
processor.start();
await app.listen({ host: '127.0.0.1', port: config.WALLET_SIM_PORT });
// Counts only: the fault lists hold phone numbers, which never go to logs.
const f = faults.current;
log.info('wallet simulator listening', {
  port: config.WALLET_SIM_PORT,
  settleDelayMs: f.settleDelayMs,
  unknownWallets: f.unknownWallets.length,
  closedWallets: f.closedWallets.length,
  kycLimit: f.kycLimit.default,
  partialAcceptanceRate: f.partialAcceptanceRate,
});

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  log.info('wallet simulator stopping', { signal });
  try {
    await app.close(); // stop taking batches first; what was received is processed after a restart
    await processor.stop();
    await pool.end();
    process.exit(0);
  } catch (err) {
    log.error('unclean shutdown', { error: err instanceof Error ? err.message : String(err) });
    process.exit(1);
  }
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));

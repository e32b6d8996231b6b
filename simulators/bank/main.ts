// Entry point of the bank simulator: its own HTTP server and its own ledger database.
//   BANK_SIM_PORT, BANK_SIM_DATABASE_URL   (lib/config.ts)
//   BANK_SIM_FAULTS                        JSON fault configuration (simulators/bank/faults.ts); none by default
//   BANK_SIM_SETTLE_DELAY_MS               shorthand for faults.settleDelayMs (default 200)
//   BANK_SIM_CLOSED_ACCOUNTS               shorthand for faults.closedAccounts, comma-separated (AC04)
import pg from 'pg';
import { loadConfig } from '../../lib/config';
import { createLogger } from '../../lib/logger';
import { faultConfigFromEnv, FaultInjector } from './faults';
import { BankProcessor } from './processor';
import { buildBankServer } from './server';
import { BankStore } from './store';

const log = createLogger('bank-sim');
const config = loadConfig();
// A wrong fault setting stops the start: a drill that silently runs without its faults proves nothing.
const faults = new FaultInjector(faultConfigFromEnv(process.env));

const pool = new pg.Pool({ connectionString: config.BANK_SIM_DATABASE_URL });
pool.on('error', (err) => log.error('idle database connection failed', { error: err.message }));
const store = new BankStore(pool);
await store.migrate();

const processor = new BankProcessor(store, { faults, logger: log });
const app = buildBankServer({ store, faults, onReceived: () => processor.kick(), logger: log });
processor.start();
await app.listen({ host: '127.0.0.1', port: config.BANK_SIM_PORT });
log.info('bank simulator listening', { port: config.BANK_SIM_PORT, faults: faults.config });

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  log.info('bank simulator stopping', { signal });
  try {
    await app.close(); // stop taking messages first; what was received is settled after a restart
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

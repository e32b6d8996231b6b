// Entry point of the SMS gateway simulator: its own HTTP server and its own message log.
//   SMS_SIM_PORT, SMS_SIM_DATABASE_URL   (lib/config.ts)
//   SMS_SIM_FAILURE_RATE                 share of POSTs (0..1) answered 503, a flaky gateway (default 0)
import pg from 'pg';
import { z } from 'zod';
import { loadConfig } from '../../lib/config';
import { createLogger } from '../../lib/logger';
import { buildSmsServer } from './server';
import { SmsStore } from './store';

const log = createLogger('sms-sim');
const config = loadConfig();
const failureRate = z.coerce.number().min(0).max(1).default(0).parse(process.env.SMS_SIM_FAILURE_RATE || undefined);

const pool = new pg.Pool({ connectionString: config.SMS_SIM_DATABASE_URL });
pool.on('error', (err) => log.error('idle database connection failed', { error: err.message }));
const store = new SmsStore(pool);
await store.migrate();

const app = buildSmsServer({ store, faults: { failureRate }, logger: log });
await app.listen({ host: '127.0.0.1', port: config.SMS_SIM_PORT });
log.info('sms simulator listening', { port: config.SMS_SIM_PORT, failureRate });

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  log.info('sms simulator stopping', { signal });
  try {
    await app.close();
    await pool.end();
    process.exit(0);
  } catch (err) {
    log.error('unclean shutdown', { error: err instanceof Error ? err.message : String(err) });
    process.exit(1);
  }
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));

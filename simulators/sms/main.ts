// Entry point of the SMS gateway simulator: its own HTTP server and its own message log.
//   SMS_SIM_PORT, SMS_SIM_DATABASE_URL   (lib/config.ts)
//   SMS_SIM_FAILURE_RATE                 share of POSTs (0..1) answered 503, a flaky gateway (default 0)
import { z } from 'zod';
import { loadConfig } from '../../lib/config';
import { createLogger } from '../../lib/logger';
import { runSimulator } from '../shared/run-simulator';
import { buildSmsServer } from './server';
import { SmsStore } from './store';

const log = createLogger('sms-sim');
const config = loadConfig();
const failureRate = z.coerce
  .number()
  .min(0)
  .max(1)
  .default(0)
  .parse(process.env.SMS_SIM_FAILURE_RATE || undefined);

const sim = { name: 'sms', log, databaseUrl: config.SMS_SIM_DATABASE_URL, port: config.SMS_SIM_PORT };
await runSimulator(
  sim,
  (pool) => new SmsStore(pool),
  (store) => ({
    app: buildSmsServer({ store, faults: { failureRate }, logger: log }),
    listening: { failureRate },
  }),
);

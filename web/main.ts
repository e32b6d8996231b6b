// Process: the web server.
import { DEV_BANK_CALLBACK_SECRET, DEV_PII_HASH_KEY, DEV_WALLET_CALLBACK_SECRET, loadConfig } from '../lib/config';
import { createDb } from '../lib/db';
import { createLogger } from '../lib/logger';
import { createRedis } from '../lib/redis';
import { createTemporalClient } from '../lib/temporal';
import { createQueues } from '../lib/queues';
import { createRateLimits } from './http/rate-limits';
import { createSeenSignatures } from './http/seen-signatures';
import { buildServer } from './http/server';

const config = loadConfig();
const log = createLogger('web');
if (config.PII_HASH_KEY === DEV_PII_HASH_KEY) log.warn('PII_HASH_KEY is the development default: set a secret key outside development');
// With a published key anyone can sign a callback: it still marks nothing paid, but it gets past the door.
for (const [name, value, dev] of [
  ['BANK_CALLBACK_SECRET', config.BANK_CALLBACK_SECRET, DEV_BANK_CALLBACK_SECRET],
  ['WALLET_CALLBACK_SECRET', config.WALLET_CALLBACK_SECRET, DEV_WALLET_CALLBACK_SECRET],
] as const) {
  if (value === dev) log.warn(`${name} is the development default: set the rail's secret key outside development`);
}
const db = createDb(config.DATABASE_URL, 20);
const redis = createRedis(config.REDIS_URL);
const queues = createQueues(redis, config.QUEUE_PREFIX);
const temporal = await createTemporalClient(config);
const limits = createRateLimits(redis, { prefix: config.QUEUE_PREFIX, hashKey: config.PII_HASH_KEY, overrides: config.RATE_LIMITS });
const seenSignatures = createSeenSignatures(redis, { prefix: config.QUEUE_PREFIX });
const app = buildServer({ db, queues, temporal, config, log, limits, seenSignatures });

await app.listen({ host: '127.0.0.1', port: config.WEB_PORT });
log.info('ready', { port: config.WEB_PORT });

const shutdown = async () => {
  await app.close();
  await Promise.all([queues.bankCallbacks.close(), queues.notifications.close()]);
  await redis.quit();
  await temporal.connection.close();
  await db.$disconnect();
  process.exit(0);
};
process.on('SIGTERM', () => void shutdown());
process.on('SIGINT', () => void shutdown());

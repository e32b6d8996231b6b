// Process: the web server.
import { loadConfig } from '../lib/config';
import { checkStartup } from '../lib/startup-checks';
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
checkStartup(config, log);
const db = createDb(config.DATABASE_URL, 20);
const redis = createRedis(config.REDIS_URL);
const queues = createQueues(redis, config.QUEUE_PREFIX);
const temporal = await createTemporalClient(config);
// Counters live minutes to a day: the current hash key alone (a rotation starts them afresh).
const limits = createRateLimits(redis, {
  prefix: config.QUEUE_PREFIX,
  hashKey: config.PII_HASH_KEYS[0]!.key,
  overrides: config.RATE_LIMITS,
});
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

// Process: dispatches accepted applications to decision batches, and consumes the BullMQ queues
// (bank callbacks → signals, notifications → SMS gateway).
import { Worker } from 'bullmq';
import { loadConfig } from '../lib/config';
import { checkStartup } from '../lib/startup-checks';
import { createDb } from '../lib/db';
import { createLogger } from '../lib/logger';
import { createRedis } from '../lib/redis';
import { createTemporalClient } from '../lib/temporal';
import { createBankCallbackProcessor } from './callback-processor';
import { startDecisionDispatcher } from './decision-dispatcher';
import { createNotificationProcessor } from './notification-processor';
import { BANK_CALLBACK_QUEUE, createQueues, NOTIFICATION_QUEUE } from '../lib/queues';

const config = loadConfig();
const log = createLogger('queue-worker');
checkStartup(config, log);
const db = createDb(config.DATABASE_URL, 5);
const temporal = await createTemporalClient(config);
const connection = createRedis(config.REDIS_URL);
const prefix = config.QUEUE_PREFIX;

const workers = [
  new Worker(BANK_CALLBACK_QUEUE, createBankCallbackProcessor({ temporal, db }), { connection, prefix, concurrency: 10 }),
  new Worker(NOTIFICATION_QUEUE, createNotificationProcessor({ db, config, smsUrl: config.SMS_SIM_URL, logger: log }), {
    connection,
    prefix,
    // A decision batch's job sends its messages (up to SMS_PER_JOB) at once: 5 jobs are up to 250 in flight.
    concurrency: 5,
  }),
];
for (const w of workers) {
  w.on('failed', (job, err) => log.warn('job failed', { queue: w.name, jobId: job?.id, attempts: job?.attemptsMade, error: err.message }));
  w.on('error', (err) => log.error('worker error', { queue: w.name, error: err.message }));
}
await Promise.all(workers.map((w) => w.waitUntilReady()));
log.info('ready', { queues: workers.map((w) => w.name), prefix });

const queues = createQueues(connection, prefix);
const dispatcher = startDecisionDispatcher({
  db,
  temporal,
  taskQueue: config.TEMPORAL_TASK_QUEUE,
  log,
  ...(config.DECISION_BATCH_SIZE ? { batchSize: config.DECISION_BATCH_SIZE } : {}),
});

const shutdown = async () => {
  await dispatcher.stop();
  await Promise.all(workers.map((w) => w.close()));
  await Promise.all([queues.bankCallbacks.close(), queues.notifications.close()]);
  await connection.quit();
  await temporal.connection.close();
  await db.$disconnect();
  process.exit(0);
};
process.on('SIGTERM', () => void shutdown());
process.on('SIGINT', () => void shutdown());

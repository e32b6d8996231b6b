// Process: consumes the BullMQ queues (intake → workflow start, bank callbacks → signals).
import { Worker } from 'bullmq';
import { loadConfig } from '../lib/config';
import { createDb } from '../lib/db';
import { createLogger } from '../lib/logger';
import { createRedis } from '../lib/redis';
import { createTemporalClient } from '../lib/temporal';
import { createBankCallbackProcessor } from './callback-processor';
import { createIntakeProcessor } from './intake-processor';
import { sweepStalledApplications } from './intake-sweeper';
import { createNotificationProcessor } from './notification-processor';
import { BANK_CALLBACK_QUEUE, createQueues, INTAKE_QUEUE, NOTIFICATION_QUEUE } from '../lib/queues';

const config = loadConfig();
const log = createLogger('queue-worker');
const db = createDb(config.DATABASE_URL, 5);
const temporal = await createTemporalClient(config);
const connection = createRedis(config.REDIS_URL);
const prefix = config.QUEUE_PREFIX;

const workers = [
  new Worker(INTAKE_QUEUE, createIntakeProcessor({ temporal, taskQueue: config.TEMPORAL_TASK_QUEUE }), {
    connection,
    prefix,
    concurrency: 20,
    // The rate at which workflows are started: the queue absorbs surges above it.
    limiter: { max: config.INTAKE_START_RATE, duration: 1000 },
  }),
  new Worker(BANK_CALLBACK_QUEUE, createBankCallbackProcessor({ temporal, db }), { connection, prefix, concurrency: 10 }),
  new Worker(NOTIFICATION_QUEUE, createNotificationProcessor({ db, smsUrl: config.SMS_SIM_URL, logger: log }), {
    connection,
    prefix,
    concurrency: 20,
  }),
];
for (const w of workers) {
  w.on('failed', (job, err) => log.warn('job failed', { queue: w.name, jobId: job?.id, attempts: job?.attemptsMade, error: err.message }));
  w.on('error', (err) => log.error('worker error', { queue: w.name, error: err.message }));
}
await Promise.all(workers.map((w) => w.waitUntilReady()));
log.info('ready', { queues: workers.map((w) => w.name), prefix });

const queues = createQueues(connection, prefix);
const sweep = () =>
  sweepStalledApplications(db, queues.intake)
    .then((n) => n > 0 && log.warn('re-enqueued stalled applications', { count: n }))
    .catch((err: Error) => log.error('intake sweep failed', { error: err.message }));
const sweeper = setInterval(() => void sweep(), 60_000);

const shutdown = async () => {
  clearInterval(sweeper);
  await Promise.all(workers.map((w) => w.close()));
  await Promise.all([queues.intake.close(), queues.bankCallbacks.close(), queues.notifications.close()]);
  await connection.quit();
  await temporal.connection.close();
  await db.$disconnect();
  process.exit(0);
};
process.on('SIGTERM', () => void shutdown());
process.on('SIGINT', () => void shutdown());

// Process: the Temporal worker that runs Amparo's workflows and activities on one task queue.
import { fileURLToPath } from 'node:url';
import { NativeConnection, Worker } from '@temporalio/worker';
import { createActivities } from '../activities';
import { loadConfig } from '../lib/config';
import { checkStartup } from '../lib/startup-checks';
import { createTemporalClient, temporalTls } from '../lib/temporal';
import { createDb } from '../lib/db';
import { createLogger } from '../lib/logger';
import { createRedis } from '../lib/redis';
import { createQueues } from '../lib/queues';
import { temporalDataConverter } from '../lib/payload-codec';
import { ensureRetentionSchedule } from './retention-schedule';

const config = loadConfig();
const log = createLogger('temporal-worker');
checkStartup(config, log);
const db = createDb(config.DATABASE_URL, 20);
const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS, tls: temporalTls(config) });
const redis = createRedis(config.REDIS_URL);
const queues = createQueues(redis, config.QUEUE_PREFIX);

const worker = await Worker.create({
  connection,
  namespace: config.TEMPORAL_NAMESPACE,
  taskQueue: config.TEMPORAL_TASK_QUEUE,
  workflowsPath: fileURLToPath(new URL('../workflows/index.ts', import.meta.url)),
  // Encrypts payloads and failures (lib/payload-codec.ts); its failure converter is bundled with the workflows.
  dataConverter: temporalDataConverter(config),
  activities: createActivities({ db, config, notifications: queues.notifications }),
  maxConcurrentActivityTaskExecutions: 50,
  // Most application workflows sleep for weeks on an appeal timer: keep a bounded number in memory;
  // an evicted one is rebuilt from its (short) history when its timer fires.
  maxCachedWorkflows: 2000,
});
// The daily retention run (workflows/retention.ts). A failure here must not keep payments from running: it is
// logged, and the next start tries again.
async function scheduleRetention(): Promise<void> {
  const client = await createTemporalClient(config);
  try {
    log.info('retention schedule', { outcome: await ensureRetentionSchedule(client, { taskQueue: config.TEMPORAL_TASK_QUEUE }) });
  } finally {
    await client.connection.close();
  }
}
await scheduleRetention().catch((err: unknown) =>
  log.error('retention schedule not ensured', { error: err instanceof Error ? err.name : typeof err }),
);
log.info('ready', { taskQueue: config.TEMPORAL_TASK_QUEUE, namespace: config.TEMPORAL_NAMESPACE });

const shutdown = () => worker.shutdown();
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
await worker.run();
await Promise.all([queues.bankCallbacks.close(), queues.notifications.close()]);
await redis.quit();
await db.$disconnect();
await connection.close();
log.info('stopped');

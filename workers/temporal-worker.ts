// Process: the Temporal worker that runs Amparo's workflows and activities on one task queue.
import { fileURLToPath } from 'node:url';
import { NativeConnection, Worker } from '@temporalio/worker';
import { createActivities } from '../activities';
import { loadConfig } from '../lib/config';
import { createDb } from '../lib/db';
import { createLogger } from '../lib/logger';

const config = loadConfig();
const log = createLogger('temporal-worker');
const db = createDb(config.DATABASE_URL, 20);
const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });

const worker = await Worker.create({
  connection,
  namespace: config.TEMPORAL_NAMESPACE,
  taskQueue: config.TEMPORAL_TASK_QUEUE,
  workflowsPath: fileURLToPath(new URL('../workflows/index.ts', import.meta.url)),
  activities: createActivities({ db, config }),
  maxConcurrentActivityTaskExecutions: 50,
});
log.info('ready', { taskQueue: config.TEMPORAL_TASK_QUEUE, namespace: config.TEMPORAL_NAMESPACE });

const shutdown = () => worker.shutdown();
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
await worker.run();
await db.$disconnect();
await connection.close();
log.info('stopped');

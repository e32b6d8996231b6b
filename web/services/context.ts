// What the services need, passed in so tests can build them (and the server) against their own services.
import type { Client } from '@temporalio/client';
import type { Config } from '../../lib/config';
import type { Db } from '../../lib/db';
import type { Logger } from '../../lib/logger';
import type { Queues } from '../../lib/queues';

export interface ServiceContext {
  db: Db;
  queues: Queues;
  temporal: Client;
  config: Pick<Config, 'PII_HASH_KEYS' | 'PII_MASTER_KEYS' | 'TEMPORAL_TASK_QUEUE'>;
  log: Logger;
}

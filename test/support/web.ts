// The web server built in-process (app.inject) on the real database, Redis and Temporal,
// with a queue prefix of its own so tests see only their own jobs.
import { Client, Connection } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { loadConfig } from '../../lib/config';
import { createDb, type Db } from '../../lib/db';
import { createLogger } from '../../lib/logger';
import { temporalDataConverter } from '../../lib/payload-codec';
import { createRedis } from '../../lib/redis';
import { createUser } from '../../lib/users';
import { createRateLimits } from '../../web/http/rate-limits';
import { createSeenSignatures } from '../../web/http/seen-signatures';
import { buildServer } from '../../web/http/server';
import type { Redis } from 'ioredis';
import { createQueues, type Queues } from '../../lib/queues';
import { uid } from './util';

export interface TestWeb {
  app: FastifyInstance;
  db: Db;
  queues: Queues;
  temporal: Client;
  taskQueue: string;
  close(): Promise<void>;
}

/**
 * Rate limits of a test server: a prefix of its own (tests never share counts) unless a test shares one on
 * purpose, and the production limits except per phone, since tests reuse one phone number for convenience
 * (test/rate-limits.test.ts holds every limit to its value).
 */
export const testLimits = (redis: Redis, opts: { prefix?: string; overrides?: string } = {}) =>
  createRateLimits(redis, {
    prefix: opts.prefix ?? uid('amparo-test-rl'),
    hashKey: loadConfig().PII_HASH_KEYS[0]!.key,
    overrides: opts.overrides ?? 'intakePerPhone=1000/86400',
  });

/** Signatures of rail callbacks taken by a test server: its own prefix, so tests never see each other's. */
export const testSeenSignatures = (redis: Redis) => createSeenSignatures(redis, { prefix: uid('amparo-test-sig') });

/** `env`: settings of this server only, read as web/main.ts reads the environment (e.g. TRUST_PROXY, AMPARO_ENV). */
export async function startTestWeb(
  opts: { limitsPrefix?: string; rateLimits?: string; env?: Record<string, string> } = {},
): Promise<TestWeb> {
  const config = { ...loadConfig({ ...process.env, ...opts.env }), TEMPORAL_TASK_QUEUE: uid('web-tq') };
  const db = createDb(config.DATABASE_URL, 5);
  const redis = createRedis(config.REDIS_URL);
  const queues = createQueues(redis, uid('amparo-test'));
  const connection = await Connection.connect({ address: config.TEMPORAL_ADDRESS });
  // Encrypted as web/main.ts's client (lib/temporal.ts), with this server's keys.
  const temporal = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE, dataConverter: temporalDataConverter(config) });
  const limits = testLimits(redis, { prefix: opts.limitsPrefix, overrides: opts.rateLimits });
  const seenSignatures = testSeenSignatures(redis);
  const app = buildServer({ db, queues, temporal, config, log: createLogger('web-test', 'error'), limits, seenSignatures });
  await app.ready();
  return {
    app,
    db,
    queues,
    temporal,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    async close() {
      await app.close();
      await Promise.all([queues.bankCallbacks.obliterate({ force: true }), queues.notifications.obliterate({ force: true })]);
      await Promise.all([queues.bankCallbacks.close(), queues.notifications.close()]);
      await redis.quit();
      await connection.close();
      await db.$disconnect();
    },
  };
}

/** Users of each role, with their bearer headers; two of finance, since money decisions take two people. */
export async function signInUsers(db: Db) {
  const make = async (role: 'ADMIN' | 'APPROVER' | 'REVIEWER' | 'FINANCE') => {
    const user = await createUser(db, uid(role.toLowerCase()), role);
    return { id: user.id, headers: { authorization: `Bearer ${user.token}` } };
  };
  return {
    admin: await make('ADMIN'),
    admin2: await make('ADMIN'),
    approver: await make('APPROVER'),
    finance: await make('FINANCE'),
    finance2: await make('FINANCE'),
  };
}

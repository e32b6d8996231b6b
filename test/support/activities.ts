// Activities for workflow tests, with the real database and a notification queue of the file's own.
import { createActivities, type ActivityDeps } from '../../activities';
import { loadConfig } from '../../lib/config';
import { createRedis } from '../../lib/redis';
import type { Redis } from 'ioredis';
import { createQueues, type Queues } from '../../lib/queues';
import { uid } from './util';

export function testQueues(): { queues: Queues; redis: Redis; close(): Promise<void> } {
  const redis = createRedis(loadConfig().REDIS_URL);
  const queues = createQueues(redis, uid('amparo-test-wf'));
  return {
    queues,
    redis,
    async close() {
      for (const q of [queues.bankCallbacks, queues.notifications]) {
        await q.obliterate({ force: true });
        await q.close();
      }
      await redis.quit();
    },
  };
}

export function testActivities(queues: Queues, deps: Omit<ActivityDeps, 'notifications'>) {
  return createActivities({ ...deps, notifications: queues.notifications });
}

// Removes every key of a run's own queues (a demo's or an end-to-end test's prefix) from Redis.
import { createRedis } from '../lib/redis';
import { createQueues } from '../lib/queues';

export async function removeQueues(redisUrl: string, prefix: string): Promise<void> {
  const redis = createRedis(redisUrl);
  const queues = createQueues(redis, prefix);
  for (const queue of [queues.bankCallbacks, queues.notifications]) {
    await queue.obliterate({ force: true });
    await queue.close();
  }
  await redis.quit();
}

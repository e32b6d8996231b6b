// Redis connections for BullMQ. Workers need maxRetriesPerRequest: null (BullMQ blocks on Redis).
import { Redis } from 'ioredis';

export function createRedis(url: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: null, enableReadyCheck: true });
}

// Heartbeats while an activity waits on something slow (a rail), so that the server notices a crashed
// worker after the heartbeat timeout instead of the whole start-to-close timeout.
import { Context } from '@temporalio/activity';

const INTERVAL_MS = 5_000;

export async function keepAlive<T>(work: () => Promise<T>): Promise<T> {
  const context = Context.current();
  context.heartbeat();
  const timer = setInterval(() => context.heartbeat(), INTERVAL_MS);
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}

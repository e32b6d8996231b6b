// The signatures of rail callbacks already taken, remembered in Redis (so every web process shares them)
// for as long as a copy of one could still pass the clock-skew check (lib/callback-signature.ts): whoever
// captures a signed callback cannot have it taken a second time, with the same or a fresh event id.
import type { Redis } from 'ioredis';
import { CLOCK_SKEW_MS } from '../../lib/callback-signature';

export interface SeenSignatures {
  /** Remembers the signature; false when it was remembered already (a replay). */
  firstSighting(provider: string, signature: string): Promise<boolean>;
}

export function createSeenSignatures(redis: Redis, opts: { prefix: string }): SeenSignatures {
  return {
    async firstSighting(provider, signature) {
      // A timestamp passes up to the skew either side of our clock, so after twice the skew no copy can pass.
      const answer = await redis.set(`${opts.prefix}:callback-signature:${provider}:${signature}`, '1', 'PX', 2 * CLOCK_SKEW_MS, 'NX');
      return answer === 'OK';
    },
  };
}

// Rate limits, as data, counted in Redis so that every web process shares them (rate-limiter-flexible:
// one atomic script per attempt, the key's expiry is its window). An attempt over a limit is refused with
// a Refusal 'rate_limited' carrying when to try again (429 and Retry-After in the API, a sentence on the
// pages). Keys are what an attacker would spread attempts over: an IP address, an application number, a
// phone, a username, a rail. Keys are stored as keyed hashes (no personal data in Redis).
import { createHmac } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { HashKey } from '../../lib/pii';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { CODE_TTL_MS, MAX_WRONG_TRIES } from '../services/one-time-codes';
import { Refusal } from '../services/refusal';

interface Limit {
  /** Attempts allowed per window. */
  points: number;
  /** The window, in seconds. */
  seconds: number;
  /** Once over, the key stays refused this long (a lockout), instead of until the window ends. */
  blockSeconds?: number;
  /** The field or header named in the refusal. */
  field: string;
}

/**
 * Every limit. Intake and look-ups are per IP address and per thing looked up, because a carrier's NAT puts
 * thousands of phones behind one address (so per-IP limits are generous) while a single application
 * number or phone is one person's. Guesses of a secret (a birth date, a password) are counted apart, with
 * a lock-out: each guess is counted before it is checked (one atomic step, so a burst of concurrent guesses
 * cannot all pass a check made before any was counted) and the count is forgotten when a guess is right.
 * Guessing a birth date takes about 36,500 tries; five an hour makes that decades.
 */
export const LIMITS = {
  statusLookupPerIp: { points: 60, seconds: 60, field: 'number' },
  statusLookupPerNumber: { points: 30, seconds: 3600, field: 'number' },
  wrongBirthDatePerNumber: { points: 5, seconds: 3600, blockSeconds: 3600, field: 'dateOfBirth' },
  appealPerIp: { points: 20, seconds: 3600, field: 'number' },
  appealPerNumber: { points: 10, seconds: 86_400, field: 'number' },
  /** Codes sent by SMS for an appeal: each costs an SMS and a new chance, so a few an hour. */
  appealCodePerNumber: { points: 3, seconds: 3600, field: 'code' },
  /** Another account for one its rail did not confirm: as an appeal, proven by birth date and a code. */
  accountPerIp: { points: 20, seconds: 3600, field: 'number' },
  accountPerNumber: { points: 10, seconds: 86_400, field: 'number' },
  accountCodePerNumber: { points: 3, seconds: 3600, field: 'code' },
  /** New codes asked for to confirm an application's phone (the first comes with the application). */
  phoneCodePerNumber: { points: 3, seconds: 3600, field: 'applicationNumber' },
  /**
   * Codes typed to confirm a phone, right or wrong, per number: a live code takes MAX_WRONG_TRIES wrong ones,
   * but a number without one (verified, decided, unknown) would otherwise take guesses without end.
   */
  phoneVerifyPerNumber: { points: 30, seconds: 3600, field: 'code' },
  /**
   * Not limits but the state of decoy codes (web/http/decoy-codes.ts), as one-time codes keep theirs: a code
   * "sent" to a number no application waits on lives CODE_TTL_MS and takes MAX_WRONG_TRIES wrong tries.
   */
  decoyCodeLive: { points: 1, seconds: CODE_TTL_MS / 1000, field: 'code' },
  decoyCodeTries: { points: MAX_WRONG_TRIES, seconds: CODE_TTL_MS / 1000, field: 'code' },
  intakePerIp: { points: 120, seconds: 60, field: 'body' },
  intakePerPhone: { points: 10, seconds: 86_400, field: 'phone' },
  signInGlobal: { points: 600, seconds: 60, field: 'username' },
  signInPerIp: { points: 30, seconds: 900, field: 'username' },
  signInFailuresPerUsername: { points: 5, seconds: 900, blockSeconds: 900, field: 'username' },
  callbacksPerRail: { points: 200, seconds: 1, field: 'body' },
} as const satisfies Record<string, Limit>;

export type LimitName = keyof typeof LIMITS;

export interface RateLimits {
  /** Counts one attempt against the key; refuses once the key is over the limit. */
  consume(name: LimitName, key: string): Promise<void>;
  /** Forgets a key's attempts (a right answer proves who is asking). */
  reset(name: LimitName, key: string): Promise<void>;
  /** The attempts counted against the key in its current window (0 when none). */
  consumed(name: LimitName, key: string): Promise<number>;
}

/** How long to wait, in words: "45 seconds", "1 minute", "60 minutes". */
export const waitText = (seconds: number): string =>
  seconds < 120 ? `${seconds} ${seconds === 1 ? 'second' : 'seconds'}` : `${Math.ceil(seconds / 60)} minutes`;

/** "intakePerIp=5000/60,signInPerIp=100/900": limits changed by configuration (RATE_LIMITS), e.g. for a load test. */
export function parseOverrides(text: string): Partial<Record<LimitName, { points: number; seconds: number }>> {
  const out: Partial<Record<LimitName, { points: number; seconds: number }>> = {};
  for (const part of text.split(',').filter((p) => p.trim())) {
    const m = /^\s*(\w+)=(\d+)\/(\d+)\s*$/.exec(part);
    if (!m || !(m[1]! in LIMITS))
      throw new Error(`RATE_LIMITS: '${part}' is not <limit>=<points>/<seconds> with a limit of web/http/rate-limits.ts`);
    out[m[1] as LimitName] = { points: Number(m[2]), seconds: Number(m[3]) };
  }
  return out;
}

export function createRateLimits(redis: Redis, opts: { prefix: string; hashKey: HashKey; overrides?: string }): RateLimits {
  const overrides = parseOverrides(opts.overrides ?? '');
  const hashed = (key: string) => createHmac('sha256', opts.hashKey).update(key).digest('base64url').slice(0, 22);
  const limiters = Object.fromEntries(
    (Object.keys(LIMITS) as LimitName[]).map((name) => {
      const limit: Limit = { ...LIMITS[name], ...overrides[name] };
      const limiter = new RateLimiterRedis({
        storeClient: redis,
        keyPrefix: `${opts.prefix}:rl:${name}`,
        points: limit.points,
        duration: limit.seconds,
        blockDuration: limit.blockSeconds ?? 0,
      });
      return [name, { limiter, limit }];
    }),
  ) as Record<LimitName, { limiter: RateLimiterRedis; limit: Limit }>;

  const refusal = (name: LimitName, msBeforeNext: number) => {
    const seconds = Math.max(1, Math.ceil(msBeforeNext / 1000));
    return new Refusal('rate_limited', { [LIMITS[name].field]: `too many attempts: try again in ${waitText(seconds)}` }, seconds);
  };

  return {
    async consume(name, key) {
      try {
        await limiters[name].limiter.consume(hashed(key));
      } catch (err) {
        if (err instanceof RateLimiterRes) throw refusal(name, err.msBeforeNext);
        throw err;
      }
    },
    async reset(name, key) {
      await limiters[name].limiter.delete(hashed(key));
    },
    async consumed(name, key) {
      return (await limiters[name].limiter.get(hashed(key)))?.consumedPoints ?? 0;
    },
  };
}

/** An application: counted per address, then per phone (the one an SMS would go to), before anything is read. */
export async function limitIntake(limits: RateLimits, ip: string, phone: unknown): Promise<void> {
  await limits.consume('intakePerIp', ip);
  if (typeof phone === 'string' && phone) await limits.consume('intakePerPhone', phone);
}

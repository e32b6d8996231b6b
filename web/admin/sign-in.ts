// Who may sign in to the admin pages: the limits on trying (counted in Redis, so every web process
// shares them: web/http/rate-limits.ts), then the password, then the TOTP code of an enrolled user.
// Every wrong answer is the same answer: it never says whether a username exists, nor which of the
// password and the code was wrong (a right password with a wrong code would otherwise confirm the
// password to whoever is guessing).
import { randomBytes } from 'node:crypto';
import type { Config } from '../../lib/config';
import type { Db } from '../../lib/db';
import { hashPassword, verifyPassword } from '../../lib/passwords';
import { acceptTotpCode, SECOND_FACTOR_ROLES } from '../../lib/totp';
import type { SignedInUser } from '../http/auth';
import { waitText, type LimitName, type RateLimits } from '../http/rate-limits';
import { Refusal } from '../services/refusal';

export type SignInResult = { kind: 'ok'; user: SignedInUser } | { kind: 'wrong' } | { kind: 'second_factor_required'; username: string };

/**
 * Checks a username, password and (for a user enrolled in TOTP) code. Unknown users, users without a
 * password and wrong passwords cost one scrypt each (a dummy hash stands in), so neither the answer nor
 * its timing tells who exists. In production, a user of SECOND_FACTOR_ROLES who is not enrolled is
 * refused after the right password, and told how to enrol.
 */
export function staffSignIn(db: Db, config: Pick<Config, 'AMPARO_ENV'>) {
  const dummy = hashPassword(randomBytes(32).toString('base64url'));
  return async (username: string, password: string, code: string): Promise<SignInResult> => {
    const user = username
      ? await db.user.findUnique({
          where: { username },
          select: { id: true, username: true, role: true, passwordHash: true, totpSecret: true, totpLastStep: true },
        })
      : null;
    const ok = await verifyPassword(password, user?.passwordHash ?? (await dummy));
    if (!ok || !user?.passwordHash) return { kind: 'wrong' };
    if (user.totpSecret) {
      if (!(await acceptTotpCode(db, { id: user.id, totpSecret: user.totpSecret, totpLastStep: user.totpLastStep }, code)))
        return { kind: 'wrong' };
    } else if (config.AMPARO_ENV === 'production' && SECOND_FACTOR_ROLES.includes(user.role)) {
      return { kind: 'second_factor_required', username: user.username };
    }
    return { kind: 'ok', user: { id: user.id, username: user.username, role: user.role } };
  };
}

/** A username's failures are counted however it is typed: 'Maria' and 'maria' are one lock. */
const usernameKey = (username: string) => username.toLowerCase();

/** What the page says when a limit refuses, by the limit that did. */
const LIMIT_SENTENCES: Partial<Record<LimitName, string>> = {
  signInGlobal: 'Too many sign-ins right now.',
  signInPerIp: 'Too many sign-ins from your network.',
  signInFailuresPerUsername: 'Too many failed sign-ins for this username.',
};

export interface SignInLimited {
  sentence: string;
  retryAfterSeconds: number;
}

async function refusedBy(name: LimitName, attempt: () => Promise<void>): Promise<SignInLimited | null> {
  try {
    await attempt();
    return null;
  } catch (err) {
    if (!(err instanceof Refusal) || err.code !== 'rate_limited') throw err;
    const seconds = err.retryAfterSeconds ?? 60;
    return { sentence: `${LIMIT_SENTENCES[name]} Try again in ${waitText(seconds)}.`, retryAfterSeconds: seconds };
  }
}

/**
 * Counts this attempt: everyone's, this address's, and the username's (towards its lock-out, before the
 * password is checked, so concurrent guesses cannot slip through together; a right answer forgets it).
 * A refused attempt costs us no scrypt and tells nothing.
 */
export async function signInLimited(limits: RateLimits, ip: string, username: string): Promise<SignInLimited | null> {
  return (
    (await refusedBy('signInGlobal', () => limits.consume('signInGlobal', 'all'))) ??
    (await refusedBy('signInPerIp', () => limits.consume('signInPerIp', ip))) ??
    (await refusedBy('signInFailuresPerUsername', () => limits.consume('signInFailuresPerUsername', usernameKey(username))))
  );
}

/** A right password and code prove who is asking: the username's failures are forgotten. */
export const signInSucceeded = (limits: RateLimits, username: string) => limits.reset('signInFailuresPerUsername', usernameKey(username));

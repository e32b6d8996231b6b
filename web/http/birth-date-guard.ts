// A look-up or an appeal proves ownership of an application with its date of birth, so each is counted (per
// address and per number) and each guess of the date counts against the number before it is checked: after
// five wrong ones the number is locked for an hour whatever is sent, and a right date forgets them. Unknown
// numbers count the same, so the answers never tell which numbers exist. Shared by the status page and the
// JSON API, so the two count together. Limits: web/http/rate-limits.ts.
import type { RateLimits } from './rate-limits';

export async function guardedByBirthDate<T>(
  limits: RateLimits,
  ip: string,
  number: string,
  kind: 'statusLookup' | 'appeal' | 'account',
  ask: () => Promise<T | null>,
): Promise<T | null> {
  const key = number.trim().toUpperCase();
  await limits.consume(`${kind}PerIp`, ip);
  await limits.consume(`${kind}PerNumber`, key);
  await limits.consume('wrongBirthDatePerNumber', key);
  const found = await ask();
  if (found !== null) await limits.reset('wrongBirthDatePerNumber', key);
  return found;
}

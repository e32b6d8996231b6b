// One-time codes by SMS to an application's phone: whoever types the code back holds that phone. A code
// is six random digits, kept only as a keyed hash, valid for CODE_TTL_MS and for MAX_WRONG_TRIES wrong
// tries, used once; sending a new one replaces the old (only the newest counts). How often codes may be
// sent is the edge's to limit (web/http/rate-limits.ts: appealCodePerNumber, phoneCodePerNumber), like every
// other limit.
import { createHmac, randomInt, randomUUID } from 'node:crypto';
import { createNotificationActivities } from '../../activities/notification';
import { personalData } from '../../lib/personal-data';
import { hashKeys, type HashKey } from '../../lib/pii';
import type { ServiceContext } from './context';

/** What a code allows: an appeal, or confirming the phone of a new application (web/services/phone-verification.ts). */
export type CodePurpose = 'APPEAL' | 'PHONE' | 'ACCOUNT';
export const CODE_TTL_MS = 10 * 60_000;
export const MAX_WRONG_TRIES = 5;

export type CodeCheck = 'ok' | 'wrong' | 'expired' | 'too_many';

type Ctx = Pick<ServiceContext, 'db' | 'queues' | 'config'>;

/** A code's keyed hash, bound to the code's ID (stored versioned: lib/pii.ts HashKeys). */
const codeDigest = (key: HashKey, codeId: string, code: string) => createHmac('sha256', key).update(`code:${codeId}:${code}`).digest('hex');

/** Sends a new code for this purpose to the application's phone; returns the phone's last four digits. */
export async function sendCode(ctx: Ctx, applicationId: string, purpose: CodePurpose): Promise<string> {
  const { db } = ctx;
  const stored = await db.application.findUniqueOrThrow({ where: { id: applicationId }, select: { phone: true } });
  const phone = (await personalData(ctx)).openNullable('application.phone', stored.phone) ?? '';
  const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
  const codeId = randomUUID();
  await db.$transaction([
    // Only the newest code counts: older ones of the purpose are spent.
    db.oneTimeCode.updateMany({ where: { applicationId, purpose, usedAt: null }, data: { usedAt: new Date() } }),
    db.oneTimeCode.create({
      data: {
        id: codeId,
        applicationId,
        purpose,
        codeHash: hashKeys(ctx.config).current(codeDigest, codeId, code),
        expiresAt: new Date(Date.now() + CODE_TTL_MS),
      },
    }),
  ]);
  // The same path as every message to an applicant (its own event: the code's ID).
  await createNotificationActivities({ db, config: ctx.config, notifications: ctx.queues.notifications }).notifyApplicant(applicationId, {
    kind: 'CODE',
    codeId,
    code,
  });
  return phone.slice(-4);
}

/**
 * Checks a code typed back, and uses it up when right. Each try is counted before it is compared (one
 * conditional update), so concurrent guesses cannot outrun the limit.
 */
export async function checkCode(ctx: Ctx, applicationId: string, purpose: CodePurpose, typed: string): Promise<CodeCheck> {
  const { db } = ctx;
  const latest = await db.oneTimeCode.findFirst({ where: { applicationId, purpose }, orderBy: { createdAt: 'desc' } });
  if (!latest || latest.usedAt || latest.expiresAt <= new Date()) return 'expired';
  const counted = await db.oneTimeCode.updateMany({
    where: { id: latest.id, usedAt: null, attempts: { lt: MAX_WRONG_TRIES } },
    data: { attempts: { increment: 1 } },
  });
  if (counted.count === 0) return 'too_many';
  if (!hashKeys(ctx.config).matches(latest.codeHash, codeDigest, latest.id, typed.trim())) return 'wrong';
  const used = await db.oneTimeCode.updateMany({ where: { id: latest.id, usedAt: null }, data: { usedAt: new Date() } });
  return used.count === 1 ? 'ok' : 'expired';
}

/**
 * Whether a code typed is the purpose's latest, already used and still within its life: the same right code
 * sent twice (a double click, a retried request) is right both times. Compared only, nothing counted: the
 * edge counts every code typed for a number.
 */
export async function isUsedCode(ctx: Ctx, applicationId: string, purpose: CodePurpose, typed: string): Promise<boolean> {
  const latest = await ctx.db.oneTimeCode.findFirst({ where: { applicationId, purpose }, orderBy: { createdAt: 'desc' } });
  if (!latest?.usedAt || latest.expiresAt <= new Date()) return false;
  return hashKeys(ctx.config).matches(latest.codeHash, codeDigest, latest.id, typed.trim());
}

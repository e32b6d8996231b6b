// The second factor of the admin pages: TOTP (RFC 6238, what every authenticator app speaks), with
// otplib. Optional for everyone; in production (AMPARO_ENV=production) required of the roles that move
// money or decide who is paid (SECOND_FACTOR_ROLES). Enrolled by `npm run totp -- enroll <username>`
// (scripts/totp.ts), which prints the secret and its otpauth:// URI once.
// A code is accepted once: the time step of the last accepted code is stored, and a code of that step or
// an earlier one is refused, under a conditional update so that two sign-ins racing with one code cannot
// both win. The secret itself must stay readable (checking a code needs it), so it is stored as is.
import { generateSecret, generateURI, verify } from 'otplib';
import { audit } from './audit';
import type { Db } from './db';
import type { Role } from '../generated/prisma/client';
import { OPERATOR } from './api-tokens';

export const TOTP_ISSUER = 'Amparo';
export const SECOND_FACTOR_ROLES: readonly Role[] = ['ADMIN', 'APPROVER', 'FINANCE'];
/** One step either side (30 s): a phone's clock a little off still works, and a code lives at most 90 s. */
const TOLERANCE_SECONDS = 30;

export interface Enrolment {
  secret: string;
  /** otpauth:// URI for an authenticator app (as a QR code, or pasted). */
  uri: string;
}

/** Gives a user a new secret (replacing any earlier one, which stops working at once). */
export async function enrollTotp(db: Db, username: string): Promise<Enrolment> {
  const user = await db.user.findUnique({ where: { username }, select: { id: true } });
  if (!user) throw new Error(`there is no user ${username}`);
  const secret = generateSecret(); // 20 random bytes, the RFC's recommended length for SHA-1
  await db.user.update({ where: { id: user.id }, data: { totpSecret: secret, totpLastStep: null } });
  await audit(db, { actor: OPERATOR, action: 'user.totp_enrolled', entityType: 'user', entityId: user.id });
  return { secret, uri: generateURI({ issuer: TOTP_ISSUER, label: username, secret }) };
}

/** Removes a user's second factor (a lost phone): they sign in with the password alone until enrolled again. */
export async function removeTotp(db: Db, username: string): Promise<boolean> {
  const user = await db.user.findUnique({ where: { username }, select: { id: true, totpSecret: true } });
  if (!user) throw new Error(`there is no user ${username}`);
  if (!user.totpSecret) return false;
  await db.user.update({ where: { id: user.id }, data: { totpSecret: null, totpLastStep: null } });
  await audit(db, { actor: OPERATOR, action: 'user.totp_removed', entityType: 'user', entityId: user.id });
  return true;
}

/** Six digits, as typed: apps show "123 456", so spaces go. */
export const normalizeCode = (code: string) => code.replace(/\s+/g, '');

/** True when `code` is a current code of the user's secret not used before; it is then used up. */
export async function acceptTotpCode(
  db: Db,
  user: { id: string; totpSecret: string; totpLastStep: number | null },
  code: string,
): Promise<boolean> {
  const token = normalizeCode(code);
  if (!/^\d{6}$/.test(token)) return false;
  const result = await verify({
    secret: user.totpSecret,
    token,
    epochTolerance: TOLERANCE_SECONDS,
    ...(user.totpLastStep === null ? {} : { afterTimeStep: user.totpLastStep }),
  });
  if (!result.valid || !('timeStep' in result)) return false; // 'timeStep': a TOTP answer (verify() also speaks HOTP)
  // Used up here, for everyone: only one of two sign-ins racing with the same code moves the step.
  const { count } = await db.user.updateMany({
    where: { id: user.id, OR: [{ totpLastStep: null }, { totpLastStep: { lt: result.timeStep } }] },
    data: { totpLastStep: result.timeStep },
  });
  return count === 1;
}

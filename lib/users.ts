// Users sign in to the admin API with a bearer token (only its SHA-256 is stored) and, when they have
// a password, to the admin pages (only its scrypt hash is stored: lib/passwords.ts).
import { createHash, randomBytes } from 'node:crypto';
import type { Db } from './db';
import { hashPassword } from './passwords';
import type { Role } from '../generated/prisma/client';

export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

/** Creates a user and returns the token, which is shown once and cannot be recovered. */
export async function createUser(db: Db, username: string, role: Role, password?: string): Promise<{ id: string; token: string }> {
  const token = `amp_${randomBytes(24).toString('base64url')}`;
  // Hashed before the insert: a too-short password throws and creates nobody.
  const passwordHash = password === undefined ? null : await hashPassword(password);
  const user = await db.user.create({ data: { username, role, tokenHash: hashToken(token), passwordHash } });
  return { id: user.id, token };
}

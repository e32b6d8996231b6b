// Users sign in to the admin API with a bearer token; only its SHA-256 is stored.
import { createHash, randomBytes } from 'node:crypto';
import type { Db } from './db';
import type { Role } from '../generated/prisma/client';

export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

/** Creates a user and returns the token, which is shown once and cannot be recovered. */
export async function createUser(db: Db, username: string, role: Role): Promise<{ id: string; token: string }> {
  const token = `amp_${randomBytes(24).toString('base64url')}`;
  const user = await db.user.create({ data: { username, role, tokenHash: hashToken(token) } });
  return { id: user.id, token };
}

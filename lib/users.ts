// Users sign in to the admin API with bearer tokens (lib/api-tokens.ts: several per user, each expiring,
// only SHA-256 stored) and, when they have a password, to the admin pages (only its scrypt hash is
// stored: lib/passwords.ts), with a TOTP code as well when enrolled (lib/totp.ts).
import type { Db } from './db';
import { issueApiToken, type IssueOptions } from './api-tokens';
import { hashPassword } from './passwords';
import type { Role } from '../generated/prisma/client';

/** Where it lived before API tokens had their own table; callers may import it from either place. */
export { hashToken } from './token-hash';

export interface CreatedUser {
  id: string;
  /** The first API token, shown once and not recoverable. */
  token: string;
  tokenExpiresAt: Date;
}

/** Creates a user with a first API token (90 days unless `token.days` says otherwise). */
export async function createUser(
  db: Db,
  username: string,
  role: Role,
  password?: string,
  token: Omit<IssueOptions, 'now'> = {},
): Promise<CreatedUser> {
  // Hashed before the insert: a too-short password throws and creates nobody.
  const passwordHash = password === undefined ? null : await hashPassword(password);
  // One transaction: a user is never left without the token the command promised to print.
  return db.$transaction(async (tx) => {
    const user = await tx.user.create({ data: { username, role, passwordHash } });
    const issued = await issueApiToken(tx, user.id, { label: token.label ?? 'issued with the user', days: token.days });
    return { id: user.id, token: issued.token, tokenExpiresAt: issued.expiresAt };
  });
}

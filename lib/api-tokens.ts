// Bearer tokens of the JSON API. A user may hold several (one per script or integration, each with a
// label), every one expires (90 days unless chosen otherwise) and any can be revoked. Only a token's
// SHA-256 is stored: the token is shown once, when issued, and a database leak gives no usable token.
// Issued and revoked by `npm run create-user` and `npm run tokens` (scripts/tokens.ts), checked on every
// API request by web/http/auth.ts.
import { randomBytes } from 'node:crypto';
import { audit } from './audit';
import type { Db } from './db';
import { hashToken } from './token-hash';
import type { Role } from '../generated/prisma/client';
import { isUuid } from '../schema/fields';

export const DEFAULT_TOKEN_DAYS = 90;
/** A year at most: a token nobody remembers issuing should not outlive the people who use it. */
export const MAX_TOKEN_DAYS = 366;
const DAY_MS = 86_400_000;
/** Who acts when a token is issued or revoked from the server's shell (there is no signed-in user there). */
export const OPERATOR = 'operator';

export interface IssueOptions {
  label?: string;
  /** Lifetime in whole days, 1 to MAX_TOKEN_DAYS. */
  days?: number;
  now?: Date;
}

export interface IssuedToken {
  id: string;
  token: string;
  expiresAt: Date;
}

export interface ListedToken {
  id: string;
  username: string;
  role: Role;
  label: string;
  createdAt: Date;
  expiresAt: Date;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
}

function lifetimeDays(days: number | undefined): number {
  const d = days ?? DEFAULT_TOKEN_DAYS;
  if (!Number.isInteger(d) || d < 1 || d > MAX_TOKEN_DAYS) throw new Error(`days: a whole number from 1 to ${MAX_TOKEN_DAYS}, not ${d}`);
  return d;
}

/** Issues a token to a user (by id); the token is in the answer and nowhere else. */
export async function issueApiToken(db: Pick<Db, 'apiToken' | 'auditEvent'>, userId: string, o: IssueOptions = {}): Promise<IssuedToken> {
  const days = lifetimeDays(o.days);
  const label = (o.label ?? '').trim() || 'API token';
  const token = `amp_${randomBytes(24).toString('base64url')}`;
  const createdAt = o.now ?? new Date();
  const expiresAt = new Date(createdAt.getTime() + days * DAY_MS);
  const row = await db.apiToken.create({ data: { userId, label: label.slice(0, 200), tokenHash: hashToken(token), createdAt, expiresAt } });
  await audit(db, {
    actor: OPERATOR,
    action: 'api_token.issued',
    entityType: 'user',
    entityId: userId,
    details: { tokenId: row.id, days },
  });
  return { id: row.id, token, expiresAt };
}

/** `npm run tokens -- create`: a token for a user named by username. */
export async function createApiToken(db: Db, username: string, o: IssueOptions = {}): Promise<IssuedToken> {
  lifetimeDays(o.days); // a wrong lifetime is refused before the user is looked up
  const user = await db.user.findUnique({ where: { username }, select: { id: true } });
  if (!user) throw new Error(`there is no user ${username}`);
  return issueApiToken(db, user.id, o);
}

/** Every token (of one user when named), oldest first, without anything that could authenticate. */
export async function listApiTokens(db: Db, o: { username?: string } = {}): Promise<ListedToken[]> {
  const rows = await db.apiToken.findMany({
    where: o.username ? { user: { username: o.username } } : {},
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    select: {
      id: true,
      label: true,
      createdAt: true,
      expiresAt: true,
      revokedAt: true,
      lastUsedAt: true,
      user: { select: { username: true, role: true } },
    },
  });
  return rows.map(({ user, ...t }) => ({ ...t, username: user.username, role: user.role }));
}

/** Revokes one token; false when there is no such token or it was already revoked. */
export async function revokeApiToken(db: Db, id: string, now = new Date()): Promise<boolean> {
  if (!isUuid(id)) return false;
  const token = await db.apiToken.findUnique({ where: { id }, select: { userId: true } });
  // Conditional on not yet revoked: the first revocation's time is the one on record.
  const { count } = await db.apiToken.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: now } });
  if (count && token)
    await audit(db, { actor: OPERATOR, action: 'api_token.revoked', entityType: 'user', entityId: token.userId, details: { tokenId: id } });
  return count > 0;
}

/** Revokes every live token of a user (someone left, or a laptop was lost); how many were revoked. */
export async function revokeUserApiTokens(db: Db, username: string, now = new Date()): Promise<number> {
  const user = await db.user.findUnique({ where: { username }, select: { id: true } });
  if (!user) throw new Error(`there is no user ${username}`);
  const { count } = await db.apiToken.updateMany({
    where: { userId: user.id, revokedAt: null, expiresAt: { gt: now } },
    data: { revokedAt: now },
  });
  if (count)
    await audit(db, { actor: OPERATOR, action: 'api_token.revoked_all', entityType: 'user', entityId: user.id, details: { count } });
  return count;
}

export type TokenCheck =
  { ok: true; user: { id: string; username: string; role: Role } } | { ok: false; reason: 'unknown' | 'expired' | 'revoked'; at?: Date };

/** Recording each use to the second would be a write per API request: once a minute tells as much. */
const LAST_USED_RESOLUTION_MS = 60_000;

/** Who a presented token belongs to, or why it is refused. */
export async function checkApiToken(db: Db, token: string, now = new Date()): Promise<TokenCheck> {
  const row = await db.apiToken.findUnique({
    where: { tokenHash: hashToken(token) },
    select: { id: true, expiresAt: true, revokedAt: true, lastUsedAt: true, user: { select: { id: true, username: true, role: true } } },
  });
  if (!row) return { ok: false, reason: 'unknown' };
  if (row.revokedAt) return { ok: false, reason: 'revoked', at: row.revokedAt };
  if (row.expiresAt <= now) return { ok: false, reason: 'expired', at: row.expiresAt };
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() >= LAST_USED_RESOLUTION_MS) {
    await db.apiToken.update({ where: { id: row.id }, data: { lastUsedAt: now } });
  }
  return { ok: true, user: row.user };
}

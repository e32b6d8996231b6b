// Sessions of the admin pages. The cookie holds a random 32-byte token; the session table holds only
// its SHA-256 (a database leak gives no usable cookie). Cookies are HttpOnly (no script reads them),
// SameSite=Strict (no other site's page sends them), Path=/admin, Secure over https (behind a proxy that
// terminates TLS, once TRUST_PROXY trusts it: lib/trust-proxy.ts); sessions end after 8 hours whatever
// happens. Every POST also carries the session's CSRF token in a hidden field. Who may sign in: sign-in.ts.
import type {} from '@fastify/cookie'; // request.cookies / reply.setCookie types
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Role } from '../../generated/prisma/client';
import type { Db } from '../../lib/db';
import { hashToken } from '../../lib/token-hash';
import type { SignedInUser } from '../http/auth';
import { field } from '../http/form';
import { messagePage } from './http';
import { CSRF_FIELD } from './layout';

export const SESSION_COOKIE = 'amparo_admin';
/** The sign-in form's own token (double submit): a cross-site form cannot sign a browser in as someone else. */
export const SIGN_IN_COOKIE = 'amparo_admin_signin';
export const SESSION_MS = 8 * 60 * 60 * 1000;

export interface AdminSession {
  id: string;
  user: SignedInUser;
  csrfToken: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    adminSession?: AdminSession;
  }
  interface FastifyInstance {
    /** Staff cookies are Secure whatever the request's protocol (production: web/http/server.ts). */
    secureCookies: boolean;
  }
}

const newToken = () => randomBytes(32).toString('base64url');
const cookieOptions = (request: FastifyRequest) => ({
  path: '/admin',
  httpOnly: true,
  sameSite: 'strict' as const,
  // Secure over HTTPS, and always in production (where PUBLIC_URL must be https: lib/startup-checks.ts), so a
  // proxy that forgets X-Forwarded-Proto cannot make a browser send the session over plain HTTP.
  secure: request.protocol === 'https' || request.server.secureCookies,
});

/** Equal strings, compared in constant time; an empty expected value never matches. */
export function sameToken(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return b.length > 0 && a.length === b.length && timingSafeEqual(a, b);
}

/** Only a path of the admin pages: `next` must never send a signed-in browser to another site. */
export function safeNext(next: unknown): string {
  return typeof next === 'string' && /^\/admin(?:[/?][\w\-./?=&%]*)?$/.test(next) && !next.includes('//') ? next : '/admin';
}

export const signInUrl = (next: string) => `/admin/sign-in?${new URLSearchParams({ next: safeNext(next) }).toString()}`;

export async function startSession(db: Db, request: FastifyRequest, reply: FastifyReply, user: SignedInUser): Promise<void> {
  const token = newToken();
  // A fresh token at every sign-in (no fixation); expired rows of this user go while we are here.
  await db.session.deleteMany({ where: { userId: user.id, expiresAt: { lt: new Date() } } });
  await db.session.create({
    data: { tokenHash: hashToken(token), userId: user.id, csrfToken: newToken(), expiresAt: new Date(Date.now() + SESSION_MS) },
  });
  reply.setCookie(SESSION_COOKIE, token, { ...cookieOptions(request), maxAge: SESSION_MS / 1000 });
  reply.clearCookie(SIGN_IN_COOKIE, cookieOptions(request));
}

export async function currentSession(db: Db, request: FastifyRequest): Promise<AdminSession | null> {
  const token = request.cookies[SESSION_COOKIE];
  if (!token || token.length > 64) return null;
  const row = await db.session.findUnique({
    where: { tokenHash: hashToken(token) },
    select: { id: true, csrfToken: true, expiresAt: true, user: { select: { id: true, username: true, role: true } } },
  });
  if (!row) return null;
  if (row.expiresAt <= new Date()) {
    await db.session.deleteMany({ where: { id: row.id } });
    return null;
  }
  // The role is read on every request: a changed role applies at once, not at the next sign-in.
  return { id: row.id, user: row.user, csrfToken: row.csrfToken };
}

export async function endSession(db: Db, request: FastifyRequest, reply: FastifyReply): Promise<void> {
  if (request.adminSession) await db.session.deleteMany({ where: { id: request.adminSession.id } });
  reply.clearCookie(SESSION_COOKIE, cookieOptions(request));
}

/** The sign-in form's token: the one already in the browser's cookie, or a new one set now. */
export function signInFormToken(request: FastifyRequest, reply: FastifyReply): string {
  const existing = request.cookies[SIGN_IN_COOKIE];
  if (existing && /^[\w-]{43}$/.test(existing)) return existing;
  const token = newToken();
  reply.setCookie(SIGN_IN_COOKIE, token, { ...cookieOptions(request), maxAge: 60 * 60 });
  return token;
}

export const signInFormTokenValid = (request: FastifyRequest) =>
  sameToken(field(request.body, CSRF_FIELD), request.cookies[SIGN_IN_COOKIE] ?? '');

/**
 * preHandler: a signed-in user with one of `roles` (any role when none given); for POST, the session's
 * CSRF token in the form. No session: 303 to the sign-in page, back here afterwards (GET only).
 */
export function requireAdminSession(db: Db, ...roles: Role[]) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> => {
    const session = await currentSession(db, request);
    if (!session) return reply.redirect(signInUrl(request.method === 'GET' ? request.url : '/admin'), 303);
    request.adminSession = session;
    request.user = session.user; // the JSON API's signedIn() works here too
    if (roles.length && !roles.includes(session.user.role)) {
      return messagePage(reply, { status: 403, session, title: 'Not allowed', text: 'Your role does not give access to this page.' });
    }
    if (request.method === 'POST' && !sameToken(field(request.body, CSRF_FIELD), session.csrfToken)) {
      return messagePage(reply, {
        status: 403,
        session,
        title: 'Form not accepted',
        text: 'This form did not come from a page of this session. Go back, reload the page and send it again.',
      });
    }
    return undefined;
  };
}

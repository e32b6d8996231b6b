// Bearer-token authentication and role checks for the admin API.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Db } from '../lib/db';
import { hashToken } from '../lib/users';
import type { Role } from '../generated/prisma/client';
import { HttpError } from './errors';

export interface SignedInUser {
  id: string;
  username: string;
  role: Role;
}

declare module 'fastify' {
  interface FastifyRequest {
    user?: SignedInUser;
  }
}

/** preHandler: the request must carry a valid token of a user with one of these roles. */
export function requireRole(db: Db, ...roles: Role[]) {
  return async (request: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    const header = request.headers.authorization ?? '';
    const token = header.startsWith('Bearer ') ? header.slice(7).trim() : '';
    if (!token) throw new HttpError(401, 'authentication_required');
    const user = await db.user.findUnique({ where: { tokenHash: hashToken(token) }, select: { id: true, username: true, role: true } });
    if (!user) throw new HttpError(401, 'invalid_token');
    if (!roles.includes(user.role)) throw new HttpError(403, 'role_not_allowed');
    request.user = user;
  };
}

export function signedIn(request: FastifyRequest): SignedInUser {
  if (!request.user) throw new HttpError(401, 'authentication_required');
  return request.user;
}

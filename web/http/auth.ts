// Bearer-token authentication and role checks for the admin API.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Db } from '../../lib/db';
import { hashToken } from '../../lib/users';
import type { Role } from '../../generated/prisma/client';
import { Refusal } from '../services/refusal';

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
    if (!token) throw new Refusal('authentication_required', { authorization: 'Bearer and the token printed by npm run create-user' });
    const user = await db.user.findUnique({ where: { tokenHash: hashToken(token) }, select: { id: true, username: true, role: true } });
    if (!user) throw new Refusal('invalid_token', { authorization: 'unknown, expired or revoked token' });
    if (!roles.includes(user.role))
      throw new Refusal('role_not_allowed', { authorization: `a token of a user with the role ${roles.join(' or ')}` });
    request.user = user;
  };
}

export function signedIn(request: FastifyRequest): SignedInUser {
  if (!request.user) throw new Refusal('authentication_required', { authorization: 'Bearer and a token' });
  return request.user;
}

// Bearer-token authentication and role checks for the admin API. Tokens expire and can be revoked
// (lib/api-tokens.ts): a refused token says which, so its holder knows to ask for a new one.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { checkApiToken, type TokenCheck } from '../../lib/api-tokens';
import type { Db } from '../../lib/db';
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
    if (!token)
      throw new Refusal('authentication_required', {
        authorization: 'Bearer and a token printed by npm run create-user or npm run tokens',
      });
    const checked = await checkApiToken(db, token);
    if (!checked.ok) throw new Refusal('invalid_token', { authorization: refusedBecause(checked) });
    const user = checked.user;
    if (!roles.includes(user.role))
      throw new Refusal('role_not_allowed', { authorization: `a token of a user with the role ${roles.join(' or ')}` });
    request.user = user;
  };
}

/** What the holder of a refused token is told. Only its holder can present it, so this tells nobody else anything. */
function refusedBecause(check: Extract<TokenCheck, { ok: false }>): string {
  const day = check.at?.toISOString().slice(0, 10);
  switch (check.reason) {
    case 'expired':
      return `this token expired on ${day}: ask an administrator for a new one`;
    case 'revoked':
      return `this token was revoked on ${day}: ask an administrator for a new one`;
    default:
      return 'unknown token: Bearer and a token printed by npm run create-user or npm run tokens';
  }
}

export function signedIn(request: FastifyRequest): SignedInUser {
  if (!request.user) throw new Refusal('authentication_required', { authorization: 'Bearer and a token' });
  return request.user;
}

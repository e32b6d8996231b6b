// The door of a rail's callback routes: a body is read only as that rail's signed body. Fastify reads at
// most CALLBACK_MAX_BYTES (413 beyond; at once when Content-Length says so), the signature is checked over
// the exact bytes received, its first sighting is remembered, and only then is the body decoded. So what a
// stranger sends is never parsed, stored or queued, and a captured callback is taken once.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { SIGNATURE_HEADER, verifyCallback } from '../../lib/callback-signature';
import type { WebContext } from '../http/context';
import { Refusal } from '../services/refusal';

/**
 * A notification is a few hundred bytes (the bank's is group-level, the wallet's a batch object); tens of
 * KB leaves room for a rail's verbose one, never for a report, which the workflow pulls itself.
 */
export const CALLBACK_MAX_BYTES = 64 * 1024;

export interface SignedBodies {
  /** Provider name: whose secret, whose rate limit, whose remembered signatures. */
  provider: string;
  secret: string;
  contentTypes: string[];
  /** The verified body as the route reads it. */
  decode(request: FastifyRequest, text: string): unknown;
}

export function acceptSignedBodies(scope: FastifyInstance, ctx: WebContext, rail: SignedBodies): void {
  const verified = new WeakSet<FastifyRequest>();
  // Only this rail's content types: anything else is refused (415) without being read.
  scope.removeAllContentTypeParsers();
  scope.addContentTypeParser(
    rail.contentTypes,
    { parseAs: 'buffer', bodyLimit: CALLBACK_MAX_BYTES },
    async (request: FastifyRequest, body: Buffer) => {
      const checked = verifyCallback(rail.secret, request.headers, body);
      if (!checked.ok)
        throw new Refusal(checked.reason === 'stale' ? 'callback_stale' : 'callback_unsigned', { [checked.header]: checked.problem });
      if (!(await ctx.seenSignatures.firstSighting(rail.provider, checked.signature)))
        throw new Refusal('callback_replayed', { [SIGNATURE_HEADER]: 'already received: each delivery is signed afresh' });
      verified.add(request);
      return rail.decode(request, body.toString('utf8'));
    },
  );
  scope.addHook('preHandler', async (request) => {
    // A request without a body never meets the parser, so it is refused here rather than read as empty.
    if (!verified.has(request)) throw new Refusal('callback_unsigned', { [SIGNATURE_HEADER]: 'required: a signed body' });
    // Counted after the signature: strangers cannot spend a rail's allowance and so keep its callbacks out.
    await ctx.limits.consume('callbacksPerRail', rail.provider);
  });
}

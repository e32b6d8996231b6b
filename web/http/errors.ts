// One error model at the edge: a Refusal (web/services/refusal.ts) becomes a status code here, once, for
// every JSON answer; the pages use the same status table. Fastify's own errors (unparsable JSON or XML,
// too large, wrong content type) become refusals that name the body or the header at fault; a saturated
// database, a 503 to send again. Anything else is a 500 whose log line carries names and codes only:
// database errors can echo what was sent.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from '../../lib/logger';
import { Refusal, type RefusalKind } from '../services/refusal';

export const STATUS: Record<RefusalKind, number> = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  too_large: 413,
  unsupported: 415,
  unprocessable: 422,
  too_many: 429,
  unavailable: 503,
};

/**
 * Prisma's "not in time" errors: no connection came free within the pool's wait (P2024), an interactive
 * transaction could not start or finish in time (P2028), a write conflict or deadlock (P2034). They mean
 * the database is saturated, not that the request or our code is wrong, and what was begun was rolled
 * back: the client is told to send it again (every write behind the edge is idempotent).
 */
const BUSY_DATABASE_CODES = new Set(['P2024', 'P2028', 'P2034']);
/** Seconds a client waits before sending again what met a busy database. */
export const BUSY_RETRY_AFTER_SECONDS = 5;

const isBusyDatabase = (err: unknown): boolean => {
  const e = err as { name?: unknown; code?: unknown } | null;
  return e?.name === 'PrismaClientKnownRequestError' && typeof e.code === 'string' && BUSY_DATABASE_CODES.has(e.code);
};

/** The refusal an error stands for (a busy database included), or null when it is a fault of ours (a 500). */
export function refusalOf(err: unknown): Refusal | null {
  if (err instanceof Refusal) return err;
  if (isBusyDatabase(err)) return new Refusal('busy', {}, BUSY_RETRY_AFTER_SECONDS);
  const e = err as Partial<FastifyError> & { message?: string };
  if (typeof e?.statusCode !== 'number' || e.statusCode >= 500) return null;
  switch (e.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new Refusal('unsupported_media_type', { 'content-type': 'not a content type this address reads' });
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new Refusal('body_too_large', { body: 'larger than this address accepts' });
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new Refusal('invalid_request', { body: 'empty: a JSON object is expected' });
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new Refusal('invalid_request', { 'content-length': 'does not match the body' });
    default:
      // Unparsable JSON, XML or form bodies (the parsers' own messages name the position, never a value).
      return new Refusal('invalid_request', { body: `not readable: ${(e.message ?? 'unreadable').slice(0, 200)}` });
  }
}

export function sendRefusal(reply: FastifyReply, refusal: Refusal): FastifyReply {
  if (refusal.retryAfterSeconds !== undefined) void reply.header('retry-after', String(refusal.retryAfterSeconds));
  const fields = Object.keys(refusal.fields).length ? { fields: refusal.fields } : {};
  return reply.code(STATUS[refusal.kind]).send({ error: refusal.code, message: refusal.message, ...fields });
}

export function logFailure(log: Logger, request: FastifyRequest, err: unknown, what = 'request failed'): void {
  log.error(what, {
    method: request.method,
    route: request.routeOptions.url,
    error: err instanceof Error ? err.name : typeof err,
    code: (err as { code?: string } | undefined)?.code,
  });
}

/**
 * Fastify's errors before routing (frameworkErrors): an address whose percent-encoding is not UTF-8. Its
 * own answer would echo the address, which may hold what a person typed; this one names only the part.
 */
export function frameworkError(_err: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  void sendRefusal(reply, new Refusal('invalid_request', { url: 'not a valid address: a percent-encoded part is not UTF-8' }));
}

export function installErrorHandler(app: FastifyInstance, log: Logger): void {
  app.setErrorHandler((err: unknown, request, reply) => {
    const refusal = refusalOf(err);
    if (refusal) return sendRefusal(reply, refusal);
    logFailure(log, request, err);
    return reply.code(500).send({ error: 'internal_error', message: 'Something went wrong on our side. Try again in a moment.' });
  });
  // An address no route has answers in the same shape (the method is named, never the address typed).
  app.setNotFoundHandler((request, reply) =>
    sendRefusal(reply, new Refusal('route_not_found', { url: `no ${request.method} route here` })),
  );
}

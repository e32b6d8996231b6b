// The Fastify app every simulator starts from: GET /health and one error handler, whose bodies each
// rail words in its own format. Fastify's own logger stays off: it would print URLs, and simulator URLs
// carry accounts and phone numbers.
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import type { Logger } from '../../lib/logger';

export interface ErrorBodies {
  /** The body could not be parsed, or came in a type the route does not take: answered 400. */
  invalid(message: string): unknown;
  /** Over bodyLimit; without it a 413 is answered like any other client error. */
  tooLarge?: unknown;
  /** Any other 4xx that Fastify raised. */
  client(err: FastifyError): unknown;
  internal: unknown;
}

/** The bank's and the SMS gateway's plain JSON errors. */
export const jsonErrors: ErrorBodies = {
  invalid: (message) => ({ error: 'invalid_request', fields: { body: message } }),
  client: (err) => ({ error: err.code ?? 'request_error' }),
  internal: { error: 'internal_error' },
};

export function simulatorApp(options: { log: Logger; errors: ErrorBodies; bodyLimit?: number }): FastifyInstance {
  const { log, errors } = options;
  const app = Fastify({ logger: false, ...(options.bodyLimit ? { bodyLimit: options.bodyLimit } : {}) });
  app.setErrorHandler((err: FastifyError, req, reply) => {
    const status = err.statusCode ?? 500;
    if (status === 400 || status === 415) return reply.code(400).send(errors.invalid(err.message));
    if (status === 413 && errors.tooLarge) return reply.code(413).send(errors.tooLarge);
    if (status < 500) return reply.code(status).send(errors.client(err));
    // Route and message only: the URL itself may carry personal data.
    log.error('request failed', { method: req.method, route: req.routeOptions.url, error: err.message });
    return reply.code(500).send(errors.internal);
  });
  app.get('/health', () => ({ status: 'ok' }));
  return app;
}

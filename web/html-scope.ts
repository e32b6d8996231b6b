// The one way HTML pages are served (applicant and admin alike): routes registered in an encapsulated
// scope with form bodies and cookies (so the JSON API keeps refusing form bodies with 415), strict
// security headers, and an HTML error page. The 4xx/5xx split logs names only: a failing query could
// echo what a person typed.
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from '../lib/logger';

export interface HtmlScopeOptions {
  csp: string;
  /** Extra headers on every answer (e.g. no-store where every page shows personal data). */
  headers?: Record<string, string>;
  /** Renders the error page; status is 400 for unreadable requests, 500 otherwise. */
  errorPage: (request: FastifyRequest, reply: FastifyReply, status: 400 | 500) => FastifyReply;
}

export function htmlScope(app: FastifyInstance, log: Logger, opts: HtmlScopeOptions, routes: (scope: FastifyInstance) => void): void {
  void app.register(async (scope) => {
    await scope.register(formbody, { bodyLimit: 32 * 1024 });
    await scope.register(cookie);
    scope.addHook('onSend', (_request, reply, payload, done) => {
      void reply.headers({
        'content-security-policy': opts.csp,
        'x-content-type-options': 'nosniff',
        'referrer-policy': 'no-referrer',
        'x-frame-options': 'DENY',
        'cross-origin-opener-policy': 'same-origin',
        ...opts.headers,
      });
      done(null, payload);
    });
    scope.setErrorHandler((err: Error & { statusCode?: number }, request, reply) => {
      const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? 400 : 500;
      if (status === 500) log.error('page failed', { method: request.method, route: request.routeOptions.url, error: err.name });
      return opts.errorPage(request, reply, status);
    });
    routes(scope);
  });
}

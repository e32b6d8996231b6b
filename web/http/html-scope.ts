// The one way HTML pages are served (applicant and admin alike): routes registered in an encapsulated
// scope with form bodies and cookies (so the JSON API keeps refusing form bodies with 415), strict
// security headers, and an HTML error page. The 4xx/5xx split logs names only: a failing query could
// echo what a person typed.
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from '../../lib/logger';
import type { Refusal } from '../services/refusal';
import { logFailure, refusalOf, STATUS } from './errors';

export interface HtmlScopeOptions {
  csp: string;
  /** Extra headers on every answer (e.g. no-store where every page shows personal data). */
  headers?: Record<string, string>;
  /** Renders the error page of a refusal (its status from pageStatus), or of a fault of ours when null (500). */
  errorPage: (request: FastifyRequest, reply: FastifyReply, refusal: Refusal | null) => FastifyReply;
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
    scope.setErrorHandler((err: unknown, request, reply) => {
      const refusal = refusalOf(err);
      if (!refusal) logFailure(log, request, err, 'page failed');
      return opts.errorPage(request, reply, refusal);
    });
    routes(scope);
  });
}

/** A refusal's status on a page: the API's, except that an address no page can have is simply not found. */
export const pageStatus = (refusal: Refusal | null): number =>
  refusal === null ? 500 : refusal.code === 'invalid_path_parameter' ? 404 : STATUS[refusal.kind];

// The HTTP edge: the JSON API, the rails' callbacks, the applicant's pages and the staff pages, each
// audience in its own folder; this file only puts them together with the checks every request passes.
// Fastify: schema-agnostic (we validate with zod, one way for every boundary), fast JSON, and
// app.inject() lets tests drive routes without sockets.
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { WebContext } from './context';
import { trustProxyOption } from '../../lib/trust-proxy';
import { adminRoutes } from '../admin';
import { apiRoutes } from '../api';
import { applicantRoutes } from '../applicant';
import { railRoutes } from '../rails';
import { frameworkError, installErrorHandler } from './errors';
import { installInputChecks } from './input';
import { installTransportSecurity } from './transport-security';

/** The routes' context, and the proxies the server believes about clients (TRUST_PROXY). */
export function buildServer(ctx: WebContext): FastifyInstance {
  // trustProxy: behind a TLS-terminating proxy, request.protocol and request.ip are the client's only
  // when the proxy is trusted (lib/trust-proxy.ts); off unless configured.
  const options: FastifyServerOptions = {
    logger: false,
    bodyLimit: 256 * 1024,
    trustProxy: trustProxyOption(ctx.config.TRUST_PROXY),
    frameworkErrors: frameworkError,
  };
  const app = Fastify(options);
  app.decorate('secureCookies', ctx.config.AMPARO_ENV === 'production');
  installErrorHandler(app, ctx.log);
  installTransportSecurity(app);
  installInputChecks(app);
  // Bodies are JSON, or XML and forms where a scope says so: plain text is nothing we read (415).
  app.removeContentTypeParser('text/plain');
  app.addHook('onResponse', (request, reply, done) => {
    // Route patterns, not URLs: no identifiers of people end up in logs.
    ctx.log.debug('request', {
      method: request.method,
      route: request.routeOptions.url,
      status: reply.statusCode,
      ms: Math.round(reply.elapsedTime),
    });
    done();
  });
  app.get('/health', () => ({ status: 'ok' }));
  apiRoutes(app, ctx);
  railRoutes(app, ctx);
  // Pages (HTML forms): each audience in its own scope with form bodies, cookies and strict headers.
  applicantRoutes(app, ctx);
  adminRoutes(app, ctx);
  return app;
}

// The HTTP edge: intake API, admin API and rail callbacks.
// Fastify: schema-agnostic (we validate with zod, one way for every boundary), fast JSON, and
// app.inject() lets tests drive routes without sockets.
import Fastify, { type FastifyInstance } from 'fastify';
import type { WebContext } from './context';
import { installErrorHandler } from './errors';
import { applicationRoutes } from './routes/applications';
import { applyRoutes } from './routes/apply';
import { callbackRoutes } from './routes/callbacks';
import { cycleRoutes } from './routes/cycles';
import { financeReportRoutes } from './routes/finance-reports';
import { reconciliationRoutes } from './routes/reconciliation';
import { openApiRoutes } from './routes/openapi';
import { programRoutes } from './routes/programs';
import { statusRoutes } from './routes/status';
import { reviewRoutes } from './routes/reviews';
import { adminRoutes } from './routes/admin';
import { walletCallbackRoutes } from './routes/wallet-callbacks';

export function buildServer(ctx: WebContext): FastifyInstance {
  const app = Fastify({ logger: false, bodyLimit: 256 * 1024 });
  installErrorHandler(app, ctx.log);
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
  programRoutes(app, ctx);
  applicationRoutes(app, ctx);
  cycleRoutes(app, ctx);
  financeReportRoutes(app, ctx);
  reconciliationRoutes(app, ctx);
  openApiRoutes(app);
  callbackRoutes(app, ctx);
  walletCallbackRoutes(app, ctx);
  // Applicant pages (HTML forms): their own scope with form bodies, the language cookie, strict headers.
  applyRoutes(app, ctx);
  statusRoutes(app, ctx);
  reviewRoutes(app, ctx);
  // Admin pages (HTML, cookie sessions): their own scope with form bodies, cookies and strict headers.
  adminRoutes(app, ctx);
  return app;
}

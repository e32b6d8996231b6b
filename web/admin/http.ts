// What every admin page shares over HTTP: form bodies and cookies in an encapsulated scope (so the
// JSON API keeps refusing form bodies with 415), strict headers, HTML error pages, and how a page is
// sent. Admin pages show personal data: every answer is no-store.
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { AdminSession } from './session';
import type { Logger } from '../../lib/logger';
import { html, type Html } from '../http/html';
import { htmlScope, pageStatus } from '../http/html-scope';
import { Refusal } from '../services/refusal';
import { ADMIN_CSP, adminLayout, type AdminPage } from './layout';

export function adminScope(app: FastifyInstance, log: Logger, routes: (scope: FastifyInstance) => void): void {
  htmlScope(
    app,
    log,
    {
      csp: ADMIN_CSP,
      headers: { 'cache-control': 'no-store' },
      errorPage: (request, reply, refusal) =>
        refusal
          ? refusalPage(reply, request.adminSession, refusal)
          : messagePage(reply, {
              status: 500,
              session: request.adminSession,
              title: 'Error',
              text: 'Something went wrong on our side. Try again in a moment.',
            }),
    },
    routes,
  );
}

export function sendAdminPage(reply: FastifyReply, o: AdminPage & { status?: number }): FastifyReply {
  return reply
    .code(o.status ?? 200)
    .type('text/html; charset=utf-8')
    .send(adminLayout(o));
}

/** A page that only says something (403, 404, 409): a heading, a sentence and a way on. */
export function messagePage(
  reply: FastifyReply,
  o: Pick<AdminPage, 'session'> & {
    status: number;
    title: string;
    text: string | Html;
    details?: Html;
    back?: { href: string; label: string };
  },
): FastifyReply {
  const back = o.back ?? { href: '/admin', label: 'Admin home' };
  return sendAdminPage(reply, {
    status: o.status,
    title: o.title,
    session: o.session,
    body: html`<h1>${o.title}</h1><p>${o.text}</p>${o.details ?? ''}<p><a href="${back.href}">${back.label}</a></p>`,
  });
}

/**
 * The page of a service's refusal: its title and sentence, the fields at fault, and a way back. Anything
 * that is not a refusal is a fault of ours and goes on to the scope's error handler.
 */
export function refusalPage(reply: FastifyReply, session: AdminSession | undefined, err: unknown, back?: { href: string; label: string }) {
  if (!(err instanceof Refusal)) throw err;
  const fields = Object.entries(err.fields);
  const details = fields.length ? html`<ul>${fields.map(([name, problem]) => html`<li>${name}: ${problem}</li>`)}</ul>` : undefined;
  if (err.retryAfterSeconds !== undefined) void reply.header('retry-after', String(err.retryAfterSeconds));
  return messagePage(reply, { status: pageStatus(err), session, title: err.title, text: err.message, details, back });
}

// What every admin page shares over HTTP: form bodies and cookies in an encapsulated scope (so the
// JSON API keeps refusing form bodies with 415), strict headers, HTML error pages, and how a page is
// sent. Admin pages show personal data: every answer is no-store.
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Logger } from '../../lib/logger';
import { html, type Html } from '../html';
import { htmlScope } from '../html-scope';
import { ADMIN_CSP, adminLayout, type AdminPage } from './layout';

export function adminScope(app: FastifyInstance, log: Logger, routes: (scope: FastifyInstance) => void): void {
  htmlScope(
    app,
    log,
    {
      csp: ADMIN_CSP,
      headers: { 'cache-control': 'no-store' },
      errorPage: (request, reply, status) => {
        const text =
          status === 400
            ? 'The request could not be read. Go back and try again.'
            : 'Something went wrong on our side. Try again in a moment.';
        return sendAdminPage(reply, {
          status,
          title: 'Error',
          session: request.adminSession,
          body: html`<h1>Error</h1><p>${text}</p><p><a href="/admin">Admin home</a></p>`,
        });
      },
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
  o: Pick<AdminPage, 'session'> & { status: number; title: string; text: string | Html; back?: { href: string; label: string } },
): FastifyReply {
  const back = o.back ?? { href: '/admin', label: 'Admin home' };
  return sendAdminPage(reply, {
    status: o.status,
    title: o.title,
    session: o.session,
    body: html`<h1>${o.title}</h1><p>${o.text}</p><p><a href="${back.href}">${back.label}</a></p>`,
  });
}

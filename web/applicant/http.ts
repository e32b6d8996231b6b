// What every applicant page shares over HTTP: form bodies and the language cookie (registered in an
// encapsulated scope, so the JSON API keeps refusing form bodies), strict security headers, HTML
// error pages, and how a page is sent.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from '../../lib/logger';
import { CSS_HASH, html, layout, type Html } from '../http/html';
import { htmlScope, pageStatus } from '../http/html-scope';
import { languageLinks, negotiateLanguage, translator, type Language, type Translate } from './i18n';

// No script at all; only our own stylesheet (by hash); forms post to us only; never framed.
const CSP = `default-src 'none'; style-src '${CSS_HASH}'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'`;

/** Registers applicant routes in their own scope with form parsing, cookies, headers and HTML errors. */
export function applicantScope(app: FastifyInstance, log: Logger, routes: (scope: FastifyInstance) => void): void {
  htmlScope(
    app,
    log,
    {
      csp: CSP,
      errorPage: (request, reply, refusal) => {
        const { lang, t } = pageLanguage(request, reply);
        const status = pageStatus(refusal);
        if (refusal?.retryAfterSeconds !== undefined) void reply.header('retry-after', String(refusal.retryAfterSeconds));
        const text =
          status === 404
            ? t('notFound.page')
            : status === 429
              ? tooMany(t, refusal?.retryAfterSeconds ?? 60)
              : status < 500
                ? t('err.form')
                : t('error.body');
        const body = html`<h1>${t('error.title')}</h1><p>${text}</p>`;
        return sendPage(reply, {
          lang,
          t,
          status,
          title: t('error.title'),
          body,
          switchPath: request.url.split('?')[0] ?? '/apply',
          personal: true,
        });
      },
    },
    routes,
  );
}

/** When to try again after a rate limit, in the applicant's words: "in a minute", "in 60 minutes". */
const tooMany = (t: Translate, seconds: number) =>
  seconds <= 60 ? t('err.tooMany.soon') : t('err.tooMany', { minutes: String(Math.ceil(seconds / 60)) });

export interface PageOptions {
  lang: Language;
  t: Translate;
  title: string;
  body: Html;
  status?: number;
  /** The path the language switch links to (GET), e.g. the form itself. */
  switchPath: string;
  switchQuery?: Record<string, string>;
  /** Pages showing what the applicant typed or their decision: never stored by a cache or the browser. */
  personal: boolean;
}

export function sendPage(reply: FastifyReply, o: PageOptions): FastifyReply {
  const footer = html`<p>${o.t('site.help')}</p><p><a href="/status">${o.t('site.statusLink')}</a></p>`;
  const page = layout({
    lang: o.lang,
    title: o.title,
    body: o.body,
    footer,
    skipLabel: o.t('site.skip'),
    siteName: o.t('site.name'),
    languagesLabel: o.t('site.languages'),
    languages: languageLinks(o.switchPath, o.switchQuery),
  });
  return reply
    .code(o.status ?? 200)
    .header('cache-control', o.personal ? 'no-store' : 'no-cache')
    .type('text/html; charset=utf-8')
    .send(page);
}

/** The language and translator for a request, negotiated once per request. */
export function pageLanguage(request: FastifyRequest, reply: FastifyReply): { lang: Language; t: Translate } {
  const lang = negotiateLanguage(request, reply);
  return { lang, t: translator(lang) };
}

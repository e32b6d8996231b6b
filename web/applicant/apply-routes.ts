// The applicant's form: GET shows it, POST converts the form to the intake API's shape and goes
// through submitApplication (the one intake path), then redirects (303) to a confirmation that
// survives a refresh without posting twice. Nothing the applicant typed is ever logged.
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Country } from '../../domain/national-id';
import type { WebContext } from '../http/context';
import { html } from '../http/html';
import type { Language, Translate } from './i18n';
import { submitApplication } from '../services/intake';
import { applyForm, type ProgramView } from './apply-form';
import { emptyForm, formFieldErrors, localizeErrors, normalizePhone, readForm, SUBMISSION, toApplication } from './apply-input';
import { limitIntake } from '../http/rate-limits';
import { applicantScope, pageLanguage, sendPage } from './http';
import { APPLICATION_NUMBER } from '../../schema/application';

export function applyRoutes(app: FastifyInstance, ctx: WebContext): void {
  // The code is parsed (upper-cased, checked) with every path parameter: web/http/input.ts.
  const findProgram = async (code: string): Promise<ProgramView | null> => {
    const p = await ctx.db.program.findUnique({ where: { code }, select: { code: true, name: true, country: true, currency: true } });
    return p && { ...p, country: p.country as Country };
  };
  const notFoundPage = (reply: FastifyReply, lang: Language, t: Translate) =>
    sendPage(reply, {
      lang,
      t,
      status: 404,
      title: t('notFound.title'),
      switchPath: '/apply',
      personal: false,
      body: html`<h1>${t('notFound.title')}</h1><p>${t('notFound.body')}</p><p><a href="/apply">${t('index.title')}</a></p>`,
    });
  const formAction = (code: string, lang: Language) => `/apply/${encodeURIComponent(code)}?lang=${lang}`;

  applicantScope(app, ctx.log, (scope) => {
    scope.get('/apply', async (request, reply) => {
      const { lang, t } = pageLanguage(request, reply);
      const programs = await ctx.db.program.findMany({ select: { code: true, name: true }, orderBy: { createdAt: 'desc' }, take: 50 });
      const list = programs.length
        ? html`<ul>${programs.map((p) => html`<li><a href="/apply/${encodeURIComponent(p.code)}">${p.name}</a> (${p.code})</li>`)}</ul>`
        : html`<p>${t('index.none')}</p>`;
      return sendPage(reply, {
        lang,
        t,
        title: t('index.title'),
        switchPath: '/apply',
        personal: false,
        body: html`<h1>${t('index.title')}</h1><p>${t('index.intro')}</p>${list}`,
      });
    });

    scope.get<{ Params: { code: string } }>('/apply/:code', async (request, reply) => {
      const { lang, t } = pageLanguage(request, reply);
      const program = await findProgram(request.params.code);
      if (!program) return notFoundPage(reply, lang, t);
      return sendPage(reply, {
        lang,
        t,
        title: t('apply.title', { program: program.name }),
        switchPath: `/apply/${program.code}`,
        personal: false,
        body: applyForm(program, formAction(program.code, lang), t, emptyForm(), []),
      });
    });

    scope.post<{ Params: { code: string } }>('/apply/:code', { config: { inlineTextErrors: true } }, async (request, reply) => {
      const { lang, t } = pageLanguage(request, reply);
      const program = await findProgram(request.params.code);
      if (!program) return notFoundPage(reply, lang, t);
      const values = readForm(request.body);
      await limitIntake(ctx.limits, request.ip, normalizePhone(values.phone, program.country));
      // Characters no one can read or store were taken out of the values: they are shown, not submitted.
      const application = toApplication(values, lang, program.country);
      const submission = SUBMISSION.test(values.submission) ? values.submission : undefined;
      let result = request.textErrors
        ? { kind: 'invalid' as const, fields: formFieldErrors(request.textErrors) }
        : await submitApplication(ctx, program.code, application, submission);
      // The form was sent before with other answers (changed after going back): these answers stand alone.
      if (result.kind === 'key_reused') result = await submitApplication(ctx, program.code, application);
      if (result.kind === 'key_reused') throw new Error('intake refused a submission without a key as a reused key');
      if (result.kind === 'program_not_found') return notFoundPage(reply, lang, t);
      if (result.kind === 'invalid') {
        // Every value comes back as typed (the national ID too: the applicant typed it and may fix one digit).
        const errors = localizeErrors(result.fields, values, program.country, t);
        return sendPage(reply, {
          lang,
          t,
          status: 400,
          title: `${t('errors.prefix')} ${t('apply.title', { program: program.name })}`,
          switchPath: `/apply/${program.code}`,
          personal: true,
          body: applyForm(program, formAction(program.code, lang), t, values, errors),
        });
      }
      const query = new URLSearchParams({ n: result.ack.applicationNumber, lang, ...(result.kind === 'existing' ? { e: '1' } : {}) });
      return reply.code(303).header('cache-control', 'no-store').redirect(`/apply/${program.code}/done?${query.toString()}`, 303);
    });

    scope.get<{ Params: { code: string }; Querystring: { n?: string; e?: string } }>('/apply/:code/done', async (request, reply) => {
      const { lang, t } = pageLanguage(request, reply);
      const program = await findProgram(request.params.code);
      if (!program) return notFoundPage(reply, lang, t);
      const number = String(request.query.n ?? '');
      if (!APPLICATION_NUMBER.test(number)) return reply.redirect(`/apply/${program.code}`, 303);
      const statusHref = `/status?${new URLSearchParams({ n: number }).toString()}`;
      const body = html`<div class="panel"><h1>${t('done.title')}</h1><p>${t('done.number')}</p><p class="number">${number}</p></div>
${request.query.e === '1' ? html`<p>${t('done.existing')}</p>` : ''}
<p>${t('done.keep')}</p>
<h2>${t('done.next')}</h2><ol><li>${t('done.next.1')}</li><li>${t('done.next.2')}</li><li>${t('done.next.3')}</li></ol>
<p><a href="${statusHref}">${t('site.statusLink')}</a></p>`;
      return sendPage(reply, {
        lang,
        t,
        title: t('done.title'),
        switchPath: `/apply/${program.code}/done`,
        switchQuery: { n: number },
        personal: true,
        body,
      });
    });
  });
}

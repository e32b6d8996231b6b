// The applicant's form: GET shows it, POST converts the form to the intake API's shape and goes
// through submitApplication (the one intake path), then redirects (303) to a confirmation that
// survives a refresh without posting twice. The confirmation holds the second step, the code sent by SMS
// to the phone (web/applicant/done-page.ts), posted to /confirm. Nothing the applicant typed is ever logged.
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Country } from '../../domain/national-id';
import { acceptedCallingCodes } from '../../domain/phone';
import type { WebContext } from '../http/context';
import { html } from '../http/html';
import type { Language, Translate } from './i18n';
import { submitApplication } from '../services/intake';
import { applyForm, type ProgramView } from './apply-form';
import { emptyForm, formFieldErrors, localizeErrors, normalizePhone, readForm, SUBMISSION, toApplication } from './apply-input';
import { limitIntake } from '../http/rate-limits';
import { decoyCodes } from '../http/decoy-codes';
import { field } from '../http/form';
import { confirmPhone, resendPhoneCode } from '../services/phone-verification';
import { applicantScope, pageLanguage, sendPage } from './http';
import { donePage, type DoneView } from './done-page';
import { APPLICATION_NUMBER } from '../../schema/application';

export function applyRoutes(app: FastifyInstance, ctx: WebContext): void {
  // The code is parsed (upper-cased, checked) with every path parameter: web/http/input.ts.
  const findProgram = async (code: string): Promise<ProgramView | null> => {
    const p = await ctx.db.program.findUnique({
      where: { code },
      select: { code: true, name: true, country: true, currency: true, phoneCallingCodes: true },
    });
    if (!p) return null;
    const country = p.country as Country;
    return { code: p.code, name: p.name, currency: p.currency, country, callingCodes: acceptedCallingCodes({ ...p, country }) };
  };
  const decoys = decoyCodes(ctx.limits);
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
  /** To the confirmation (303): a refresh shows it again without posting twice. */
  const doneRedirect = (reply: FastifyReply, code: string, number: string, lang: Language, flags: { v?: '1'; e?: '1' }) => {
    const query = new URLSearchParams({ n: number, ...(flags.v ? { v: '1' } : {}), lang, ...(flags.e ? { e: '1' } : {}) });
    return reply.code(303).header('cache-control', 'no-store').redirect(`/apply/${code}/done?${query.toString()}`, 303);
  };
  const sendDone = (reply: FastifyReply, lang: Language, t: Translate, status: number, view: DoneView) =>
    sendPage(reply, {
      lang,
      t,
      status,
      title: `${view.error ? `${t('errors.prefix')} ` : ''}${t('done.title')}`,
      switchPath: `/apply/${view.programCode}/done`,
      switchQuery: { n: view.number, ...(view.confirmed ? { v: '1' } : {}) },
      personal: true,
      body: donePage(t, lang, view),
    });

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
        : await submitApplication(ctx, decoys, program.code, application, submission);
      // The form was sent before with other answers (changed after going back): these answers stand alone.
      if (result.kind === 'key_reused') result = await submitApplication(ctx, decoys, program.code, application);
      if (result.kind === 'key_reused') throw new Error('intake refused a submission without a key as a reused key');
      if (result.kind === 'program_not_found') return notFoundPage(reply, lang, t);
      if (result.kind === 'invalid') {
        // Every value comes back as typed (the national ID too: the applicant typed it and may fix one digit).
        const errors = localizeErrors(result.fields, values, program, t);
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
      const { applicationNumber, phoneVerification } = result.ack;
      return doneRedirect(reply, program.code, applicationNumber, lang, {
        ...(phoneVerification === 'verified' ? { v: '1' } : {}),
        ...(result.kind === 'existing' ? { e: '1' } : {}),
      });
    });

    scope.get<{ Params: { code: string }; Querystring: { n?: string; e?: string; v?: string } }>(
      '/apply/:code/done',
      async (request, reply) => {
        const { lang, t } = pageLanguage(request, reply);
        const program = await findProgram(request.params.code);
        if (!program) return notFoundPage(reply, lang, t);
        const number = String(request.query.n ?? '');
        if (!APPLICATION_NUMBER.test(number)) return reply.redirect(`/apply/${program.code}`, 303);
        return sendDone(reply, lang, t, 200, {
          programCode: program.code,
          number,
          existing: request.query.e === '1',
          confirmed: request.query.v === '1',
        });
      },
    );

    // The code step: a code typed back (then the confirmation without the step), or `resend` for a new one.
    // Counted per address as intake is, and per number as the API counts (web/api/applications.ts).
    scope.post<{ Params: { code: string } }>('/apply/:code/confirm', async (request, reply) => {
      const { lang, t } = pageLanguage(request, reply);
      const program = await findProgram(request.params.code);
      if (!program) return notFoundPage(reply, lang, t);
      const number = field(request.body, 'number').trim().toUpperCase().slice(0, 20);
      if (!APPLICATION_NUMBER.test(number)) return reply.redirect(`/apply/${program.code}`, 303);
      await ctx.limits.consume('intakePerIp', request.ip);
      const view: DoneView = { programCode: program.code, number, existing: false, confirmed: false };
      if (field(request.body, 'resend') === '1') {
        await resendPhoneCode(ctx, decoys, number, () => ctx.limits.consume('phoneCodePerNumber', number));
        return sendDone(reply, lang, t, 200, { ...view, note: t('confirm.resent') });
      }
      const code = field(request.body, 'code').trim();
      if (!/^\d{6}$/.test(code)) return sendDone(reply, lang, t, 400, { ...view, error: t('err.code') });
      await ctx.limits.consume('phoneVerifyPerNumber', number);
      const result = await confirmPhone(ctx, decoys, number, code);
      if (result.kind === 'refused') return sendDone(reply, lang, t, 400, { ...view, error: t(`err.code.${result.reason}`) });
      return doneRedirect(reply, program.code, number, lang, { v: '1' });
    });
  });
}

// The applicant's status page and appeal. Looked up by application number + date of birth, both sent
// in a POST body: a date of birth never goes in a URL (history, proxies, referrers). Every answer that
// shows an application is no-store. "Not found" is one generic answer for either wrong value.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { fileAppeal, lookupApplication, requestAppealCode } from '../services/appeals';
import { phoneConfirmation } from '../services/phone-verification';
import type { WebContext } from '../http/context';
import type { Language, Translate } from './i18n';
import { dateProblem, isoDate, type FieldError } from './apply-input';
import { applicantScope, pageLanguage, sendPage } from './http';
import { field } from '../http/form';
import { guardedByBirthDate } from '../http/birth-date-guard';
import { appealCodeForm, lookupForm, messagePage, statusView, type AppealDraft, type LookupValues } from './status-page';

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

export function statusRoutes(app: FastifyInstance, ctx: WebContext): void {
  const page = (
    reply: FastifyReply,
    lang: Language,
    t: Translate,
    status: number,
    body: ReturnType<typeof lookupForm>,
    title = t('status.title'),
  ) => sendPage(reply, { lang, t, status, title, body, switchPath: '/status', personal: true });

  applicantScope(app, ctx.log, (scope) => {
    scope.get<{ Querystring: { n?: string } }>('/status', (request, reply) => {
      const { lang, t } = pageLanguage(request, reply);
      // Only the number may come from a link (the confirmation page's); never the date of birth.
      const number = typeof request.query.n === 'string' ? request.query.n.slice(0, 20) : '';
      const body = lookupForm(t, lang, { number, dobDay: '', dobMonth: '', dobYear: '' }, []);
      return sendPage(reply, { lang, t, title: t('status.title'), body, switchPath: '/status', personal: false });
    });

    scope.post('/status', { config: { inlineTextErrors: true } }, async (request, reply) => {
      const { lang, t } = pageLanguage(request, reply);
      const v: LookupValues = {
        number: field(request.body, 'number').trim().slice(0, 20),
        dobDay: field(request.body, 'dobDay').slice(0, 4),
        dobMonth: field(request.body, 'dobMonth').slice(0, 4),
        dobYear: field(request.body, 'dobYear').slice(0, 6),
      };
      const errors: FieldError[] = [];
      // Characters no one can type were taken out of the values (request.textErrors): the field is wrong.
      const unreadable = request.textErrors ?? {};
      if (!v.number || unreadable.number) errors.push({ field: 'number', anchor: 'number', message: t('err.number') });
      const problem =
        unreadable.dobDay || unreadable.dobMonth || unreadable.dobYear ? 'invalid' : dateProblem(v.dobDay, v.dobMonth, v.dobYear);
      if (problem) errors.push({ field: 'dateOfBirth', anchor: 'dobDay', message: t(`err.dateOfBirth.${problem}`) });
      if (errors.length) return page(reply, lang, t, 400, lookupForm(t, lang, v, errors), `${t('errors.prefix')} ${t('status.title')}`);

      const dateOfBirth = isoDate(v.dobDay, v.dobMonth, v.dobYear);
      const view = await guardedByBirthDate(ctx.limits, request.ip, v.number, 'statusLookup', () =>
        lookupApplication(ctx, v.number, dateOfBirth),
      );
      if (!view) return page(reply, lang, t, 404, lookupForm(t, lang, v, [], true));
      // Waiting for its phone to be confirmed: the way back to the code step (from the confirmation page).
      const phone = view.status === 'RECEIVED' ? await phoneConfirmation(ctx, view.applicationNumber) : null;
      const confirmHref =
        phone && !phone.verified
          ? `/apply/${encodeURIComponent(phone.programCode)}/done?${new URLSearchParams({ n: view.applicationNumber, lang }).toString()}`
          : undefined;
      return page(reply, lang, t, 200, statusView(t, lang, view, dateOfBirth, confirmHref));
    });

    // An appeal takes two steps: the statement (a code goes by SMS to the application's phone), then the code.
    scope.post('/status/appeal', async (request, reply) => {
      const { lang, t } = pageLanguage(request, reply);
      const draft: AppealDraft = {
        number: field(request.body, 'number').trim().slice(0, 20),
        dateOfBirth: field(request.body, 'dateOfBirth'),
        statement: field(request.body, 'statement').slice(0, 2000),
      };
      const code = field(request.body, 'code').trim();
      const { number, dateOfBirth } = draft;
      const [y = '', m = '', d = ''] = dateOfBirth.split('-');
      const codePage = (status: number, note: string, error?: string) =>
        page(reply, lang, t, status, appealCodeForm(t, lang, draft, note, error), t('appeal.title'));
      if (code && !/^\d{6}$/.test(code)) return codePage(400, t('appeal.intro'), t('err.code'));
      const result =
        number && ISO_DATE.test(dateOfBirth)
          ? ((await guardedByBirthDate(ctx.limits, request.ip, number, 'appeal', async () => {
              const outcome = code
                ? await fileAppeal(ctx, number, dateOfBirth, draft.statement, code)
                : await requestAppealCode(ctx, number, dateOfBirth, () => ctx.limits.consume('appealCodePerNumber', number.toUpperCase()));
              return outcome.kind === 'not_found' ? null : outcome;
            })) ?? { kind: 'not_found' as const })
          : { kind: 'not_found' as const };
      switch (result.kind) {
        case 'filed':
          return page(
            reply,
            lang,
            t,
            200,
            messagePage(t, t('appeal.filed'), t('appeal.filed.body', { number: number.toUpperCase() })),
            t('appeal.filed'),
          );
        case 'already_appealed':
          return page(reply, lang, t, 200, messagePage(t, t('appeal.title'), t('appeal.already')), t('appeal.title'));
        case 'not_appealable':
          return page(
            reply,
            lang,
            t,
            409,
            messagePage(t, t('appeal.title'), t(result.reason === 'window_closed' ? 'appeal.closed' : 'appeal.notRejected')),
            t('appeal.title'),
          );
        case 'code_sent':
          return codePage(200, t('appeal.code.sent', { ending: result.phoneEnding }));
        case 'code_refused':
          return codePage(400, t('appeal.intro'), t(`err.code.${result.reason}`));
        case 'not_found':
          return page(reply, lang, t, 404, lookupForm(t, lang, { number, dobDay: d, dobMonth: m, dobYear: y }, [], true));
      }
    });
  });
}

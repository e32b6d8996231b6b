// POST /status/account: another account for one its rail did not confirm (web/services/account-replacement.ts).
// Without a code, the account is checked for form and a code goes by SMS; with one, the account is given.
// Proven and counted as an appeal is: the number and date of birth in the body, the birth-date lock-out.
import type { FastifyInstance } from 'fastify';
import { PaymentMethod } from '../../schema/application';
import { parseInput } from '../../schema/fields';
import { giveAnotherAccount, requestAccountCode } from '../services/account-replacement';
import { guardedByBirthDate } from '../http/birth-date-guard';
import { field } from '../http/form';
import type { WebContext } from '../http/context';
import { accountCodeForm, accountForm, countryOfNumber, type AccountDraft } from './account-page';
import { emptyForm, localizeErrors, toApplication } from './apply-input';
import { applicantScope, pageLanguage, sendPage } from './http';
import { lookupForm, messagePage } from './status-page';

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

export function accountRoutes(app: FastifyInstance, ctx: WebContext): void {
  applicantScope(app, ctx.log, (scope) => {
    scope.post('/status/account', async (request, reply) => {
      const { lang, t } = pageLanguage(request, reply);
      const page = (status: number, body: ReturnType<typeof messagePage>) =>
        sendPage(reply, { lang, t, status, title: t('account.title'), body, switchPath: '/status', personal: true });
      const draft: AccountDraft = {
        number: field(request.body, 'number').trim().slice(0, 20),
        dateOfBirth: field(request.body, 'dateOfBirth').slice(0, 10),
        rail: field(request.body, 'rail').slice(0, 10),
        bankCode: field(request.body, 'bankCode').slice(0, 20),
        accountNumber: field(request.body, 'accountNumber').slice(0, 40),
        msisdn: field(request.body, 'msisdn').slice(0, 30),
      };
      const code = field(request.body, 'code').trim();
      const { number, dateOfBirth } = draft;
      const [y = '', m = '', d = ''] = dateOfBirth.split('-');
      const notFound = () => page(404, lookupForm(t, lang, { number, dobDay: d, dobMonth: m, dobYear: y }, [], true));
      if (!number || !ISO_DATE.test(dateOfBirth)) return notFound();

      // The account as the intake reads it (spaces, dots and local phone numbers allowed), or its errors.
      const country = countryOfNumber(number);
      const values = {
        ...emptyForm(),
        rail: draft.rail,
        bankCode: draft.bankCode,
        accountNumber: draft.accountNumber,
        msisdn: draft.msisdn,
      };
      const parsed = parseInput(PaymentMethod, toApplication(values, lang, country).payment);
      if (!parsed.ok) {
        const fields = Object.fromEntries(Object.entries(parsed.fields).map(([k, v]) => [k === 'body' ? 'payment' : `payment.${k}`, v]));
        return page(400, accountForm(t, lang, draft, localizeErrors(fields, values, { country, callingCodes: [] }, t), 'h1'));
      }
      const codePage = (status: number, note: string, error?: string) => page(status, accountCodeForm(t, lang, draft, note, error));
      if (code && !/^\d{6}$/.test(code)) return codePage(400, t('account.intro'), t('err.code'));

      const result =
        (await guardedByBirthDate(ctx.limits, request.ip, number, 'account', async () => {
          const outcome = code
            ? await giveAnotherAccount(ctx, number, dateOfBirth, code, parsed.value)
            : await requestAccountCode(ctx, number, dateOfBirth, () => ctx.limits.consume('accountCodePerNumber', number.toUpperCase()));
          return outcome.kind === 'not_found' ? null : outcome;
        })) ?? ({ kind: 'not_found' } as const);
      switch (result.kind) {
        case 'given':
          return page(200, messagePage(t, t('account.given'), t('account.given.body', { number: number.toUpperCase() })));
        case 'not_waiting':
          return page(409, messagePage(t, t('account.title'), t('account.notWaiting')));
        case 'code_sent':
          return codePage(200, t('account.code.sent', { ending: result.phoneEnding }));
        case 'code_refused':
          return codePage(400, t('account.intro'), t(`err.code.${result.reason}`));
        case 'not_found':
          return notFound();
      }
    });
  });
}

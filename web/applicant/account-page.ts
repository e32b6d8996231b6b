// The status page's answer to an account its rail did not confirm: another account, in two steps like an
// appeal (the account, then the code sent by SMS to the application's phone), without JavaScript.
import type { Country } from '../../domain/national-id';
import { html, attr, type Html } from '../http/html';
import type { Language, Translate } from './i18n';
import { described, errorSummary, payment, type Form } from './apply-form';
import { emptyForm, type FieldError } from './apply-input';

/** What the account form carries from one step to the next. */
export interface AccountDraft {
  number: string;
  dateOfBirth: string;
  rail: string;
  bankCode: string;
  accountNumber: string;
  msisdn: string;
}

/** The country of an application, from its number's prefix (BR-…, AR-…): how its phone numbers are read. */
export const countryOfNumber = (number: string): Country => (number.toUpperCase().startsWith('AR-') ? 'AR' : 'BR');

const formOf = (t: Translate, draft: AccountDraft, errors: FieldError[]): Form => ({
  t,
  v: { ...emptyForm(), rail: draft.rail, bankCode: draft.bankCode, accountNumber: draft.accountNumber, msisdn: draft.msisdn },
  errors: new Map(errors.map((e) => [e.field, e.message])),
  country: countryOfNumber(draft.number),
});

const hidden = (draft: AccountDraft) =>
  html`<input type="hidden" name="number" value="${draft.number}"><input type="hidden" name="dateOfBirth" value="${draft.dateOfBirth}">`;

/** The first step: the new account (shown on the status page, and again with its errors). */
export function accountForm(t: Translate, lang: Language, draft: AccountDraft, errors: FieldError[] = [], heading = 'h2'): Html {
  const title = heading === 'h1' ? html`<h1>${t('account.title')}</h1>` : html`<h2>${t('account.title')}</h2>`;
  return html`${errorSummary(t, errors)}${title}<p>${t('account.intro')}</p>
<form method="post" action="/status/account?lang=${lang}" novalidate>${hidden(draft)}
${payment(formOf(t, draft, errors))}
<button type="submit">${t('account.submit')}</button>
</form>`;
}

/** The second step: the code sent by SMS, the account carried along, and a way to ask for a new code. */
export function accountCodeForm(t: Translate, lang: Language, draft: AccountDraft, note: string, error?: string): Html {
  const f = formOf(t, draft, []);
  const d = described(f, 'code', error, t('hint.code'));
  const errors: FieldError[] = error ? [{ field: 'code', anchor: 'code', message: error }] : [];
  const account = html`<input type="hidden" name="rail" value="${draft.rail}"><input type="hidden" name="bankCode" value="${draft.bankCode}"><input type="hidden" name="accountNumber" value="${draft.accountNumber}"><input type="hidden" name="msisdn" value="${draft.msisdn}">`;
  return html`${errorSummary(t, errors)}<h1>${t('account.title')}</h1><p>${note}</p>
<form method="post" action="/status/account?lang=${lang}" novalidate>${hidden(draft)}${account}
<div class="f"><label for="code">${t('label.code')}</label>${d.text}<input id="code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" maxlength="6" required aria-describedby="${d.ids}"${attr(!!error, 'aria-invalid', 'true')} class="${error ? 'short err' : 'short'}"></div>
<button type="submit">${t('account.save')}</button>
</form>
<form method="post" action="/status/account?lang=${lang}" novalidate>${hidden(draft)}${account}
<button type="submit">${t('appeal.code.resend')}</button>
</form>`;
}

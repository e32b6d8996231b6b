// The confirmation page after applying, and the form's second step on it: the code sent by SMS to the
// phone, typed back (no JavaScript: a plain form with the number in a hidden field, and a second form for
// a new code, like the appeal's code step). Until the phone is confirmed the application is not checked,
// so the step comes first, under the number. The page knows only the number (from its address): it looks
// nothing up, so it shows the same to anyone, and says nothing of the phone.
import { attr, html, type Html } from '../http/html';
import type { Language, Translate } from './i18n';
import { described, errorSummary, type Form } from './apply-form';
import { emptyForm, type FieldError } from './apply-input';

export interface DoneView {
  programCode: string;
  number: string;
  /** The Idempotency-Key's answer: this application was received before. */
  existing: boolean;
  /** The phone is confirmed: no code step. */
  confirmed: boolean;
  /** Above the code step: a new code went, for instance. */
  note?: string;
  /** What was wrong with the code typed. */
  error?: string;
}

function codeStep(t: Translate, lang: Language, v: DoneView): Html {
  const f: Form = { t, v: emptyForm(), errors: new Map(), country: 'BR' };
  const d = described(f, 'code', v.error, t('hint.code'));
  const action = `/apply/${encodeURIComponent(v.programCode)}/confirm?lang=${lang}`;
  const number = html`<input type="hidden" name="number" value="${v.number}">`;
  return html`<section aria-labelledby="confirm-title"><h2 id="confirm-title">${t('confirm.title')}</h2>
${v.note ? html`<p role="status">${v.note}</p>` : ''}<p>${t('confirm.intro')}</p>
<form method="post" action="${action}" novalidate>${number}
<div class="f"><label for="code">${t('label.code')}</label>${d.text}<input id="code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" maxlength="6" required aria-describedby="${d.ids}"${attr(!!v.error, 'aria-invalid', 'true')} class="${v.error ? 'short err' : 'short'}"></div>
<button type="submit">${t('confirm.submit')}</button>
</form>
<form method="post" action="${action}" novalidate>${number}<input type="hidden" name="resend" value="1">
<button type="submit">${t('appeal.code.resend')}</button>
</form></section>`;
}

export function donePage(t: Translate, lang: Language, v: DoneView): Html {
  const statusHref = `/status?${new URLSearchParams({ n: v.number }).toString()}`;
  const errors: FieldError[] = v.error ? [{ field: 'code', anchor: 'code', message: v.error }] : [];
  return html`${errorSummary(t, errors)}<div class="panel"><h1>${t('done.title')}</h1><p>${t('done.number')}</p><p class="number">${v.number}</p></div>
${v.existing ? html`<p>${t('done.existing')}</p>` : ''}
${v.confirmed ? html`<p role="status"><strong>${t('confirm.done')}</strong></p>` : codeStep(t, lang, v)}
<p>${t('done.keep')}</p>
<h2>${t('done.next')}</h2><ol><li>${t('done.next.1')}</li><li>${t('done.next.2')}</li><li>${t('done.next.3')}</li></ol>
<p><a href="${statusHref}">${t('site.statusLink')}</a></p>`;
}

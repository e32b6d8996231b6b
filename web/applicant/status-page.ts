// The status pages: the lookup form (application number + date of birth) and what the applicant may
// see about their application: where it stands in plain words, the decision with each reason as a
// sentence, and, inside the window, the appeal form.
import type { RuleResult } from '../../domain/eligibility';
import { isReasonCode } from '../../domain/reason-codes';
import { formatDate, reasonSentence, statusExplanation } from '../../domain/reason-messages';
import type { ApplicationStatusView } from '../services/appeals';
import { attr, html, type Html } from '../http/html';
import type { Language, Translate } from './i18n';
import { dateOfBirth, described, errorSummary, type Form } from './apply-form';
import { emptyForm, type FieldError } from './apply-input';
import { accountForm } from './account-page';

export interface LookupValues {
  number: string;
  dobDay: string;
  dobMonth: string;
  dobYear: string;
}

/** The lookup form; `notFound` shows the one generic answer that never says which of the two was wrong. */
export function lookupForm(t: Translate, lang: Language, v: LookupValues, errors: FieldError[], notFound = false): Html {
  const f: Form = {
    t,
    v: { ...emptyForm(), dobDay: v.dobDay, dobMonth: v.dobMonth, dobYear: v.dobYear },
    errors: new Map(errors.map((e) => [e.field, e.message])),
    country: 'BR',
  };
  const numberError = errors.find((e) => e.field === 'number')?.message;
  const d = described(f, 'number', numberError, t('hint.number'));
  return html`${errorSummary(t, errors)}${notFound ? html`<div class="summary" role="alert" tabindex="-1" autofocus><p>${t('status.notFound')}</p></div>` : ''}
<h1>${t('status.title')}</h1><p>${t('status.intro')}</p>
<form method="post" action="/status?lang=${lang}" novalidate>
<div class="f"><label for="number">${t('label.number')}</label>${d.text}<input id="number" name="number" type="text" value="${v.number}" autocomplete="off" autocapitalize="characters" spellcheck="false" maxlength="20" required aria-describedby="${d.ids}"${attr(!!numberError, 'aria-invalid', 'true')}${attr(!!numberError, 'class', 'err')}></div>
${dateOfBirth(f)}
<button type="submit">${t('status.submit')}</button>
</form>`;
}

const iso = (d: Date) => d.toISOString();

function reasons(view: ApplicationStatusView, lang: Language): string[] {
  const factsOf = (code: string) => view.ruleResults.find((r: RuleResult) => r.reasonCode === code)?.facts;
  return view.reasonCodes.filter(isReasonCode).map((code) => reasonSentence(code, lang, factsOf(code)));
}

function appealForm(t: Translate, lang: Language, view: ApplicationStatusView, dateOfBirthIso: string): Html {
  return html`<h2>${t('appeal.title')}</h2><p>${t('appeal.intro')}</p>
<form method="post" action="/status/appeal?lang=${lang}" novalidate>
<input type="hidden" name="number" value="${view.applicationNumber}"><input type="hidden" name="dateOfBirth" value="${dateOfBirthIso}">
<div class="f"><label for="statement">${t('label.statement')}</label><span class="hint" id="statement-hint">${t('hint.statement')}</span>
<textarea id="statement" name="statement" rows="6" maxlength="2000" aria-describedby="statement-hint"></textarea></div>
<button type="submit">${t('appeal.submit')}</button>
</form>`;
}

/**
 * Everything about one application, for the applicant who proved it is theirs (number + date of birth).
 * `confirmHref`: where its phone is confirmed, while it is not (nothing is checked before): the form's code step.
 */
export function statusView(t: Translate, lang: Language, view: ApplicationStatusView, dateOfBirthIso: string, confirmHref?: string): Html {
  const decided = view.status === 'ENROLLED' || view.status === 'REJECTED';
  const why = view.status === 'ENROLLED' ? [] : reasons(view, lang);
  const deadline = view.appealDeadline && formatDate(iso(view.appealDeadline), lang);
  return html`<h1>${t('status.title')}</h1>
<dl><dt>${t('status.program')}</dt><dd>${view.programName}</dd>
<dt>${t('label.number')}</dt><dd class="number">${view.applicationNumber}</dd>
<dt>${t('status.submittedOn')}</dt><dd>${formatDate(iso(view.submittedAt), lang)}</dd></dl>
<h2>${t('status.now')}</h2><p>${statusExplanation(view.status, lang)}</p>
${confirmHref ? html`<p class="box"><strong>${t('status.confirmPhone')}</strong> <a href="${confirmHref}">${t('status.confirmPhone.link')}</a></p>` : ''}
${decided ? html`<h2>${t('status.decision')}</h2><p><strong>${t(`status.decision.${view.status as 'ENROLLED' | 'REJECTED'}`)}</strong>${view.decidedAt ? html` ${t('status.decidedOn', { date: formatDate(iso(view.decidedAt), lang) })}` : ''}</p>` : ''}
${why.length ? html`<h2>${t('status.reasons')}</h2><ul>${why.map((s) => html`<li>${s}</li>`)}</ul>` : ''}
${view.status === 'REJECTED' && deadline ? html`<p><strong>${view.canAppeal ? t('status.deadline', { date: deadline }) : t('status.windowClosed', { date: deadline })}</strong></p>` : ''}
${view.canAppeal ? appealForm(t, lang, view, dateOfBirthIso) : ''}
${view.canGiveAccount ? accountForm(t, lang, { number: view.applicationNumber, dateOfBirth: dateOfBirthIso, rail: '', bankCode: '', accountNumber: '', msisdn: '' }) : ''}
<p><a href="/status">${t('status.another')}</a></p>`;
}

/** A short answer page (appeal filed, refused, …): a heading, a sentence, the way back. */
/** What the second step of an appeal carries from the first: the application, and the statement as typed. */
export interface AppealDraft {
  number: string;
  dateOfBirth: string;
  statement: string;
}

/**
 * The appeal's second step: the code sent by SMS, the statement still editable, and a way to ask for a
 * new code (a second form: no JavaScript).
 */
export function appealCodeForm(t: Translate, lang: Language, draft: AppealDraft, note: string, error?: string): Html {
  const f: Form = { t, v: emptyForm(), errors: new Map(), country: 'BR' };
  const d = described(f, 'code', error, t('hint.code'));
  const errors: FieldError[] = error ? [{ field: 'code', anchor: 'code', message: error }] : [];
  const hidden = html`<input type="hidden" name="number" value="${draft.number}"><input type="hidden" name="dateOfBirth" value="${draft.dateOfBirth}">`;
  return html`${errorSummary(t, errors)}<h1>${t('appeal.title')}</h1><p>${note}</p>
<form method="post" action="/status/appeal?lang=${lang}" novalidate>${hidden}
<div class="f"><label for="code">${t('label.code')}</label>${d.text}<input id="code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" maxlength="6" required aria-describedby="${d.ids}"${attr(!!error, 'aria-invalid', 'true')} class="${error ? 'short err' : 'short'}"></div>
<div class="f"><label for="statement">${t('label.statement')}</label><span class="hint" id="statement-hint">${t('hint.statement')}</span>
<textarea id="statement" name="statement" rows="6" maxlength="2000" aria-describedby="statement-hint">${draft.statement}</textarea></div>
<button type="submit">${t('appeal.submit')}</button>
</form>
<form method="post" action="/status/appeal?lang=${lang}" novalidate>${hidden}<input type="hidden" name="statement" value="${draft.statement}">
<button type="submit">${t('appeal.code.resend')}</button>
</form>`;
}

export function messagePage(t: Translate, title: string, text: string): Html {
  return html`<h1>${title}</h1><p>${text}</p><p><a href="/status">${t('status.another')}</a></p>`;
}

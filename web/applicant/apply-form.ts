// The application form. Server-rendered, no JavaScript: every value the applicant typed comes back on
// an error, each wrong question gets its message (aria-invalid + aria-describedby), and a summary at
// the top links to each one. Questions are plain text inputs with inputmode hints: number inputs
// and date pickers behave too differently on cheap phones (spinners, scroll wheels, lost zeros).
import { randomBytes } from 'node:crypto';
import type { Country } from '../../domain/national-id';
import { attr, html, type Html } from '../http/html';
import { countryVars, type Translate } from './i18n';
import { SUBMISSION, type ErrorField, type FieldError, type FormField, type FormValues } from './apply-input';

export interface ProgramView {
  code: string;
  name: string;
  country: Country;
  currency: string;
  /** Country calling codes of the phones the program sends to and the wallets it pays (domain/phone.ts). */
  callingCodes: string[];
}

export interface Form {
  t: Translate;
  v: FormValues;
  errors: Map<ErrorField, string>;
  country: Country;
}

interface InputOptions {
  label: string;
  hint?: string;
  type?: 'text' | 'tel';
  inputmode?: 'numeric' | 'decimal' | 'tel';
  autocomplete?: string;
  maxlength?: number;
  /** A narrow input for a short answer: the field's size hints at the answer's length. */
  short?: boolean;
}

/** A hint and an error message, with the ids that aria-describedby points at. */
export function described(f: Form, id: string, error: string | undefined, hint?: string): { text: Html; ids: string } {
  const ids = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ');
  const text = html`${hint ? html`<span class="hint" id="${id}-hint">${hint}</span>` : ''}${error ? html`<span class="msg" id="${id}-error"><span class="vh">${f.t('errors.prefix')} </span>${error}</span>` : ''}`;
  return { text, ids };
}

function input(f: Form, name: FormField & ErrorField, o: InputOptions): Html {
  const error = f.errors.get(name);
  const d = described(f, name, error, o.hint);
  return html`<div class="f"><label for="${name}">${o.label}</label>${d.text}<input id="${name}" name="${name}" type="${o.type ?? 'text'}" value="${f.v[name]}"${attr(!!o.inputmode, 'inputmode', o.inputmode)}${attr(!!o.autocomplete, 'autocomplete', o.autocomplete)} maxlength="${o.maxlength ?? 200}" required${attr(!!d.ids, 'aria-describedby', d.ids)}${attr(!!error, 'aria-invalid', 'true')}${attr(!!error || !!o.short, 'class', [o.short ? 'short' : '', error ? 'err' : ''].join(' ').trim())}></div>`;
}

export function dateOfBirth(f: Form): Html {
  const error = f.errors.get('dateOfBirth');
  const d = described(f, 'dob', error, f.t('hint.dateOfBirth'));
  const part = (name: 'dobDay' | 'dobMonth' | 'dobYear', label: string, auto: string, max: number, cls = '') =>
    html`<div${attr(!!cls, 'class', cls)}><label for="${name}">${label}</label><input id="${name}" name="${name}" type="text" inputmode="numeric" autocomplete="${auto}" maxlength="${max}" value="${f.v[name]}" required${attr(!!error, 'aria-invalid', 'true')}${attr(!!error, 'class', 'err')}></div>`;
  return html`<fieldset class="f" role="group" aria-describedby="${d.ids}"><legend>${f.t('label.dateOfBirth')}</legend>${d.text}<div class="dob">${[
    part('dobDay', f.t('label.day'), 'bday-day', 2),
    part('dobMonth', f.t('label.month'), 'bday-month', 2),
    part('dobYear', f.t('label.year'), 'bday-year', 4, 'y'),
  ]}</div></fieldset>`;
}

/** How the household is paid: the form's question, and the status page's for another account. */
export function payment(f: Form): Html {
  const vars = countryVars(f.country);
  const error = f.errors.get('rail');
  const d = described(f, 'rail', error);
  const option = (rail: 'BANK' | 'WALLET', fields: Html) =>
    html`<div class="opt"><input type="radio" id="rail-${rail}" name="rail" value="${rail}"${attr(f.v.rail === rail, 'checked')}${attr(!!error, 'aria-invalid', 'true')}${attr(!!d.ids, 'aria-describedby', d.ids)}><label for="rail-${rail}">${f.t(`label.rail.${rail}`)}</label><div class="reveal">${fields}</div></div>`;
  return html`<fieldset class="f"><legend><h2>${f.t('apply.section.payment')}</h2></legend>${d.text}${[
    option(
      'BANK',
      html`${input(f, 'bankCode', { label: f.t('label.bankCode'), hint: f.t('hint.bankCode'), inputmode: 'numeric', maxlength: 8, short: true })}${input(f, 'accountNumber', { label: f.t('label.accountNumber'), hint: f.t('hint.accountNumber'), inputmode: 'numeric', maxlength: 30 })}`,
    ),
    option(
      'WALLET',
      input(f, 'msisdn', { label: f.t('label.msisdn'), hint: f.t('hint.msisdn', vars), type: 'tel', autocomplete: 'tel', maxlength: 25 }),
    ),
  ]}</fieldset>`;
}

function consent(f: Form): Html {
  const error = f.errors.get('consent');
  const d = described(f, 'consent', error);
  return html`<section class="privacy" aria-labelledby="privacy-title"><h2 id="privacy-title">${f.t('privacy.title')}</h2><ul>${[
    f.t('privacy.what'),
    f.t('privacy.why'),
    f.t('privacy.who'),
    f.t('privacy.keep'),
    f.t('privacy.delete'),
  ].map(
    (line) => html`<li>${line}</li>`,
  )}</ul></section>${d.text}<div class="check"><input type="checkbox" id="consent" name="consent" value="yes"${attr(f.v.consent === 'yes', 'checked')} required${attr(!!error, 'aria-invalid', 'true')}${attr(!!d.ids, 'aria-describedby', d.ids)}><label for="consent">${f.t('label.consent')}</label></div>`;
}

/** The error summary: first thing on the page, each message a link to its question. */
export function errorSummary(t: Translate, errors: FieldError[]): Html {
  if (!errors.length) return html``;
  return html`<div class="summary" role="alert" aria-labelledby="errors-title" tabindex="-1" autofocus><h2 id="errors-title">${t('errors.title')}</h2><ul>${errors.map((e) => html`<li><a href="#${e.anchor}">${e.message}</a></li>`)}</ul></div>`;
}

export function applyForm(program: ProgramView, action: string, t: Translate, values: FormValues, errors: FieldError[]): Html {
  const f: Form = { t, v: values, errors: new Map(errors.map((e) => [e.field, e.message])), country: program.country };
  const vars = countryVars(program.country);
  return html`${errorSummary(t, errors)}<h1>${t('apply.title', { program: program.name })}</h1>
<p>${t('apply.intro', vars)}</p>
<form method="post" action="${action}" novalidate>
<input type="hidden" name="submission" value="${SUBMISSION.test(values.submission) ? values.submission : randomBytes(16).toString('base64url')}">
<h2>${t('apply.section.person')}</h2>
${input(f, 'nationalId', { label: t(`label.nationalId.${program.country}`), hint: t(`hint.nationalId.${program.country}`), inputmode: 'numeric', autocomplete: 'off', maxlength: 20 })}
${input(f, 'fullName', { label: t('label.fullName'), hint: t('hint.fullName'), autocomplete: 'name' })}
${dateOfBirth(f)}
${input(f, 'phone', { label: t('label.phone'), hint: t('hint.phone', vars), type: 'tel', autocomplete: 'tel', maxlength: 25 })}
${input(f, 'municipality', { label: t('label.municipality'), autocomplete: 'address-level2', maxlength: 100 })}
<h2>${t('apply.section.household')}</h2>
${input(f, 'householdSize', { label: t('label.householdSize'), hint: t('hint.householdSize'), inputmode: 'numeric', maxlength: 2, short: true })}
${input(f, 'dependantsUnder18', { label: t('label.dependantsUnder18'), hint: t('hint.dependantsUnder18'), inputmode: 'numeric', maxlength: 2, short: true })}
${input(f, 'declaredMonthlyIncome', { label: t('label.declaredMonthlyIncome'), hint: t('hint.declaredMonthlyIncome', { currency: program.currency }), inputmode: 'decimal', maxlength: 20, short: true })}
${payment(f)}
${consent(f)}
<button type="submit">${t('apply.submit')}</button>
</form>`;
}

// The create-a-program page: the JSON API's ProgramInput as plain form fields, the staggered schedule as
// rows of waves, and the commonest eligibility rules as fields of their own with any other rule as JSON.
// Rendering only: program-routes.ts reads, validates and creates. No JavaScript: on an error every value
// comes back as typed, with its message next to the field and in a summary at the top linking to it.
import { CURRENCY_MINOR_UNITS } from '../../domain/money';
import { attr, html, type Html } from '../http/html';
import { errorSummary, hiddenCsrf } from './layout';

/** The form's own fields, in page order (the error summary follows it). */
export const PROGRAM_FIELDS = [
  'code',
  'name',
  'country',
  'currency',
  'fundingAccount',
  'baseAmount',
  'amountPerDependant',
  'capPerHousehold',
  'budgetPerCycle',
  'batchSize',
  'appealWindowDays',
  'maxApplicationsPerPhone',
  'rejectedRetentionDays',
  'leftRetentionDays',
  'maxIncomePerCapita',
  'minApplicantAge',
  'moreRules',
] as const;
export type ProgramField = (typeof PROGRAM_FIELDS)[number];
/** Ten rows: one wave per digit (ten pay dates, as Bolsa Família's calendar has) needs no script to add rows. */
export const WAVE_ROWS = 10;
export const waveId = (row: number, part: 'Digits' | 'PayOn') => `wave${row}${part}`;

export interface ProgramForm {
  values: Record<ProgramField, string>;
  waves: Array<{ digits: string; payOn: string }>;
  /** By the id of the input the message belongs to (e.g. wave3PayOn), or 'schedule' / 'rules' for the whole group. */
  errors: Record<string, string>;
}

export function emptyProgramForm(): ProgramForm {
  const values = Object.fromEntries(PROGRAM_FIELDS.map((f) => [f, ''])) as Record<ProgramField, string>;
  // The JSON API's defaults, shown rather than applied unseen.
  Object.assign(values, {
    amountPerDependant: '0.00',
    batchSize: '500',
    appealWindowDays: '30',
    maxApplicationsPerPhone: '3',
    rejectedRetentionDays: '90',
    leftRetentionDays: '365',
  });
  return { values, waves: Array.from({ length: WAVE_ROWS }, () => ({ digits: '', payOn: '' })), errors: {} };
}

const CURRENCIES = Object.keys(CURRENCY_MINOR_UNITS).sort();
const COUNTRIES = { BR: 'Brazil (national ID: CPF)', AR: 'Argentina (national ID: CUIL)' } as const;
const GROUP_ANCHORS: Record<string, string> = { country: 'country-BR', schedule: waveId(1, 'Digits'), rules: 'maxIncomePerCapita' };
/** The summary lists errors in the order of the page: the fields before the schedule, the schedule, the rules. */
const RULE_FIELDS_FROM = PROGRAM_FIELDS.indexOf('maxIncomePerCapita');
const ERROR_ORDER = [
  ...PROGRAM_FIELDS.slice(0, RULE_FIELDS_FROM),
  'schedule',
  ...Array.from({ length: WAVE_ROWS }, (_, i) => [waveId(i + 1, 'Digits'), waveId(i + 1, 'PayOn')]).flat(),
  'rules',
  ...PROGRAM_FIELDS.slice(RULE_FIELDS_FROM),
];

const message = (id: string, text: string | undefined) =>
  text && html`<span class="msg" id="${id}-error"><span class="vh">Error: </span>${text}</span>`;
/** aria-describedby of a control: its hint and its error, when present. */
const describedBy = (id: string, hint: boolean, error: boolean) => {
  const ids = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ');
  return attr(!!ids, 'aria-describedby', ids);
};
const invalid = (error: boolean, short = false) =>
  html`${attr(error, 'aria-invalid', 'true')}${attr(error || short, 'class', [short ? 'short' : '', error ? 'err' : ''].join(' ').trim())}`;

interface InputOptions {
  hint?: string;
  inputmode?: 'numeric' | 'decimal';
  maxlength: number;
  short?: boolean;
  optional?: boolean;
}

function input(f: ProgramForm, name: ProgramField, label: string, o: InputOptions): Html {
  const e = f.errors[name];
  return html`<div class="f"><label for="${name}">${label}${o.optional ? ' (optional)' : ''}</label>${o.hint ? html`<span class="hint" id="${name}-hint">${o.hint}</span>` : ''}${message(name, e)}
<input id="${name}" name="${name}" type="text" value="${f.values[name]}"${attr(!!o.inputmode, 'inputmode', o.inputmode)} maxlength="${o.maxlength}" autocomplete="off" spellcheck="false"${attr(!o.optional, 'required')}${describedBy(name, !!o.hint, !!e)}${invalid(!!e, o.short)}></div>`;
}

function country(f: ProgramForm): Html {
  const e = f.errors.country;
  const option = (code: keyof typeof COUNTRIES) =>
    html`<div class="opt"><input type="radio" id="country-${code}" name="country" value="${code}"${attr(f.values.country === code, 'checked')}${attr(!!e, 'aria-invalid', 'true')}${describedBy('country', true, !!e)}><label for="country-${code}">${COUNTRIES[code]}</label></div>`;
  return html`<fieldset class="f"><legend>Country</legend><span class="hint" id="country-hint">Applicants' national IDs are checked in this country's format.</span>${message('country', e)}${option('BR')}${option('AR')}</fieldset>`;
}

function currency(f: ProgramForm): Html {
  const e = f.errors.currency;
  return html`<div class="f"><label for="currency">Currency</label><span class="hint" id="currency-hint">Every amount of the program is in this currency.</span>${message('currency', e)}
<select id="currency" name="currency" required${describedBy('currency', true, !!e)}${invalid(!!e)}><option value="">Choose a currency</option>${CURRENCIES.map((c) => html`<option value="${c}"${attr(f.values.currency === c, 'selected')}>${c}</option>`)}</select></div>`;
}

function schedule(f: ProgramForm): Html {
  const cell = (row: number, part: 'Digits' | 'PayOn', value: string, label: string) => {
    const id = waveId(row, part);
    const e = f.errors[id];
    return html`<td><label class="vh" for="${id}">Wave ${row}: ${label}</label>${message(id, e)}<input id="${id}" name="${id}" type="text" value="${value}" inputmode="${part === 'Digits' ? 'numeric' : 'text'}" maxlength="${part === 'Digits' ? 30 : 10}" autocomplete="off"${describedBy(id, false, !!e)}${invalid(!!e)}></td>`;
  };
  const rows = f.waves.map(
    (w, i) =>
      html`<tr><th scope="row">${i + 1}</th>${cell(i + 1, 'Digits', w.digits, 'last digits')}${cell(i + 1, 'PayOn', w.payOn, 'pay on')}</tr>`,
  );
  return html`<fieldset class="f"${describedBy('schedule', true, !!f.errors.schedule)}><legend><h2>Payment schedule (optional)</h2></legend>
<span class="hint" id="schedule-hint">To spread the crowds at pay points, households can be paid in waves by the last digit of their national ID, each wave on its own date. Leave every row empty to pay everyone when a cycle is launched. Otherwise each digit 0 to 9 must be in exactly one wave, and the waves in date order. Empty rows are ignored.</span>
${message('schedule', f.errors.schedule)}
<table><thead><tr><th scope="col">Wave</th><th scope="col">Last digits, e.g. 0,1,2</th><th scope="col">Pay on (YYYY-MM-DD)</th></tr></thead><tbody>${rows}</tbody></table></fieldset>`;
}

function rules(f: ProgramForm): Html {
  const e = f.errors.moreRules;
  return html`<fieldset class="f"${describedBy('rules', true, !!f.errors.rules)}><legend><h2>Eligibility rules</h2></legend>
<span class="hint" id="rules-hint">An applicant must pass every rule. Give at least one. They are version 1 of the program's rule set.</span>${message('rules', f.errors.rules)}
${input(f, 'maxIncomePerCapita', 'Highest household income per person, per month', { hint: 'Household income divided by household size, with a point before the cents, for example 218.00.', inputmode: 'decimal', maxlength: 20, short: true, optional: true })}
${input(f, 'minApplicantAge', 'Youngest age of the applicant, in years', { hint: 'For example 18.', inputmode: 'numeric', maxlength: 3, short: true, optional: true })}
<div class="f"><label for="moreRules">More rules, as JSON (optional)</label><span class="hint" id="moreRules-hint">An array of rule objects as the API takes them, for example [{"type": "max_applicant_age", "years": 65}, {"type": "min_children", "count": 1, "underAge": 18}].</span>${message('moreRules', e)}
<textarea id="moreRules" name="moreRules" rows="6" maxlength="20000" spellcheck="false"${describedBy('moreRules', true, !!e)}${invalid(!!e)}>${f.values.moreRules}</textarea></div></fieldset>`;
}

export function programFormPage(f: ProgramForm, csrfToken: string): Html {
  const errors = ERROR_ORDER.filter((k) => f.errors[k]).map((k) => ({ anchor: GROUP_ANCHORS[k] ?? k, message: f.errors[k]! }));
  const amount = (name: ProgramField, label: string, hint: string, optional = false) =>
    input(f, name, label, { hint, inputmode: 'decimal', maxlength: 20, short: true, optional });
  const count = (name: ProgramField, label: string, hint: string) =>
    input(f, name, label, { hint, inputmode: 'numeric', maxlength: 4, short: true });
  return html`${errorSummary(errors)}
<h1>Create a program</h1>
<p>As soon as the program is created, its application form is open to the public and payment cycles can be prepared for it.</p>
<form method="post" action="/admin/programs/new" novalidate class="narrow">${hiddenCsrf(csrfToken)}
<h2>The program</h2>
${input(f, 'code', 'Code', { hint: '2 to 40 upper-case letters, digits and dashes, for example BF-2025. It is part of the address of the application form (/apply/CODE) and cannot be changed later.', maxlength: 40 })}
${input(f, 'name', 'Name', { hint: 'As applicants will see it.', maxlength: 200 })}
${country(f)}
${currency(f)}
${input(f, 'fundingAccount', 'Funding account', { hint: 'The account payments are debited from: 4 to 34 upper-case letters, digits and dashes.', maxlength: 34 })}
<h2>Amounts per household and cycle</h2>
${amount('baseAmount', 'Base amount', 'Paid to every household each cycle, with a point before the cents, for example 600.00.')}
${amount('amountPerDependant', 'Amount per dependant', 'Added for each dependant; 0.00 for none.')}
${amount('capPerHousehold', 'Cap per household', 'The most one household is paid in a cycle. Empty: no cap.', true)}
${amount('budgetPerCycle', 'Budget per cycle', 'A cycle above this total cannot be approved. Empty: no budget.', true)}
<h2>Operations</h2>
${count('batchSize', 'Batch size', 'Payments sent to a bank or wallet provider at once, from 1 to 5000.')}
${count('appealWindowDays', 'Appeal window, in days', 'How long a rejected applicant has to appeal, from 1 to 365.')}
${count('maxApplicationsPerPhone', 'Applications per phone number', 'More than this from one phone number are refused, from 1 to 100.')}
<h2>Keeping personal data</h2>
<p>Names, national IDs, birth dates, phones and accounts are erased when no longer needed; what audit, reconciliation and deduplication need stays.</p>
${count('rejectedRetentionDays', 'After a rejection, in days', 'How long a rejected application is kept once its appeal window has closed, from 0 to 3650.')}
${count('leftRetentionDays', 'After leaving the program, in days', 'How long a household is kept once it has left the program, from 0 to 3650.')}
${schedule(f)}
${rules(f)}
<button type="submit">Create the program</button></form>
<p><a href="/admin/cycles">Back to payment cycles</a></p>`;
}

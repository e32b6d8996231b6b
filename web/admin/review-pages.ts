// The reviewers' pages: the queue, and one task with everything needed to decide it. National IDs and
// accounts are masked to their last digits (enough to compare, not enough to copy); names, dates and
// places are shown in full because telling two people apart needs them.
import type { RuleResult } from '../../domain/eligibility';
import { isReasonCode } from '../../domain/reason-codes';
import { reasonSentence } from '../../domain/reason-messages';
import type { ReviewKind } from '../../domain/review-kinds';
import { mask } from '../../lib/pii';
import { attr, html, type Html } from '../http/html';
import type { openReviewTasks, reviewTask } from '../services/reviews';
import { comparisonTable } from './review-compare';
import { errorSummary, hiddenCsrf, isoDate, waited } from './layout';

type QueueTask = Awaited<ReturnType<typeof openReviewTasks>>[number];
export type Task = NonNullable<Awaited<ReturnType<typeof reviewTask>>>;
export type DecisionField = 'decision' | 'comment';
export interface DecisionForm {
  decision: string;
  comment: string;
  errors: Partial<Record<DecisionField, string>>;
}

export const KIND_NAMES: Record<ReviewKind, string> = {
  DUPLICATE: 'Probable duplicate',
  APPEAL: 'Appeal',
  ACCOUNT: 'Account not confirmed',
};

export function queuePage(tasks: QueueTask[], total: number, kind: ReviewKind | undefined, decided: string | undefined): Html {
  const filter = (k: ReviewKind | undefined, label: string) =>
    html`<li><a href="/admin/reviews${k ? `?kind=${k}` : ''}"${attr(kind === k, 'aria-current', 'page')}>${label}</a></li>`;
  const rows = tasks.map(
    (t) => html`<tr><td><a href="/admin/reviews/${t.id}">${t.applicationNumber}</a></td><td>${t.program.name} (${t.program.code})</td>
<td>${KIND_NAMES[t.kind]}</td><td><time datetime="${t.createdAt.toISOString()}">${waited(t.createdAt)}</time></td><td>${t.candidates}</td></tr>`,
  );
  return html`${decided ? html`<div class="notice" role="status"><p>Decision recorded for application <strong>${decided}</strong>.</p></div>` : ''}
<h1>Review queue</h1>
<nav aria-label="Filter by kind"><ul class="filters">${filter(undefined, 'All')}${filter('DUPLICATE', 'Probable duplicates')}${filter('APPEAL', 'Appeals')}${filter('ACCOUNT', 'Accounts not confirmed')}</ul></nav>
${
  tasks.length
    ? html`<div class="scroll" role="region" aria-labelledby="queue-caption" tabindex="0"><table><caption id="queue-caption">${total} open ${total === 1 ? 'task' : 'tasks'}, oldest first${total > tasks.length ? `; the oldest ${tasks.length} shown` : ''}</caption>
<thead><tr><th scope="col">Application</th><th scope="col">Program</th><th scope="col">Kind</th><th scope="col">Waiting</th><th scope="col">Candidates</th></tr></thead>
<tbody>${rows}</tbody></table></div>`
    : html`<p>No open tasks${kind ? ' of this kind' : ''}. Well done.</p>`
}`;
}

/** A value of the registry facts: lists as lists, objects as "key: value" pairs. */
function factValue(value: unknown): Html | string {
  if (value === null || value === undefined || value === '') return '-';
  if (Array.isArray(value)) return value.length ? html`<ul>${value.map((v) => html`<li>${factValue(v)}</li>`)}</ul>` : 'none';
  if (typeof value === 'object')
    return Object.entries(value)
      .map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
      .join(', ');
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  return typeof value === 'string' || typeof value === 'number' ? String(value) : JSON.stringify(value);
}

const factList = (facts: Record<string, unknown>) => {
  const entries = Object.entries(facts);
  return entries.length ? html`<ul>${entries.map(([k, v]) => html`<li>${k}: ${factValue(v)}</li>`)}</ul>` : '-';
};

function applicantSection(a: Task['application']): Html {
  const facts = (a.registryFacts ?? {}) as Record<string, unknown>;
  const row = (label: string, value: Html | string) => html`<tr><th scope="row">${label}</th><td>${value}</td></tr>`;
  return html`<h2>Applicant and registry facts</h2>
<table><caption>What the applicant declared</caption><tbody>
${row('Declared monthly income', a.declaredMonthlyIncome.toFixed(2))}${row('Dependants under 18', String(a.dependantsUnder18))}${row('Submitted', isoDate(a.createdAt))}
</tbody></table>
${
  a.registryFacts
    ? html`<table><caption>Facts from the social registry</caption><tbody>${Object.entries(facts).map(([k, v]) => row(k, factValue(v)))}</tbody></table>`
    : html`<p>No registry facts: the application was not verified against the registry.</p>`
}`;
}

function rulesSection(a: Task['application']): Html {
  const results = (Array.isArray(a.ruleResults) ? a.ruleResults : []) as unknown as RuleResult[];
  const sentence = (code: string | undefined, facts?: RuleResult['facts']) =>
    code && isReasonCode(code) ? reasonSentence(code, 'en', facts) : (code ?? '');
  const reasons = a.reasonCodes.map(
    (code) => html`<li><strong>${code}</strong>: ${sentence(code, results.find((r) => r.reasonCode === code)?.facts)}</li>`,
  );
  return html`<h2>Eligibility rules</h2>
${
  results.length
    ? html`<table><caption>Rule results (${results.filter((r) => !r.passed).length} failed of ${results.length})</caption>
<thead><tr><th scope="col">Rule</th><th scope="col">Result</th><th scope="col">Facts used</th><th scope="col">Reason</th></tr></thead>
<tbody>${results.map((r) => html`<tr><td>${r.rule}</td><td class="${r.passed ? 'pass' : 'fail'}">${r.passed ? 'Passed' : 'Failed'}</td><td>${factList(r.facts ?? {})}</td><td>${r.passed ? '' : sentence(r.reasonCode, r.facts)}</td></tr>`)}</tbody></table>`
    : html`<p>No rule results recorded.</p>`
}
<h3>Reasons recorded on the application</h3>
${reasons.length ? html`<ul>${reasons}</ul>` : html`<p>None.</p>`}`;
}

function decisionSection(task: Task, csrfToken: string, form: DecisionForm, decidedBy: string | null): Html {
  if (task.status === 'DECIDED') {
    return html`<h2>Decision</h2><p><strong>${task.decision === 'ENROLL' ? 'Enrol' : 'Reject'}</strong>, decided ${task.decidedAt ? isoDate(task.decidedAt) : ''}${decidedBy ? html` by ${decidedBy}` : ''}.</p><blockquote>${task.comment ?? ''}</blockquote>`;
  }
  const labels =
    task.kind === 'APPEAL'
      ? { ENROLL: 'Enrol: the appeal is upheld', REJECT: 'Reject: the rejection stands' }
      : { ENROLL: 'Enrol: not the same person or household as the candidates', REJECT: 'Reject: a duplicate of someone already enrolled' };
  const e = form.errors;
  const option = (value: 'ENROLL' | 'REJECT') =>
    html`<div class="opt"><input type="radio" id="decision-${value}" name="decision" value="${value}"${attr(form.decision === value, 'checked')}><label for="decision-${value}">${labels[value]}</label></div>`;
  const message = (id: string, text?: string) =>
    text && html`<span class="msg" id="${id}-error"><span class="vh">Error: </span>${text}</span>`;
  return html`<h2 id="decide">Decision</h2>
<form method="post" action="/admin/reviews/${task.id}/decision" novalidate class="narrow">${hiddenCsrf(csrfToken)}
<fieldset${attr(!!e.decision, 'aria-describedby', 'decision-error')}><legend>Your decision</legend>${message('decision', e.decision)}${option('ENROLL')}${option('REJECT')}</fieldset>
<div class="f"><label for="comment">Comment</label><span class="hint" id="comment-hint">Why: kept in the audit trail and shown to later reviewers.</span>${message('comment', e.comment)}
<textarea id="comment" name="comment" rows="4" maxlength="2000" required aria-describedby="comment-hint${e.comment ? ' comment-error' : ''}"${attr(!!e.comment, 'aria-invalid', 'true')}${attr(!!e.comment, 'class', 'err')}>${form.comment}</textarea></div>
<button type="submit">Record decision</button></form>`;
}

export function reviewPage(task: Task, csrfToken: string, form: DecisionForm, decidedBy: string | null): Html {
  const a = task.application;
  const errors = (Object.entries(form.errors) as [DecisionField, string][]).map(([f, message]) => ({
    anchor: f === 'decision' ? 'decision-ENROLL' : f,
    message,
  }));
  const earlier = task.earlierReviews;
  return html`${errorSummary(errors)}
<h1>${KIND_NAMES[task.kind]}: application ${a.number}</h1>
<p>${a.program.name} (${a.program.code}). Opened ${isoDate(task.createdAt)}${task.status === 'OPEN' ? `, waiting ${waited(task.createdAt)}` : ''}. Application status: ${a.status}. National ID ${a.nationalId ? mask(a.nationalId) : '(erased)'}.</p>
${task.kind === 'APPEAL' ? html`<h2>The applicant's appeal</h2>${task.statement ? html`<blockquote>${task.statement}</blockquote>` : html`<p>No statement given.</p>`}` : ''}
${comparisonTable(a)}
${applicantSection(a)}
${rulesSection(a)}
<h2>Earlier reviews of this application</h2>
${
  earlier.length
    ? html`<table><thead><tr><th scope="col">Kind</th><th scope="col">Decision</th><th scope="col">Comment</th><th scope="col">Decided</th></tr></thead>
<tbody>${earlier.map((r) => html`<tr><td>${KIND_NAMES[r.kind]}</td><td>${r.decision ?? 'open'}</td><td>${r.comment ?? ''}</td><td>${r.decidedAt ? isoDate(r.decidedAt) : ''}</td></tr>`)}</tbody></table>`
    : html`<p>None.</p>`
}
${decisionSection(task, csrfToken, form, decidedBy)}
<p><a href="/admin/reviews">Back to the queue</a></p>`;
}

// A cycle's finance report as pages: control totals per rail and currency with the check shown, the
// outcome chart (finance-report-chart.ts), breaks by class and rail with links to each class's breaks,
// the CSV downloads and the sign-off; and the paged list of breaks, each open one with its small form.
// Rendering only: finance-report-routes.ts reads the data and checks roles. Names and accounts arrive
// masked (web/finance-report.ts says why); forms show only to finance and only while nothing is signed.
import Decimal from 'decimal.js';
import type { BreakStatus, Role } from '../../generated/prisma/client';
import type { BreakClass, BreakResolution } from '../../domain/reconciliation-classes';
import type { PendingDecision } from '../services/decisions';
import { decisionBox } from './decision-forms';
import { BREAK_STATUSES, type BreakItem, type FinanceReport, type RailTotals } from '../services/finance-report';
import { attr, html, type Html } from '../http/html';
import { outcomeChart } from './finance-report-chart';
import { STATUS_NAMES } from './cycle-list';
import { errorSummary, hiddenCsrf } from './layout';

export const CLASS_TEXT: Record<string, string> = {
  CREDITED_TWICE: 'Two or more payment lines on the statement for one payment',
  REVERSED_AFTER_PAYMENT: 'Paid, then reversed: the money came back',
  AMOUNT_MISMATCH: 'On the statement with another amount or currency',
  RAIL_FAILED_OURS_PAID: 'We recorded it paid; the rail says it failed',
  RAIL_PAID_OURS_NOT: 'The rail paid it; we have it failed or pending',
  UNKNOWN_TO_RAIL: 'Sent, but the rail has no record of it',
  PENDING_PAST_DEADLINE: 'Still not settled after the settlement deadline',
  NOT_INSTRUCTED: 'A debit of the funding account we never instructed',
};
export const RESOLUTION_TEXT: Record<BreakResolution, string> = {
  CONFIRM: 'Confirm: it reached the beneficiary once (mark it paid)',
  REISSUE: 'Re-issue: it did not reach them (mark it failed)',
  REQUEST_RETURN: 'Request a return from the rail',
  WRITE_OFF: 'Write off the excess as lost',
};
const STATUS_TEXT: Record<string, string> = { OPEN: 'Open', RESOLVED: 'Resolved', CLEARED: 'Cleared by a later run' };
const ROWS = [
  ['instructed', 'Instructed'],
  ['paid', 'Paid (matched)'],
  ['failed', 'Failed'],
  ['pending', 'Pending'],
  ['breaks', 'In break'],
  ['heldBack', 'Held back (account not confirmed, identity disputed)'],
  ['notInstructed', 'Not instructed (unknown lines)'],
  ['statement', 'On the statement'],
] as const;

export const at = (iso: string) => html`<time datetime="${iso}">${iso.slice(0, 16).replace('T', ' ')} UTC</time>`;
const base = (r: FinanceReport) => `/admin/cycles/${r.cycle.id}/report`;
const title = (r: FinanceReport) => `Cycle ${r.cycle.number} of ${r.cycle.programCode}`;
const notice = (text?: string) => (text ? html`<div class="notice" role="status"><p>${text}</p></div>` : '');
/** The breaks list (or its CSV) with only the filters set; page 1 is the default and left out. */
export const breaksHref = (cycleId: string, q: { class?: string; status?: string; page?: number }, csv = false) => {
  const qs = new URLSearchParams(
    Object.entries(q)
      .filter(([k, v]) => v !== undefined && !(k === 'page' && (v === 1 || csv)))
      .map(([k, v]): [string, string] => [k, String(v)]),
  ).toString();
  return `/admin/cycles/${cycleId}/report/breaks${csv ? '.csv' : ''}${qs ? `?${qs}` : ''}`;
};

function railTotals(t: RailTotals): Html {
  const row = (label: string, c: { count: number; amount: string }) =>
    html`<tr><th scope="row">${label}</th><td class="n">${c.count}</td><td class="n">${c.amount}</td></tr>`;
  const parts = [t.paid, t.failed, t.pending, t.breaks];
  const accounted = {
    count: parts.reduce((n, c) => n + c.count, 0),
    amount: parts.reduce((s, c) => s.plus(c.amount), new Decimal(0)).toFixed(2),
  };
  return html`<table id="totals-${`${t.provider}-${t.currency}`.replace(/[^\w-]/g, '_')}"><caption>${t.provider}, ${t.currency}</caption>
<thead><tr><th scope="col">Category</th><th scope="col" class="n">Payments</th><th scope="col" class="n">Amount (${t.currency})</th></tr></thead>
<tbody>${ROWS.map(([k, label]) => row(label, t[k]))}</tbody>
<tfoot>${row('Paid + failed + pending + in break', accounted)}<tr><th scope="row">Control check</th><td colspan="2">${
    t.balanced
      ? html`<span class="pass">Balanced</span>: instructed = paid + failed + pending + in break`
      : html`<span class="fail">Not balanced</span>: instructed ${t.instructed.count} / ${t.instructed.amount}, accounted for ${accounted.count} / ${accounted.amount}`
  }</td></tr></tfoot></table>`;
}

function breaksSection(r: FinanceReport): Html {
  const s = r.breakStatus;
  const rows = r.breaksByClass.map(
    (
      b,
    ) => html`<tr><th scope="row">${b.breakClass}<br><span class="hint">${CLASS_TEXT[b.breakClass] ?? ''}</span></th><td>${b.provider}</td><td>${b.currency}</td>
<td class="n">${b.count}</td><td class="n">${b.amount}</td><td><a href="${breaksHref(r.cycle.id, { class: b.breakClass })}">See the breaks<span class="vh"> of class ${b.breakClass} at ${b.provider}</span></a></td></tr>`,
  );
  return html`<h2>Breaks</h2>
<p id="break-status">Open: <strong>${s.OPEN}</strong>, resolved: ${s.RESOLVED}, cleared by a later run: ${s.CLEARED}. <a href="${breaksHref(r.cycle.id, { status: 'OPEN' })}">Open breaks</a> · <a href="${breaksHref(r.cycle.id, {})}">All breaks</a></p>
${
  rows.length
    ? html`<table id="breaks-by-class"><caption>Breaks found by the latest run, by class and rail</caption>
<thead><tr><th scope="col">Class</th><th scope="col">Rail</th><th scope="col">Currency</th><th scope="col" class="n">Breaks</th><th scope="col" class="n">Amount</th><th scope="col">Details</th></tr></thead>
<tbody>${rows}</tbody></table>`
    : html`<p>The latest run found no break.</p>`
}`;
}

function signOffSection(p: ReportPage): Html {
  const { report: r, viewer, csrfToken, signOffError: error } = p;
  if (r.signOff) {
    return html`<h2>Sign-off</h2><p id="signed-off">Signed off by <strong>${r.signOff.username}</strong>${r.signOff.approvedBy ? html`, approved by <strong>${r.signOff.approvedBy}</strong>,` : ''} at ${at(r.signOff.signedAt)}. This report is the one signed, and can no longer change.</p>
<p>SHA-256 of the signed report (canonical JSON): <code id="report-sha256">${r.signOff.sha256}</code></p>`;
  }
  const why = !r.run
    ? 'The cycle has not been reconciled yet, so it cannot be signed off.'
    : r.breakStatus.OPEN > 0
      ? `${r.breakStatus.OPEN} ${r.breakStatus.OPEN === 1 ? 'break is' : 'breaks are'} still open: each must be resolved before the cycle can be signed off.`
      : !r.run.balanced
        ? 'The latest reconciliation is not balanced, so the cycle cannot be signed off. Reconcile it again once the difference is explained.'
        : null;
  if (why) return html`<h2>Sign-off</h2><p>${why}</p>`;
  if (p.signOffDecision) {
    return html`<h2 id="sign-off">Sign-off</h2>${decisionBox({
      decision: p.signOffDecision,
      what: 'sign off this cycle, as the report below shows it',
      viewer: { id: p.viewerId, mayDecide: viewer === 'FINANCE' },
      csrfToken,
      back: `/admin/cycles/${r.cycle.id}/report`,
    })}`;
  }
  if (viewer !== 'FINANCE')
    return html`<h2>Sign-off</h2><p>Ready to be signed off by two people with the finance role: one proposes, the other approves.</p>`;
  return html`<h2 id="sign-off">Sign-off</h2>${error ? html`<div class="summary" role="alert"><p><a href="#confirm-sign-off">${error}</a></p></div>` : ''}
<p>Signing off closes this cycle's reconciliation: the report and every break's resolution are stored as they are now, with their SHA-256, and cannot change afterwards. You propose it; a second finance user approves it.</p>
<form method="post" action="/admin/cycles/${r.cycle.id}/sign-off">${hiddenCsrf(csrfToken)}
<div class="check"><input type="checkbox" id="confirm-sign-off" name="confirm" value="yes" required${attr(!!error, 'aria-invalid', 'true')}><label for="confirm-sign-off">I have checked the totals and every break's resolution</label></div>
<button type="submit">Propose signing off the cycle</button></form>`;
}

export interface ReportPage {
  report: FinanceReport;
  viewer: Role;
  viewerId: string;
  csrfToken: string;
  notice?: string;
  signOffError?: string;
  /** A proposed sign-off waiting for a second finance user. */
  signOffDecision?: PendingDecision;
  /** Statement files uploaded by hand that concern this cycle and wait for a second finance user. */
  uploads: PendingDecision[];
}

/** Uploaded statements waiting: their lines are stored and shown here, and count once confirmed. */
function uploadsSection(p: ReportPage): Html {
  if (!p.uploads.length) return html``;
  return html`<h2 id="uploads">Statements uploaded by hand, waiting for a second person</h2>
<p>Their lines count in the reconciliation once a second finance user confirms the file: until then they change nothing above.</p>
${p.uploads.map((u) => {
  const d = u.details as { provider?: string; imported?: number };
  return decisionBox({
    decision: u,
    what: html`a ${d.provider ?? ''} statement with ${String(d.imported ?? 0)} new ${d.imported === 1 ? 'line' : 'lines'}`,
    viewer: { id: p.viewerId, mayDecide: p.viewer === 'FINANCE' },
    csrfToken: p.csrfToken,
    back: `/admin/cycles/${p.report.cycle.id}/report`,
  });
})}`;
}

export function financeReportPage(p: ReportPage): Html {
  const r = p.report;
  const currencies = [...new Set(r.totals.map((t) => t.currency))];
  return html`${notice(p.notice)}<h1>Finance report: ${title(r)}</h1>
<p>Cycle status: <strong>${STATUS_NAMES[r.cycle.status] ?? r.cycle.status}</strong>. ${
    r.run
      ? html`Latest reconciliation run finished at ${at(r.run.finishedAt)} (${r.run.trigger}): <strong id="run-balanced" class="${r.run.balanced ? 'pass' : 'fail'}">${r.run.balanced ? 'balanced' : 'not balanced'}</strong>.`
      : 'Not reconciled yet: the report appears after the first reconciliation run.'
  }</p>
${
  r.run
    ? html`<h2>Control totals</h2>${r.totals.map(railTotals)}
<h2>Outcomes by rail</h2>${currencies.map((c) =>
        outcomeChart(
          c,
          r.totals.filter((t) => t.currency === c),
        ),
      )}
${breaksSection(r)}
<h2>Downloads</h2><ul><li><a id="report-csv" href="${base(r)}.csv" download>Report summary (CSV)</a></li><li><a id="breaks-csv" href="${base(r)}/breaks.csv" download>Every break (CSV, payment keys only)</a></li></ul>`
    : ''
}
${uploadsSection(p)}${signOffSection(p)}
<p><a href="/admin/cycles/${r.cycle.id}">Back to the cycle</a></p>`;
}

export interface ResolveFormError {
  breakId: string;
  field: 'resolution' | 'reason';
  message: string;
  resolution: string;
  reason: string;
}
export interface BreaksPage {
  report: FinanceReport;
  viewer: Role;
  viewerId: string;
  csrfToken: string;
  /** Proposals waiting for a second finance user, by break. */
  pending: Map<string, PendingDecision>;
  /** The resolutions open to each open break without a proposal, on its evidence as it is now. */
  open: Map<string, BreakResolution[]>;
  notice?: string;
  formError?: ResolveFormError;
  query: { class?: BreakClass; status?: BreakStatus; page: number };
  list: { total: number; pageSize: number; items: BreakItem[] };
}

function resolveForm(p: BreaksPage, b: BreakItem): Html {
  const pending = p.pending.get(b.id);
  if (pending) {
    const { resolution, reason } = pending.details as { resolution: BreakResolution; reason?: string };
    return decisionBox({
      decision: pending,
      what: html`${RESOLUTION_TEXT[resolution]}${reason ? html` ("${reason}")` : ''}`,
      viewer: { id: p.viewerId, mayDecide: p.viewer === 'FINANCE' },
      csrfToken: p.csrfToken,
      back: breaksHref(p.report.cycle.id, p.query),
    });
  }
  const e = p.formError?.breakId === b.id ? p.formError : undefined;
  const choices = p.open.get(b.id) ?? [];
  if (!choices.length) {
    return html`<p>No resolution is open to this break yet: the evidence does not support one (a re-issue needs the rail's word that it failed, no payment on any statement, its batch closed and the settlement deadline past). A later reconciliation may change that.</p>`;
  }
  const hidden = (['class', 'status'] as const).map((k) =>
    p.query[k] ? html`<input type="hidden" name="${k}" value="${p.query[k]}">` : '',
  );
  const msg = (f: ResolveFormError['field']) =>
    e?.field === f ? html`<span class="msg" id="${f}-${b.id}-error"><span class="vh">Error: </span>${e.message}</span>` : '';
  // Under the break's row, the fields side by side: the table stays narrow enough to read.
  return html`<form method="post" action="/admin/breaks/${b.id}/resolution" class="actions">${hiddenCsrf(p.csrfToken)}${hidden}<input type="hidden" name="page" value="${p.query.page}">
<div class="f"><label for="resolution-${b.id}">Resolution</label>${msg('resolution')}<select id="resolution-${b.id}" name="resolution" required${attr(e?.field === 'resolution', 'aria-invalid', 'true')}>
<option value="">Choose</option>${choices.map((c) => html`<option value="${c}"${attr(e?.resolution === c, 'selected')}>${RESOLUTION_TEXT[c]}</option>`)}</select></div>
<div class="f"><label for="reason-${b.id}">Reason</label><span class="hint" id="reason-${b.id}-hint">What you checked (required for a write-off). Not the beneficiary's name or account.</span>${msg('reason')}
<input id="reason-${b.id}" name="reason" type="text" maxlength="500" value="${e?.reason ?? ''}" aria-describedby="reason-${b.id}-hint${e?.field === 'reason' ? ` reason-${b.id}-error` : ''}"${attr(e?.field === 'reason', 'aria-invalid', 'true')}></div>
<button type="submit">Propose<span class="vh"> a resolution of break ${b.paymentKey}</span></button></form>`;
}

export function breaksPage(p: BreaksPage): Html {
  const r = p.report;
  const { query: q, list } = p;
  const mayResolve = p.viewer === 'FINANCE' && !r.signOff;
  const pages = Math.max(1, Math.ceil(list.total / list.pageSize));
  const filter = (label: string, next: { class?: string; status?: string }, current: boolean) =>
    html`<li><a href="${breaksHref(r.cycle.id, next)}"${attr(current, 'aria-current', 'true')}>${label}</a></li>`;
  const amount = (v: string | null, n?: number) =>
    v === null ? '-' : html`${v}${n !== undefined && n !== 1 ? html`<br>(${n} lines)` : ''}`;
  const rows = list.items.map(
    (b) => html`<tr><th scope="row"><code>${b.paymentKey}</code></th><td>${b.breakClass}</td><td>${b.provider}</td>
<td class="n">${amount(b.expectedAmount)}</td><td class="n">${amount(b.statementAmount, b.statementLines)}</td><td>${b.ourStatus ?? '-'} / ${b.railStatus ?? '-'}</td>
<td>${b.beneficiary ?? '-'}<br>${b.account ?? ''}</td><td>${STATUS_TEXT[b.status]}${b.resolution ? html`: ${b.resolution}${b.resolutionReason ? html`<br>"${b.resolutionReason}"` : ''}<br>by ${b.resolvedBy ?? '?'}${b.resolvedAt ? html`, ${at(b.resolvedAt)}` : ''}` : ''}</td>
</tr>${mayResolve && b.status === 'OPEN' ? html`<tr><td colspan="8">${resolveForm(p, b)}</td></tr>` : ''}`,
  );
  const e = p.formError;
  return html`${errorSummary(e ? [{ anchor: `${e.field}-${e.breakId}`, message: e.message }] : [])}${notice(p.notice)}
<h1>Breaks: ${title(r)}</h1>
<p>${q.class ? html`Class <strong>${q.class}</strong>: ${CLASS_TEXT[q.class] ?? ''}. ` : ''}${list.total} ${list.total === 1 ? 'break' : 'breaks'}${q.status ? html`, ${STATUS_TEXT[q.status]?.toLowerCase()}` : ''}. Names and accounts are masked: the payment key identifies the payment.</p>
<ul class="filters" aria-label="Status">${filter('All statuses', { class: q.class }, !q.status)}${BREAK_STATUSES.map((s) => filter(STATUS_TEXT[s]!, { class: q.class, status: s }, q.status === s))}</ul>
${
  list.items.length
    ? html`<div class="scroll" role="region" aria-labelledby="breaks-caption" tabindex="0"><table id="breaks"><caption id="breaks-caption">Breaks, page ${q.page} of ${pages}</caption>
<thead><tr><th scope="col">Payment key</th><th scope="col">Class</th><th scope="col">Rail</th><th scope="col" class="n">Instructed</th><th scope="col" class="n">Statement</th><th scope="col">Ours / rail</th><th scope="col">Beneficiary</th><th scope="col">Status</th></tr></thead>
<tbody>${rows}</tbody></table></div>`
    : html`<p>No break here.</p>`
}
<p>${q.page > 1 ? html`<a href="${breaksHref(r.cycle.id, { ...q, page: q.page - 1 })}">Previous page</a> ` : ''}${q.page < pages ? html`<a href="${breaksHref(r.cycle.id, { ...q, page: q.page + 1 })}">Next page</a>` : ''}</p>
<p><a href="${breaksHref(r.cycle.id, q, true)}" download>These breaks as CSV</a> · <a href="${base(r)}">Back to the report</a></p>`;
}

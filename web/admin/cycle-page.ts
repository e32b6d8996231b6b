// One payment cycle as a page: status, control totals (prepared, approved, instructed), who prepared and
// approved it, the forms the viewer's role and the status allow, and progress per batch and overall
// from web/cycle-view.ts (the database, so it reads the same during and after the run). Progress is
// <progress> plus the numbers in text: nothing depends on JavaScript or on seeing the bar. A re-issue's
// account changes come before its approval (cycle-account-changes.ts); a signed-off cycle offers neither
// approval nor launch, and says why.
import type { Role } from '../../generated/prisma/client';
import type { RailTotals } from '../services/cycles';
import type { CycleView } from '../services/cycle-view';
import { REFUSALS } from '../services/refusal';
import { attr, html, type Html } from '../http/html';
import { accountChangesSection } from './cycle-account-changes';
import { RAIL_NAMES, railTable, STATUS_NAMES } from './cycle-list';
import { errorSummary, hiddenCsrf } from './layout';

export type ApprovalField = 'approvedCount' | 'approvedAmount';
export interface ApprovalForm {
  approvedCount: string;
  approvedAmount: string;
  errors: Partial<Record<ApprovalField, string>>;
}
export const EMPTY_APPROVAL: ApprovalForm = { approvedCount: '', approvedAmount: '', errors: {} };

export interface CyclePage {
  view: CycleView;
  viewer: { id: string; role: Role };
  csrfToken: string;
  people: {
    preparedBy: string;
    approvedBy: string | null;
    createdAt: Date;
    approvedAt: Date | null;
    launchedAt: Date | null;
    completedAt: Date | null;
    /** Who approved or declined a re-issue's account changes. */
    accountChangesDecidedBy: string | null;
  };
  launchRequested: boolean;
  /** Whether the page refreshes itself (the route sends the Refresh header), and the link that toggles it. */
  watching: { on: boolean; toggle: string | null };
  notice?: string;
  approval: ApprovalForm;
  cancelError?: string;
}

const when = (d: Date | null) =>
  d ? html` on <time datetime="${d.toISOString()}">${d.toISOString().slice(0, 16).replace('T', ' ')} UTC</time>` : '';
const percent = (done: number, total: number) => (total === 0 ? 0 : Math.floor((done * 100) / total));

function totalsSection(p: CyclePage): Html {
  const v = p.view;
  const rails = (Array.isArray(v.preview.byRail) ? v.preview.byRail : []) as unknown as RailTotals[];
  const row = (label: string, t: { count: number; amount: string } | null) =>
    html`<tr><th scope="row">${label}</th><td class="n">${t ? t.count : '-'}</td><td class="n">${t ? t.amount : '-'}</td></tr>`;
  return html`<h2>Control totals</h2>
${rails.length ? railTable('Prepared, by rail', rails, v.preview, v.currency) : ''}
<table><caption>Prepared, approved and instructed</caption>
<thead><tr><th scope="col">Totals</th><th scope="col" class="n">Payments</th><th scope="col" class="n">Amount (${v.currency})</th></tr></thead>
<tbody>${row('Prepared (control totals)', v.preview)}${row('Approved (the envelope)', v.approved)}${row('Instructed', v.instructed)}</tbody></table>
<p>Prepared by <strong>${p.people.preparedBy}</strong>${when(p.people.createdAt)}.
${p.people.approvedBy ? html`Approved by <strong>${p.people.approvedBy}</strong>${when(p.people.approvedAt)}.` : 'Not approved yet.'}
${p.people.launchedAt ? html`Launched${when(p.people.launchedAt)}.` : ''} ${p.people.completedAt ? html`Ended${when(p.people.completedAt)}.` : ''}</p>`;
}

function approvalSection(p: CyclePage): Html | '' {
  if (p.view.status !== 'DRAFT') return '';
  if (p.view.signedOffAt) return html`<h2>Approval</h2><p>${REFUSALS.cycle_signed_off.sentence}</p>`;
  if (p.viewer.id === p.view.preparedBy) {
    return html`<h2>Approval</h2><p>You prepared this cycle, so you cannot approve it: another person with the approver role must check and approve it.</p>`;
  }
  if (p.viewer.role !== 'APPROVER') return html`<h2>Approval</h2><p>Waiting for a person with the approver role to approve it.</p>`;
  if (p.view.accountChanges && p.view.accountChanges.status !== 'APPROVED') {
    return html`<h2>Approval</h2><p>The account changes must be approved before the cycle can be approved: see <a href="#account-changes">Account changes</a> above.</p>`;
  }
  const f = p.approval;
  const input = (name: ApprovalField, label: string, hint: string, extra: Html) => {
    const e = f.errors[name];
    return html`<div class="f"><label for="${name}">${label}</label><span class="hint" id="${name}-hint">${hint}</span>
${e ? html`<span class="msg" id="${name}-error"><span class="vh">Error: </span>${e}</span>` : ''}
<input id="${name}" name="${name}" type="text" value="${f[name]}" required class="short${e ? ' err' : ''}" aria-describedby="${name}-hint${e ? ` ${name}-error` : ''}"${attr(!!e, 'aria-invalid', 'true')}${extra}></div>`;
  };
  return html`<h2 id="approve">Approval</h2>
<p>Check the control totals above, then enter them again: the cycle will refuse to instruct more than what you approve.</p>
<form method="post" action="/admin/cycles/${p.view.id}/approve" novalidate class="narrow">${hiddenCsrf(p.csrfToken)}
${input('approvedCount', 'Number of payments', 'Digits only, as in the control totals.', html` inputmode="numeric" autocomplete="off" maxlength="9"`)}
${input('approvedAmount', `Total amount (${p.view.currency})`, 'With a point before the cents, as in the control totals: for example 18000.00.', html` inputmode="decimal" autocomplete="off" maxlength="20"`)}
<button type="submit">Approve the cycle</button></form>`;
}

function actionsSection(p: CyclePage): Html | '' {
  const { status, id } = p.view;
  if (!['ADMIN', 'APPROVER'].includes(p.viewer.role) || !['DRAFT', 'APPROVED', 'RUNNING', 'PAUSED'].includes(status)) return '';
  const button = (action: string, label: string, extra: Html | '' = '') =>
    html`<form method="post" action="/admin/cycles/${id}/${action}">${hiddenCsrf(p.csrfToken)}${extra}<button type="submit"${attr(action === 'cancel', 'class', 'danger')}>${label}</button></form>`;
  const cancel = button(
    'cancel',
    'Cancel the cycle',
    html`<div class="check"><input type="checkbox" id="confirm-cancel" name="confirm" value="yes" required${attr(!!p.cancelError, 'aria-invalid', 'true')}><label for="confirm-cancel">Yes, cancel: batches not yet sent will not be paid</label></div>`,
  );
  const withdraw = button(
    'cancel',
    'Withdraw the cycle',
    html`<div class="check"><input type="checkbox" id="confirm-cancel" name="confirm" value="yes" required${attr(!!p.cancelError, 'aria-invalid', 'true')}><label for="confirm-cancel">Yes, withdraw it: nothing of it will be paid${p.view.kind === 'REISSUE' ? ', and its payments can be chosen for another re-issue' : ''}</label></div>`,
  );
  const forms =
    status === 'DRAFT'
      ? withdraw
      : status === 'APPROVED'
        ? p.view.signedOffAt
          ? html`<p>${REFUSALS.cycle_signed_off.sentence}</p>`
          : p.launchRequested
            ? html`<p>Launch requested: the cycle starts in a moment.</p>`
            : button('launch', 'Launch the cycle')
        : html`${status === 'RUNNING' ? button('pause', 'Pause') : button('resume', 'Resume')}${cancel}`;
  return html`<h2>Actions</h2>${p.cancelError ? html`<div class="summary" role="alert"><p>${p.cancelError}</p></div>` : ''}
<p>${status === 'DRAFT' ? 'Withdrawing a cycle that is not approved sends nothing and moves no money.' : status === 'APPROVED' ? "Launching sends the payments in batches of the program's batch size." : 'Pausing or cancelling stops batches not yet sent; batches already at the rail finish.'}</p>
<div class="actions">${forms}</div>`;
}

function progressSection(p: CyclePage): Html | '' {
  const v = p.view;
  if (!v.batches.length) {
    return ['RUNNING', 'PAUSED'].includes(v.status) || p.launchRequested
      ? html`<h2>Progress</h2><p>Preparing the batches: no batch yet.</p>`
      : '';
  }
  const sum = (f: (b: CycleView['batches'][number]) => number) => v.batches.reduce((n, b) => n + f(b), 0);
  const settled = (b: CycleView['batches'][number]) => b.paid + b.failed + b.needsAttention;
  const [items, done] = [sum((b) => b.items), sum(settled)];
  const bar = (label: string, d: number, total: number) =>
    html`<progress max="${total}" value="${d}" aria-label="${label}">${percent(d, total)}%</progress>`;
  const batchDone = v.batches.filter((b) => b.status === 'COMPLETED' || b.status === 'CANCELLED' || b.status === 'NEEDS_ATTENTION').length;
  const rows = v.batches.map(
    (
      b,
    ) => html`<tr><th scope="row">${b.seq}</th><td>${RAIL_NAMES[b.rail] ?? b.rail} (${b.provider})${b.payOn ? html`<br>wave ${b.wave}, ${b.payOn}` : ''}</td><td>${b.status}</td>
<td>${bar(`Batch ${b.seq}`, settled(b), b.items)} <span>${settled(b)} of ${b.items} (${percent(settled(b), b.items)}%)</span></td>
<td class="n">${b.paid}</td><td class="n">${b.failed}</td><td class="n">${b.needsAttention}</td></tr>`,
  );
  return html`<h2>Progress</h2>
<p id="overall">${bar('All payments', done, items)} <strong>${done} of ${items} payments settled (${percent(done, items)}%)</strong>; ${batchDone} of ${v.batches.length} batches done.</p>
<div class="scroll" role="region" aria-labelledby="batches-caption" tabindex="0"><table><caption id="batches-caption">Batches</caption>
<thead><tr><th scope="col">Batch</th><th scope="col">Rail</th><th scope="col">Status</th><th scope="col">Progress</th><th scope="col" class="n">Paid</th><th scope="col" class="n">Failed</th><th scope="col" class="n">Needs attention</th></tr></thead>
<tbody>${rows}</tbody></table></div>
${instructionsTable(v)}${failuresTable(v)}`;
}

function instructionsTable(v: CycleView): Html {
  const entries = Object.entries(v.instructions);
  const total = entries.reduce((n, [, s]) => n + s.count, 0);
  return html`<table id="instructions"><caption>Payment instructions by status</caption>
<thead><tr><th scope="col">Status</th><th scope="col" class="n">Payments</th><th scope="col" class="n">Amount (${v.currency})</th></tr></thead>
<tbody>${entries.map(([status, s]) => html`<tr><th scope="row">${status}</th><td class="n">${s.count}</td><td class="n">${s.amount}</td></tr>`)}</tbody>
<tfoot><tr><th scope="row">All</th><td class="n" id="instruction-total">${total}</td><td></td></tr></tfoot></table>`;
}

function failuresTable(v: CycleView): Html {
  if (!v.failuresByReason.length) return html`<p>No failed payments.</p>`;
  return html`<table><caption>Failed payments by reason</caption>
<thead><tr><th scope="col">Provider</th><th scope="col">Reason</th><th scope="col" class="n">Payments</th></tr></thead>
<tbody>${v.failuresByReason.map((f) => html`<tr><td>${f.provider}</td><td>${f.reason}</td><td class="n">${f.count}</td></tr>`)}</tbody></table>`;
}

function reconciliationSection(v: CycleView): Html | '' {
  const r = v.reconciliation;
  if (!r) return '';
  const row = (label: string, t: { count: number; amount: string }) =>
    html`<tr><th scope="row">${label}</th><td class="n">${t.count}</td><td class="n">${t.amount}</td></tr>`;
  return html`<h2>Latest reconciliation</h2><table><caption>Instructed against the rail's statement</caption>
<thead><tr><th scope="col">Class</th><th scope="col" class="n">Payments</th><th scope="col" class="n">Amount (${v.currency})</th></tr></thead>
<tbody>${row('Instructed', r.instructed)}${row('Matched', r.matched)}${row('Failed', r.failed)}${row('Pending', r.pending)}${row('Breaks', r.breaks)}${row('On the statement', r.statement)}</tbody></table>`;
}

export function cyclePage(p: CyclePage): Html {
  const v = p.view;
  const errors = (Object.entries(p.approval.errors) as [ApprovalField, string][]).map(([anchor, message]) => ({ anchor, message }));
  return html`${errorSummary(errors)}${p.notice ? html`<div class="notice" role="status"><p>${p.notice}</p></div>` : ''}
<h1>Cycle ${v.number} of ${v.programCode}${v.kind === 'REISSUE' ? ' (re-issue)' : ''}</h1>
<p>Status: <strong id="cycle-status">${STATUS_NAMES[v.status] ?? v.status}</strong>${v.failureReason ? html`. Reason: ${v.failureReason}` : ''}${v.parentCycleId ? html`. Pays again failed payments of <a href="/admin/cycles/${v.parentCycleId}">an earlier cycle</a>` : ''}.</p>
${p.watching.toggle ? html`<p>${p.watching.on ? 'This page refreshes itself every 5 seconds while the cycle runs.' : 'Automatic refresh is off.'} <a href="${p.watching.toggle}">${p.watching.on ? 'Stop refreshing' : 'Refresh automatically'}</a></p>` : ''}
${totalsSection(p)}
${
  v.accountChanges
    ? accountChangesSection({
        cycleId: v.id,
        currency: v.currency,
        changes: v.accountChanges,
        viewer: p.viewer,
        csrfToken: p.csrfToken,
        decidedBy: p.people.accountChangesDecidedBy,
      })
    : ''
}
${approvalSection(p)}
${actionsSection(p)}
${progressSection(p)}
${reconciliationSection(v)}
${p.viewer.role === 'FINANCE' || p.viewer.role === 'ADMIN' ? html`<p><a href="/admin/cycles/${v.id}/report">Finance report</a>: control totals, breaks and sign-off</p>` : ''}
<p><a href="/admin/cycles">Back to payment cycles</a></p>`;
}

// The account changes of a re-issue on its cycle page: every household paid to a new account, masked (bank
// code and last four digits, or the wallet's last four), before and after, and the step a second person
// takes on them. An approver who did not prepare the re-issue gets the button; its preparer is told that
// someone else must approve them; the cycle's own approval waits until they have.
import type { Role } from '../../generated/prisma/client';
import type { AccountChanges } from '../services/account-changes';
import { html, type Html } from '../http/html';
import { hiddenCsrf } from './layout';

export interface AccountChangesPart {
  cycleId: string;
  currency: string;
  changes: AccountChanges;
  viewer: { id: string; role: Role };
  csrfToken: string;
  /** The username of whoever approved or declined them. */
  decidedBy: string | null;
}

function step(p: AccountChangesPart): Html {
  const c = p.changes;
  if (c.status === 'APPROVED')
    return html`<p>Account changes approved by <strong>${p.decidedBy ?? ''}</strong>: these are now the households' accounts.</p>`;
  if (c.status === 'DECLINED') {
    return html`<p>Account changes declined by <strong>${p.decidedBy ?? ''}</strong>${c.declineReason ? html`: ${c.declineReason}` : ''}. This re-issue cannot be approved as it is.</p>`;
  }
  if (p.viewer.id === c.proposedBy) {
    return html`<p>You prepared this re-issue, so you cannot approve its account changes: another person with the approver role must check and approve them.</p>`;
  }
  if (p.viewer.role !== 'APPROVER') return html`<p>Waiting for a person with the approver role to approve these account changes.</p>`;
  // The form names the proposal shown here: one made after this page was loaded is not approved by this click.
  return html`<p>Check every change above. Once approved, each new account is the household's account for this re-issue and every later cycle.</p>
<form method="post" action="/admin/cycles/${p.cycleId}/account-changes">${hiddenCsrf(p.csrfToken)}<input type="hidden" name="decision" value="${c.decisionId}">
<button type="submit">Approve these account changes</button></form>`;
}

export function accountChangesSection(p: AccountChangesPart): Html {
  const rows = p.changes.items.map(
    (i) =>
      html`<tr><td><code>${i.paymentKey}</code></td><td class="n">${i.amount}</td><td>${i.before.label}</td><td>${i.after.label}</td></tr>`,
  );
  const n = p.changes.items.length;
  return html`<h2 id="account-changes">Account changes</h2>
<p>This re-issue pays ${n} ${n === 1 ? 'household' : 'households'} to a new account. Accounts are masked: the bank code and the last four digits, or the wallet's last four.</p>
<div class="scroll" role="region" aria-labelledby="account-changes-caption" tabindex="0"><table><caption id="account-changes-caption">Accounts before and after</caption>
<thead><tr><th scope="col">Payment</th><th scope="col" class="n">Amount (${p.currency})</th><th scope="col">Account before</th><th scope="col">Account after</th></tr></thead>
<tbody>${rows}</tbody></table></div>
${step(p)}`;
}

// The applicant and each duplicate candidate side by side: one row per field, one column per person,
// so a reviewer reads across a row. A candidate's value equal to the applicant's is marked (with
// text, not only colour). Equality is decided on the real values, never on masked ones.
import { mask } from '../../lib/pii';
import { html, type Html } from '../http/html';
import type { Task } from './review-pages';

type Person = Omit<Task['application'], 'registryFacts' | 'ruleResults' | 'duplicateCandidates'>;
type Candidate = Task['application']['duplicateCandidates'][number];

/** What a field erased under the program's retention rule shows. */
const ERASED = '(erased)';

interface Row {
  label: string;
  show: (p: Person) => string;
  /** The value compared with the applicant's; rows without it are context, not evidence. */
  same?: (p: Person) => string;
}

function account(p: Person): string {
  const a = p.paymentAccount;
  if (!a) return 'none';
  return a.rail === 'BANK' ? `Bank ${a.bankCode ?? '?'}, account ${mask(a.accountNumber ?? '')}` : `Wallet ${mask(a.msisdn ?? '')}`;
}

const ROWS: Row[] = [
  { label: 'Application', show: (p) => p.number },
  { label: 'Name', show: (p) => p.fullName ?? ERASED, same: (p) => p.fullName?.trim().toLowerCase() ?? ERASED },
  { label: 'Date of birth', show: (p) => p.dateOfBirth ?? ERASED, same: (p) => p.dateOfBirth ?? ERASED },
  {
    label: 'Municipality',
    show: (p) => (p.municipalityCode ? `${p.municipality} (${p.municipalityCode})` : p.municipality),
    same: (p) => p.municipalityCode ?? p.municipality.trim().toLowerCase(),
  },
  { label: 'National ID', show: (p) => (p.nationalId ? mask(p.nationalId) : ERASED), same: (p) => p.nationalId ?? ERASED },
  { label: 'Household size', show: (p) => String(p.householdSize), same: (p) => String(p.householdSize) },
  { label: 'Payment account', show: account, same: (p) => JSON.stringify(p.paymentAccount) },
  { label: 'Program', show: (p) => `${p.program.name} (${p.program.code})` },
  { label: 'Status', show: (p) => p.status },
];

const MATCH_KINDS: Record<Candidate['kind'], string> = {
  PROBABLE_PERSON: 'Probably the same person',
  OTHER_PROGRAM: 'Same national ID, other program',
};

export function comparisonTable(a: Task['application']): Html {
  const candidates = a.duplicateCandidates;
  if (!candidates.length)
    return html`<h2 id="compare">Duplicate candidates</h2><p>No duplicate candidates were found for this application.</p>`;
  const cells = (row: Row) =>
    candidates.map(({ candidateApplication: c }) => {
      const value = row.show(c);
      return row.same && row.same(c) === row.same(a)
        ? html`<td><mark>${value}<span class="vh"> (same)</span></mark></td>`
        : html`<td>${value}</td>`;
    });
  const similarity = (c: Candidate) => (c.similarity === null ? '-' : Number(c.similarity.toString()).toFixed(2));
  return html`<h2 id="compare">Duplicate candidates</h2>
<p>Highlighted values are the same as this application's.</p>
<div class="scroll" role="region" aria-labelledby="compare-caption" tabindex="0"><table>
<caption id="compare-caption">This application and its ${candidates.length} duplicate ${candidates.length === 1 ? 'candidate' : 'candidates'}, side by side</caption>
<thead><tr><th scope="col">Field</th><th scope="col">This application</th>${candidates.map((_, i) => html`<th scope="col">Candidate ${i + 1}</th>`)}</tr></thead>
<tbody>${ROWS.map((row) => html`<tr><th scope="row">${row.label}</th><td>${row.show(a)}</td>${cells(row)}</tr>`)}
<tr><th scope="row">Match</th><td>-</td>${candidates.map((c) => html`<td>${MATCH_KINDS[c.kind]}</td>`)}</tr>
<tr><th scope="row">Name similarity</th><td>-</td>${candidates.map((c) => html`<td>${similarity(c)}</td>`)}</tr>
</tbody></table></div>`;
}

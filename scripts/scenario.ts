// The walking skeleton end to end, over HTTP: a program is created, registry persons apply and confirm their
// phones with the code the SMS gateway received, the rail decides, a cycle is prepared by one user and approved by another, paid through the bank and the mobile
// wallet, reconciled. The demo prints the summary; the end-to-end test asserts on it and on the rails' own ledgers.
import Decimal from 'decimal.js';
import { ageOn } from '../domain/eligibility';
import type { Db } from '../lib/db';
import { createUser } from '../lib/users';
import { AmparoApi, type CycleView, type ProgramStats } from './api-client';
import { applicationFor, fetchRegistryPersons, unknownPersonCpf } from './applicants';

export interface ScenarioOptions {
  db: Db;
  /** sms: the SMS gateway, where each applicant reads the code that confirms their phone. */
  urls: { web: string; registry: string; bank: string; wallet: string; sms: string };
  /** How many registry persons to consider as applicants (adults among them apply). */
  persons: number;
  baseAmount?: string;
  batchSize?: number;
  today?: string;
  progress?: (line: string) => void;
}

/** What a rail's own ledger holds for our funding account (the simulators' harness endpoints). */
export interface RailLedgerSummary {
  entries: number;
  /** Distinct payment keys: EndToEndIds at the bank, transaction references at the wallet. */
  distinctKeys: number;
  totals: Array<{ currency: string; amount: string }>;
}

export interface ScenarioResult {
  programCode: string;
  fundingAccount: string;
  submissions: { sent: number; created: number; returnedExisting: number; refused: number; seconds: number };
  stats: ProgramStats;
  cycle: CycleView;
  rails: { bank: RailLedgerSummary; wallet: RailLedgerSummary };
  seconds: { intake: number; decisions: number; cycle: number };
}

const CONCURRENCY = 16;

export async function runScenario(opts: ScenarioOptions): Promise<ScenarioResult> {
  const say = opts.progress ?? (() => undefined);
  const today = opts.today ?? new Date().toISOString().slice(0, 10);
  const runId = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e4).toString(36)}`.toUpperCase();
  const programCode = `DEMO-${runId}`;
  const fundingAccount = `AMPARO-${runId}`;
  const baseAmount = opts.baseAmount ?? '600.00';

  const [maker, checker] = [
    await createUser(opts.db, `maker-${runId}`, 'ADMIN'),
    await createUser(opts.db, `checker-${runId}`, 'APPROVER'),
  ];
  const api = new AmparoApi(opts.urls.web);
  await api.as(maker.token).createProgram({
    code: programCode,
    name: `Demo transfer ${runId}`,
    country: 'BR',
    currency: 'BRL',
    baseAmount,
    batchSize: opts.batchSize ?? 100,
    fundingAccount,
    // Half a minimum wage per person, adults only: the shape of Brazil's low-income targeting.
    rules: [
      { type: 'max_income_per_capita', amount: '759.00' },
      { type: 'min_applicant_age', years: 18 },
    ],
  });
  say(`program ${programCode} created`);

  // Applicants: every adult of the registry, plus people the rail must turn away.
  const persons = await fetchRegistryPersons(opts.urls.registry, opts.persons);
  const adults = persons.filter((p) => ageOn(p.dateOfBirth, today) >= 18);
  const minors = persons.filter((p) => ageOn(p.dateOfBirth, today) < 18).slice(0, 10);
  const known = new Set(persons.map((p) => p.nationalId));
  const firstTries: Array<{ body: ReturnType<typeof applicationFor>; key?: string }> = adults.map((p, i) => ({
    body: i % 50 === 7 ? { ...applicationFor(p, i), dateOfBirth: '1950-01-01' } : applicationFor(p, i),
    key: `${programCode}-${i}`,
  }));
  const applications: Array<{ body: ReturnType<typeof applicationFor>; key?: string }> = [
    ...firstTries,
    ...minors.map((p, i) => ({ body: applicationFor(p, 10_000 + i) })),
    ...Array.from({ length: 10 }, (_, i) => ({
      body: { ...applicationFor(adults[i]!, 20_000 + i), nationalId: unknownPersonCpf(i + 1, known) },
    })),
    ...Array.from({ length: 5 }, (_, i) => ({
      body: {
        ...applicationFor(adults[i]!, 30_000 + i),
        nationalId: adults[i]!.nationalId.slice(0, 10) + ((Number(adults[i]!.nationalId[10]) + 1) % 10),
      },
    })),
    // Resubmissions (a phone that lost the answer retries with its Idempotency-Key): the first answer again.
    ...firstTries.slice(0, 20),
  ];

  const intakeStarted = Date.now();
  const counts = { sent: 0, created: 0, returnedExisting: 0, refused: 0 };
  /** The applications stored, with the phone each one's code went to. */
  const received: Array<{ number: string; phone: string }> = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < applications.length) {
        const app = applications[next++]!;
        const res = await api.submitApplication(programCode, app.body, app.key);
        counts.sent += 1;
        if (res.status === 201) {
          counts.created += 1;
          received.push({ number: res.body.applicationNumber!, phone: app.body.phone });
        } else if (res.status === 200) counts.returnedExisting += 1;
        else if (res.status === 400) counts.refused += 1;
        else throw new Error(`intake answered HTTP ${res.status}: ${JSON.stringify(res.body)}`);
        if (counts.sent % 200 === 0) say(`applications submitted ${counts.sent}/${applications.length}`);
      }
    }),
  );
  // Each applicant types back the code their phone received: until then nothing is decided.
  let confirmed = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (confirmed < received.length) {
        const { number, phone } = received[confirmed++]!;
        await api.confirmPhone(opts.urls.sms, number, phone);
      }
    }),
  );
  const intakeSeconds = (Date.now() - intakeStarted) / 1000;
  say(
    `applications submitted ${counts.sent}: ${counts.created} new (phones confirmed), ${counts.returnedExisting} resubmissions, ${counts.refused} refused (${Math.round(counts.sent / intakeSeconds)}/s)`,
  );

  const admin = api.as(maker.token);
  const stats = await waitFor(async () => {
    const s = await admin.programStats(programCode);
    const open = (s.applications.RECEIVED ?? 0) + (s.applications.VERIFYING ?? 0);
    say(`decisions ${counts.created - open}/${counts.created}`);
    return open === 0 ? s : null;
  }, 600_000);
  const decisionSeconds = (Date.now() - intakeStarted) / 1000 - intakeSeconds;

  const cycleStarted = Date.now();
  const draft = await admin.prepareCycle(programCode);
  say(
    `cycle ${draft.number} prepared by ${maker.id.slice(0, 8)}: ${draft.preview.count} payments, ${draft.preview.amount} ${draft.currency}`,
  );
  await api.as(checker.token).approveCycle(draft.id, { approvedCount: draft.preview.count, approvedAmount: draft.preview.amount });
  say(`cycle approved by ${checker.id.slice(0, 8)}; launching`);
  await admin.launchCycle(draft.id);
  const cycle = await waitFor(async () => {
    const c = await admin.getCycle(draft.id);
    const paid = c.instructions?.PAID?.count ?? 0;
    say(`cycle ${c.status.toLowerCase()}: paid ${paid}/${c.instructed?.count ?? '?'} ${bar(paid, c.instructed?.count ?? 0)}`);
    if (c.status === 'FAILED') throw new Error(`cycle failed: ${c.failureReason}`);
    return c.status === 'COMPLETED' && c.reconciliation ? c : null;
  }, 600_000);
  const cycleSeconds = (Date.now() - cycleStarted) / 1000;

  const account = encodeURIComponent(fundingAccount);
  const bank = (await (await fetch(`${opts.urls.bank}/v1/ledger/summary?debtorAccount=${account}`)).json()) as {
    entries: number;
    distinctEndToEndIds: number;
    totals: RailLedgerSummary['totals'];
  };
  const wallet = (await (await fetch(`${opts.urls.wallet}/v1/ledger/summary?account=${account}`)).json()) as {
    entries: number;
    distinctReferences: number;
    totals: RailLedgerSummary['totals'];
  };
  const rails = {
    bank: { entries: bank.entries, distinctKeys: bank.distinctEndToEndIds, totals: bank.totals },
    wallet: { entries: wallet.entries, distinctKeys: wallet.distinctReferences, totals: wallet.totals },
  };
  return {
    programCode,
    fundingAccount,
    submissions: { ...counts, seconds: intakeSeconds },
    stats,
    cycle,
    rails,
    seconds: { intake: intakeSeconds, decisions: decisionSeconds, cycle: cycleSeconds },
  };
}

/** Checks that the summary's numbers agree with each other; returns the disagreements (none = consistent). */
export function inconsistencies(r: ScenarioResult, baseAmount = '600.00'): string[] {
  const problems: string[] = [];
  const enrolled = r.stats.applications.ENROLLED ?? 0;
  const rec = r.cycle.reconciliation;
  const railTotal = (s: RailLedgerSummary) => new Decimal(s.totals.find((t) => t.currency === r.cycle.currency)?.amount ?? '0');
  const { bank, wallet } = r.rails;
  const expected = new Decimal(baseAmount).times(enrolled);
  const check = (ok: boolean, what: string) => ok || problems.push(what);
  check(r.cycle.instructed?.count === enrolled, `instructed ${r.cycle.instructed?.count} != enrolled ${enrolled}`);
  check(
    new Decimal(r.cycle.instructed?.amount ?? 0).equals(expected),
    `instructed amount ${r.cycle.instructed?.amount} != ${expected.toString()}`,
  );
  check(rec?.matched.count === enrolled, `matched ${rec?.matched.count} != enrolled ${enrolled}`);
  check(rec?.breaks.count === 0, `${rec?.breaks.count} reconciliation breaks`);
  check(rec?.balanced === true, 'reconciliation control totals do not balance');
  check(
    new Decimal(rec?.statement.amount ?? 0).equals(rec?.matched.amount ?? -1),
    `statement ${rec?.statement.amount} != matched ${rec?.matched.amount}`,
  );
  check(
    bank.entries === bank.distinctKeys && wallet.entries === wallet.distinctKeys,
    `a key credited twice: bank ${bank.entries}/${bank.distinctKeys}, wallet ${wallet.entries}/${wallet.distinctKeys}`,
  );
  check(bank.entries + wallet.entries === enrolled, `rails credited ${bank.entries} + ${wallet.entries}, enrolled ${enrolled}`);
  check(
    railTotal(bank).plus(railTotal(wallet)).equals(expected),
    `rail totals ${railTotal(bank).toString()} + ${railTotal(wallet).toString()} != ${expected.toString()}`,
  );
  return problems;
}

async function waitFor<T>(probe: () => Promise<T | null>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== null) return value;
    if (Date.now() > deadline) throw new Error('timed out waiting for the rail');
    await new Promise((r) => setTimeout(r, 500));
  }
}

function bar(done: number, total: number, width = 20): string {
  const filled = total ? Math.round((done / total) * width) : 0;
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
}

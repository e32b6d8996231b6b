// Seeds a benchmark program with N enrolled households and an approved payment cycle, straight in the
// database. Set-based (one INSERT ... SELECT per table over generate_series, in one transaction) because
// row-by-row inserts or intake would take hours for a million households; this takes seconds.
// Household i is person i of the registry simulator's synthetic population, paid to the account the
// simulated rails hold for them (simulators/shared/account-holders.ts): the rails check who holds each
// account, so made-up IDs and accounts would all be refused. Some of those accounts are dirty, as real
// ones are (closed, someone else's, unknown): the pre-payment check holds them, or the rails refuse them.
import { randomUUID } from 'node:crypto';
import Decimal from 'decimal.js';
import pg from 'pg';
import type { Country } from '../domain/national-id';
import type { PersonalData } from '../lib/personal-data';
import { bankAccountNumberOf, walletMsisdnOf } from '../simulators/shared/account-holders';

export interface SeedOptions {
  /** Short unique tag of the run: program code, funding account and row keys derive from it. */
  run: string;
  beneficiaries: number;
  /** Share of households paid by mobile wallet (the rest by bank account), spread evenly over i. */
  walletShare: number;
  batchSize: number;
  baseAmount?: string;
  /** Person i pays household i: at least `beneficiaries` of the population the simulators generate. */
  persons: ReadonlyArray<{ nationalId: string; fullName: string }>;
  country: Country;
  /** Seals the persons' fields as intake does (lib/personal-data.ts). */
  pd: PersonalData;
}

export interface RailTotal {
  rail: 'BANK' | 'WALLET';
  count: number;
  amount: string;
}

export interface SeededCycle {
  programId: string;
  programCode: string;
  fundingAccount: string;
  cycleId: string;
  count: number;
  amount: string;
  byRail: RailTotal[];
}

/**
 * `databaseUrl` is the owner's (DATABASE_OWNER_URL): the statistics at the end (ANALYZE) are the tables'
 * owner's to gather; the application's role would only get a warning that they were skipped.
 */
export async function seedCycle(databaseUrl: string, o: SeedOptions): Promise<SeededCycle> {
  const base = o.baseAmount ?? '600.00';
  const programId = randomUUID();
  const cycleId = randomUUID();
  const programCode = `BENCH-${o.run}`.toUpperCase();
  const fundingAccount = `AMPARO-${programCode}`.slice(0, 34);
  const tag = o.run;
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('BEGIN');
    // amount_per_dependant 0 and no cap: every entitlement is the base amount whatever the dependants
    // (domain/entitlement.ts), so the approved envelope is exactly N × base.
    await client.query(
      `INSERT INTO program (id, code, name, country, currency, base_amount, amount_per_dependant, batch_size, funding_account)
       VALUES ($1, $2, $3, 'BR', 'BRL', $4, 0, $5, $6)`,
      [programId, programCode, `Benchmark ${o.run}`, base, o.batchSize, fundingAccount],
    );
    await client.query(`INSERT INTO rule_set (id, program_id, version, rules) VALUES ($1, $2, 1, $3)`, [
      randomUUID(),
      programId,
      JSON.stringify([
        { type: 'max_income_per_capita', amount: '759.00' },
        { type: 'min_applicant_age', years: 18 },
      ]),
    ]);
    // Ids and keys are functions of i, ascending (valid v4 layout, a random prefix per run): the three
    // statements join without a lookup table, and every index insert lands at the index's right edge.
    const prefix = randomUUID().replace(/-/g, '').slice(0, 12);
    const id = (kind: string) => `('${prefix}4${kind}008' || lpad(to_hex(i), 15, '0'))::uuid`;
    const key = (infix = '') => `$1 || '-${infix}' || lpad(i::text, 10, '0')`;
    // Evenly spread: household i pays by wallet when floor((i+1)·share) > floor(i·share).
    const wallet = `floor((i + 1) * ${Number(o.walletShare)}::float8) > floor(i * ${Number(o.walletShare)}::float8)`;
    const n = Math.trunc(o.beneficiaries);
    if (o.persons.length < n) throw new Error(`${n} households need ${n} persons; the population has ${o.persons.length}`);
    // The persons and their accounts, one row per i, in one statement (arrays as parameters).
    const persons = o.persons.slice(0, n);
    const { pd } = o;
    await client.query(
      `CREATE TEMP TABLE seed_person ON COMMIT DROP AS
       SELECT (p.n - 1)::int AS i, p.national_id, p.full_name, p.date_of_birth, p.phone, p.account_number, p.msisdn
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[])
              WITH ORDINALITY AS p(national_id, full_name, date_of_birth, phone, account_number, msisdn, n)`,
      [
        persons.map((p) => pd.seal('application.national_id', p.nationalId)),
        persons.map((p) => pd.seal('application.full_name', p.fullName)),
        persons.map(() => pd.seal('application.date_of_birth', '1980-01-01')),
        persons.map((p) => pd.seal('application.phone', walletMsisdnOf(p.nationalId, o.country))),
        persons.map((p) => pd.seal('payment_account.account_number', bankAccountNumberOf(p.nationalId))),
        persons.map((p) => pd.seal('payment_account.msisdn', walletMsisdnOf(p.nationalId, o.country))),
      ],
    );
    const series = `FROM seed_person sp`;
    // Foreign-key triggers check row by row (more than half the time at 1M rows); these keys are consistent
    // by construction and checked set-based below, so a role allowed to (a superuser) skips the triggers for
    // this transaction. The owner (DATABASE_OWNER_URL) is not allowed to and the application's role even less:
    // they seed with the triggers on.
    await client.query('SAVEPOINT replica');
    await client
      .query(`SET LOCAL session_replication_role = replica`)
      .then(() => client.query('RELEASE SAVEPOINT replica'))
      .catch(() => client.query('ROLLBACK TO SAVEPOINT replica'));
    await client.query(
      `INSERT INTO application (id, number, program_id, national_id_hash, national_id, full_name, date_of_birth, phone, phone_hash,
                                municipality, household_size, dependants_under_18, declared_monthly_income, status, decided_at)
       SELECT ${id('a')}, ${key()}, $2::uuid, ${key()}, sp.national_id, sp.full_name, sp.date_of_birth,
              sp.phone, ${key()}, 'Synthetic', 2 + i % 4, i % 4, 300.00, 'ENROLLED', CURRENT_TIMESTAMP ${series}`,
      [tag, programId],
    );
    await client.query(
      `INSERT INTO payment_account (id, application_id, rail, bank_code, account_number, msisdn, account_key)
       SELECT ${id('b')}, ${id('a')}, CASE WHEN w THEN 'WALLET' ELSE 'BANK' END::"PaymentRail", CASE WHEN w THEN NULL ELSE '001' END,
              CASE WHEN w THEN NULL ELSE sp.account_number END, CASE WHEN w THEN sp.msisdn END, ${key()}
         ${series}, LATERAL (SELECT ${wallet} AS w) AS r`,
      [tag],
    );
    await client.query(
      `INSERT INTO beneficiary (id, program_id, application_id, national_id_hash, household_id, payment_account_id, account_key, dependants, id_last_digit)
       SELECT ${id('c')}, $2::uuid, ${id('a')}, ${key()}, ${key('HH-')}, ${id('b')}, ${key()}, i % 4, i % 10 ${series}`,
      [tag, programId],
    );
    // What the skipped triggers would have checked, in one join: each household's three rows belong together.
    const {
      rows: [check],
    } = await client.query<{ linked: number; wallets: number }>(
      `SELECT count(*)::int AS linked, count(*) FILTER (WHERE pa.rail = 'WALLET')::int AS wallets
         FROM beneficiary b JOIN application a ON a.id = b.application_id AND a.program_id = b.program_id
         JOIN payment_account pa ON pa.id = b.payment_account_id AND pa.application_id = a.id
        WHERE b.program_id = $1::uuid`,
      [programId],
    );
    if (check?.linked !== o.beneficiaries) throw new Error(`seeded ${check?.linked} linked households, expected ${o.beneficiaries}`);
    const wallets = check.wallets;
    const railTotal = (rail: RailTotal['rail'], count: number): RailTotal => ({
      rail,
      count,
      amount: new Decimal(base).times(count).toFixed(2),
    });
    const byRail = [railTotal('BANK', o.beneficiaries - wallets), railTotal('WALLET', wallets)];
    const amount = new Decimal(base).times(o.beneficiaries).toFixed(2);
    // Prepared and approved as test/support/fixtures.ts approvedCycle does: the envelope is the preview.
    await client.query(
      `INSERT INTO payment_cycle (id, program_id, number, status, currency, prepared_by, approved_by, preview_count, preview_amount,
                                  preview_by_rail, approved_count, approved_amount, approved_at)
       VALUES ($1, $2, 1, 'APPROVED', 'BRL', $3, $4, $5, $6, $7, $5, $6, CURRENT_TIMESTAMP)`,
      [cycleId, programId, randomUUID(), randomUUID(), o.beneficiaries, amount, JSON.stringify(byRail)],
    );
    await client.query('COMMIT');
    // Fresh statistics, as a long-lived database would have: the snapshot's paged query plans on them.
    await client.query('ANALYZE application, payment_account, beneficiary');
    return { programId, programCode, fundingAccount, cycleId, count: o.beneficiaries, amount, byRail };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    await client.end();
  }
}

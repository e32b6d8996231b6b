// Seeds a benchmark program with N enrolled households and an approved payment cycle, straight in the
// database. Set-based (one INSERT ... SELECT per table over generate_series, in one transaction) because
// row-by-row inserts or intake would take hours for a million households; this takes seconds.
// Every value is synthetic (SYN national IDs, "Synthetic Person n", +55119 numbers): no real-looking PII.
import { randomUUID } from 'node:crypto';
import Decimal from 'decimal.js';
import pg from 'pg';

export interface SeedOptions {
  /** Short unique tag of the run: program code, funding account and row keys derive from it. */
  run: string;
  beneficiaries: number;
  /** Share of households paid by mobile wallet (the rest by bank account), spread evenly over i. */
  walletShare: number;
  batchSize: number;
  baseAmount?: string;
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
    const msisdn = `'+55119' || lpad((i % 100000000)::text, 8, '0')`;
    const series = `FROM generate_series(0, ${Math.trunc(o.beneficiaries)} - 1) AS i`;
    // Foreign-key triggers check row by row (more than half the time at 1M rows); these keys are consistent
    // by construction and checked set-based below, so a superuser skips the triggers for this transaction.
    const {
      rows: [role],
    } = await client.query<{ super: boolean }>(`SELECT rolsuper AS super FROM pg_roles WHERE rolname = current_user`);
    if (role?.super) await client.query(`SET LOCAL session_replication_role = replica`);
    await client.query(
      `INSERT INTO application (id, number, program_id, national_id_hash, national_id, full_name, date_of_birth, phone, phone_hash,
                                municipality, household_size, dependants_under_18, declared_monthly_income, status, decided_at)
       SELECT ${id('a')}, ${key()}, $2::uuid, ${key()}, 'SYN' || lpad(i::text, 11, '0'), 'Synthetic Person ' || i, date '1980-01-01',
              ${msisdn}, ${key()}, 'Synthetic', 2 + i % 4, i % 4, 300.00, 'ENROLLED', CURRENT_TIMESTAMP ${series}`,
      [tag, programId],
    );
    await client.query(
      `INSERT INTO payment_account (id, application_id, rail, bank_code, account_number, msisdn, account_key)
       SELECT ${id('b')}, ${id('a')}, CASE WHEN w THEN 'WALLET' ELSE 'BANK' END::"PaymentRail", CASE WHEN w THEN NULL ELSE '001' END,
              CASE WHEN w THEN NULL ELSE lpad((500000000 + i)::text, 12, '0') END, CASE WHEN w THEN ${msisdn} END, ${key()}
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

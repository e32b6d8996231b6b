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
      randomUUID(), programId, JSON.stringify([{ type: 'max_income_per_capita', amount: '759.00' }, { type: 'min_applicant_age', years: 18 }]),
    ]);
    // Ids drawn once per household, so the three tables below join without lookups.
    // wallet: floor((i+1)·share) > floor(i·share) spreads the wallet households evenly, not in a block.
    await client.query(
      `CREATE TEMP TABLE seed ON COMMIT DROP AS
       SELECT i, gen_random_uuid() AS app, gen_random_uuid() AS acct, gen_random_uuid() AS ben,
              floor((i + 1) * $1::float8) > floor(i * $1::float8) AS wallet, '+55119' || lpad((i % 100000000)::text, 8, '0') AS msisdn
         FROM generate_series(0, $2::int - 1) AS i`,
      [o.walletShare, o.beneficiaries],
    );
    await client.query(
      `INSERT INTO application (id, number, program_id, national_id_hash, national_id, full_name, date_of_birth, phone, phone_hash,
                                municipality, household_size, dependants_under_18, declared_monthly_income, status, decided_at)
       SELECT app, $1 || '-' || i, $2::uuid, $1 || '-' || i, 'SYN' || lpad(i::text, 11, '0'), 'Synthetic Person ' || i, date '1980-01-01',
              msisdn, $1 || '-' || i, 'Synthetic', 2 + i % 4, i % 4, 300.00, 'ENROLLED', CURRENT_TIMESTAMP
         FROM seed`,
      [tag, programId],
    );
    await client.query(
      `INSERT INTO payment_account (id, application_id, rail, bank_code, account_number, msisdn, account_key)
       SELECT acct, app, CASE WHEN wallet THEN 'WALLET' ELSE 'BANK' END::"PaymentRail", CASE WHEN wallet THEN NULL ELSE '001' END,
              CASE WHEN wallet THEN NULL ELSE lpad((500000000 + i)::text, 12, '0') END, CASE WHEN wallet THEN msisdn END, $1 || '-' || i
         FROM seed`,
      [tag],
    );
    await client.query(
      `INSERT INTO beneficiary (id, program_id, application_id, national_id_hash, household_id, payment_account_id, account_key, dependants, id_last_digit)
       SELECT ben, $2::uuid, app, $1 || '-' || i, $1 || '-HH-' || i, acct, $1 || '-' || i, i % 4, i % 10 FROM seed`,
      [tag, programId],
    );
    const { rows } = await client.query<{ wallets: number }>(`SELECT count(*) FILTER (WHERE wallet)::int AS wallets FROM seed`);
    const wallets = rows[0]!.wallets;
    const railTotal = (rail: RailTotal['rail'], count: number): RailTotal => ({ rail, count, amount: new Decimal(base).times(count).toFixed(2) });
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

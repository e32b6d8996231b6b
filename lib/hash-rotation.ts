// Rotation of the hash key (PII_HASH_KEYS, lib/pii.ts HashKeys). With a new key first, look-ups already try
// every key listed; `rehash` moves the stored hashes to the new key, so the old one can leave the list: it
// opens each row's sealed values (lib/personal-data.ts), hashes them under the first key and updates the row,
// in batches. Idempotent: a row already under the first key is not read again, and a second run finds nothing
// to do. An erased application (application.erased_at, its sealed columns null) has nothing left to hash
// from: it and its account and household keep their old key, which must stay listed while they must still be
// found (the retention rule keeps their hashes to refuse a duplicate). Request fingerprints and one-time
// codes are not re-hashed (neither input is kept): see web/services/intake.ts and one-time-codes.ts.
import { Prisma, type Db } from './db';
import type { PersonalData } from './personal-data';
import { accountKey, birthDateHash, HashKeys, nationalIdHash, phoneHash } from './pii';

type Sql = Pick<Db, '$queryRaw' | '$executeRaw'>;

/** A versioned hash, as lib/pii.ts HashKeys writes it, and its key id. */
const VERSIONED = '^([\\w.-]{1,40})\\.[0-9a-f]{64}$';

export interface RehashResult {
  /** Rows whose hashes were moved to the first key (applications, accounts and households). */
  rehashed: number;
  /** Rows with a hash still under an older key, by key id: erased ones, which cannot be re-hashed. */
  remaining: Record<string, number>;
}

export interface RehashOptions {
  /** Only the rows of these programs (an account: of an application or a household of theirs). Default: all. */
  programIds?: string[];
  /** Rows read and updated per statement. */
  batchSize?: number;
}

/** Moves every hash it can to the first hash key; returns how many rows moved and how many remain, by key. */
export async function rehash(db: Sql, hashes: HashKeys, pd: PersonalData, opts: RehashOptions = {}): Promise<RehashResult> {
  const batch = opts.batchSize ?? 1000;
  const prefix = `${hashes.currentId}.`;
  const programs = opts.programIds && Prisma.sql`${opts.programIds}::uuid[]`;
  /** Stored under another key than the first (a value that is no versioned hash, such as "lapsed:<id>", is left alone). */
  const stale = (column: Prisma.Sql) => Prisma.sql`(${column} ~ ${VERSIONED} AND NOT starts_with(${column}, ${prefix}))`;
  /** A stored hash, moved to the first key if it is a versioned one under another. */
  const moved = (stored: string | null, fresh: () => string) =>
    stored !== null && HashKeys.keyId(stored) !== null && !hashes.isCurrent(stored) ? fresh() : stored;

  let rehashed = 0;

  // Applications, by id: each batch starts after the last one read, so a row that cannot move is read once.
  for (let after = '00000000-0000-0000-0000-000000000000'; ;) {
    const rows = await db.$queryRaw<
      Array<{
        id: string;
        country: string;
        national_id: string | null;
        date_of_birth: string | null;
        phone: string | null;
        national_id_hash: string;
        birth_date_hash: string | null;
        phone_hash: string;
      }>
    >`
      SELECT a.id::text, p.country, a.national_id, a.date_of_birth, a.phone, a.national_id_hash, a.birth_date_hash, a.phone_hash
        FROM application a JOIN program p ON p.id = a.program_id
       WHERE a.id > ${after}::uuid AND a.erased_at IS NULL ${programs ? Prisma.sql`AND a.program_id = ANY(${programs})` : Prisma.empty}
         AND (${stale(Prisma.sql`a.national_id_hash`)} OR ${stale(Prisma.sql`a.birth_date_hash`)} OR ${stale(Prisma.sql`a.phone_hash`)})
       ORDER BY a.id LIMIT ${batch}`;
    if (rows.length === 0) break;
    after = rows[rows.length - 1]!.id;
    const updates = rows.map((r) => ({
      id: r.id,
      was: [r.national_id_hash, r.birth_date_hash, r.phone_hash],
      national_id_hash: r.national_id
        ? moved(r.national_id_hash, () => hashes.current(nationalIdHash, r.country, pd.open('application.national_id', r.national_id!)))
        : r.national_id_hash,
      birth_date_hash: r.date_of_birth
        ? moved(r.birth_date_hash, () => hashes.current(birthDateHash, pd.open('application.date_of_birth', r.date_of_birth!)))
        : r.birth_date_hash,
      phone_hash: r.phone ? moved(r.phone_hash, () => hashes.current(phoneHash, pd.open('application.phone', r.phone!))) : r.phone_hash,
    }));
    // Only rows unchanged since they were read: one set aside or erased meanwhile is left to the next run.
    rehashed += await db.$executeRaw`
      UPDATE application t SET national_id_hash = v.national_id_hash, birth_date_hash = v.birth_date_hash, phone_hash = v.phone_hash
        FROM jsonb_to_recordset(${JSON.stringify(updates)}::jsonb) AS v(id uuid, was text[], national_id_hash text, birth_date_hash text, phone_hash text)
       WHERE t.id = v.id AND ARRAY[t.national_id_hash, t.birth_date_hash, t.phone_hash] IS NOT DISTINCT FROM v.was
         AND ARRAY[t.national_id_hash, t.birth_date_hash, t.phone_hash] IS DISTINCT FROM ARRAY[v.national_id_hash, v.birth_date_hash, v.phone_hash]`;
  }

  // Accounts, by id, those with a number left to hash.
  const accountScope = programs
    ? Prisma.sql`AND (pa.application_id IN (SELECT a.id FROM application a WHERE a.program_id = ANY(${programs}))
        OR pa.id IN (SELECT b.payment_account_id FROM beneficiary b WHERE b.program_id = ANY(${programs})))`
    : Prisma.empty;
  for (let after = '00000000-0000-0000-0000-000000000000'; ;) {
    const rows = await db.$queryRaw<
      Array<{
        id: string;
        rail: string;
        bank_code: string | null;
        account_number: string | null;
        msisdn: string | null;
        account_key: string;
      }>
    >`
      SELECT pa.id::text, pa.rail::text AS rail, pa.bank_code, pa.account_number, pa.msisdn, pa.account_key
        FROM payment_account pa
       WHERE pa.id > ${after}::uuid AND ${stale(Prisma.sql`pa.account_key`)}
         AND (pa.account_number IS NOT NULL OR pa.msisdn IS NOT NULL) ${accountScope}
       ORDER BY pa.id LIMIT ${batch}`;
    if (rows.length === 0) break;
    after = rows[rows.length - 1]!.id;
    const updates = rows.map((r) => ({
      id: r.id,
      was: r.account_key,
      account_key: hashes.current(
        accountKey,
        pd.openAccount({ rail: r.rail, bankCode: r.bank_code, accountNumber: r.account_number, msisdn: r.msisdn }),
      ),
    }));
    rehashed += await db.$executeRaw`
      UPDATE payment_account t SET account_key = v.account_key
        FROM jsonb_to_recordset(${JSON.stringify(updates)}::jsonb) AS v(id uuid, was text, account_key text)
       WHERE t.id = v.id AND t.account_key = v.was`;
  }

  // Households: their application's national ID hash and their account's key, once those moved (set-based:
  // a household holds the same hashes as its application and its account).
  for (;;) {
    const updated = await db.$executeRaw`
      UPDATE beneficiary b
         SET national_id_hash = CASE WHEN starts_with(a.national_id_hash, ${prefix}) THEN a.national_id_hash ELSE b.national_id_hash END,
             account_key = CASE WHEN starts_with(pa.account_key, ${prefix}) THEN pa.account_key ELSE b.account_key END
        FROM application a, payment_account pa
       WHERE a.id = b.application_id AND pa.id = b.payment_account_id AND b.id IN (
         SELECT b2.id FROM beneficiary b2
           JOIN application a2 ON a2.id = b2.application_id JOIN payment_account pa2 ON pa2.id = b2.payment_account_id
          WHERE ((${stale(Prisma.sql`b2.national_id_hash`)} AND starts_with(a2.national_id_hash, ${prefix}))
              OR (${stale(Prisma.sql`b2.account_key`)} AND starts_with(pa2.account_key, ${prefix})))
            ${programs ? Prisma.sql`AND b2.program_id = ANY(${programs})` : Prisma.empty}
          ORDER BY b2.id LIMIT ${batch})`;
    if (updated === 0) break;
    rehashed += updated;
  }

  return { rehashed, remaining: await remainingByKey(db, prefix, programs) };
}

/** Rows with a hash under another key than the first, by key id (a row is counted once per key). */
async function remainingByKey(db: Sql, prefix: string, programs: Prisma.Sql | undefined): Promise<Record<string, number>> {
  const inPrograms = (column: Prisma.Sql) => (programs ? Prisma.sql`WHERE ${column} = ANY(${programs})` : Prisma.empty);
  const rows = await db.$queryRaw<Array<{ key_id: string; count: number }>>`
    WITH stored(row_ref, hash) AS (
      SELECT 'application:' || a.id, h FROM application a CROSS JOIN LATERAL unnest(ARRAY[a.national_id_hash, a.birth_date_hash, a.phone_hash]) h
        ${inPrograms(Prisma.sql`a.program_id`)}
      UNION ALL
      SELECT 'payment_account:' || pa.id, pa.account_key FROM payment_account pa
        ${programs ? Prisma.sql`WHERE pa.application_id IN (SELECT a.id FROM application a WHERE a.program_id = ANY(${programs})) OR pa.id IN (SELECT b.payment_account_id FROM beneficiary b WHERE b.program_id = ANY(${programs}))` : Prisma.empty}
      UNION ALL
      SELECT 'beneficiary:' || b.id, h FROM beneficiary b CROSS JOIN LATERAL unnest(ARRAY[b.national_id_hash, b.account_key]) h
        ${inPrograms(Prisma.sql`b.program_id`)}
    )
    SELECT substring(hash from ${VERSIONED}) AS key_id, count(DISTINCT row_ref)::int AS count
      FROM stored WHERE hash ~ ${VERSIONED} AND NOT starts_with(hash, ${prefix})
     GROUP BY 1 ORDER BY 1`;
  return Object.fromEntries(rows.map((r) => [r.key_id, r.count]));
}

// Deduplication, set-based: one query for a whole batch of applications. Exact duplicates are refused
// (the database also enforces them at enrolment), probable ones are recorded as candidates and sent to a
// person. Nothing here reads names in bulk: a probable match shares the date of birth (by keyed hash) and
// municipality (an indexed lookup), and only those few names are opened and compared, in code.
// While a hash key rotation is under way (more than one key in PII_HASH_KEYS), rows stored under different
// keys hold different hashes of the same value: the batch's own values are then hashed under every key
// (hashVersions) and compared with each.
import Decimal from 'decimal.js';
import { Prisma, type Db } from '../lib/db';
import type { PersonalData } from '../lib/personal-data';
import { accountKey, birthDateHash, nationalIdHash, phoneHash, type HashKeys } from '../lib/pii';
import { nameSimilarity, NAME_MATCH_THRESHOLD } from '../domain/name-match';
import type { ReasonCode } from '../domain/reason-codes';

/** Probable-person candidates read per application (the most a reviewer would compare). */
const MAX_PROBABLE_CANDIDATES = 200;
/** Enrolments in other programs shown to a reviewer, the most recent first. */
const MAX_OTHER_PROGRAMS = 20;

type Sql = Pick<Db, '$queryRaw'>;

/**
 * The applications' hashes under every hash key listed, while there is more than one (none otherwise: the
 * stored hashes are all there is to compare). Opens their values to hash them: only then, and only theirs.
 */
export interface HashVersions {
  rows: Array<{ id: string; national_id_hashes: string[]; birth_date_hashes: string[]; phone_hashes: string[]; account_keys: string[] }>;
}
export const NO_VERSIONS: HashVersions = { rows: [] };
type VersionColumn = Exclude<keyof HashVersions['rows'][number], 'id'>;

export async function hashVersions(db: Sql, pd: PersonalData, hashes: HashKeys, applicationIds: string[]): Promise<HashVersions> {
  if (hashes.ids.length < 2 || applicationIds.length === 0) return NO_VERSIONS;
  const stored = await db.$queryRaw<
    Array<{
      id: string;
      country: string;
      national_id: string | null;
      date_of_birth: string | null;
      phone: string | null;
      rail: string | null;
      bank_code: string | null;
      account_number: string | null;
      msisdn: string | null;
    }>
  >`
    SELECT a.id::text, p.country, a.national_id, a.date_of_birth, a.phone, pa.rail::text AS rail, pa.bank_code, pa.account_number, pa.msisdn
      FROM application a JOIN program p ON p.id = a.program_id LEFT JOIN payment_account pa ON pa.application_id = a.id
     WHERE a.id = ANY(${applicationIds}::uuid[])`;
  const every = <T>(sealed: T | null, hashOf: (value: T) => string[]) => (sealed === null ? [] : hashOf(sealed));
  return {
    rows: stored.map((a) => ({
      id: a.id,
      national_id_hashes: every(a.national_id, (v) => hashes.all(nationalIdHash, a.country, pd.open('application.national_id', v))),
      birth_date_hashes: every(a.date_of_birth, (v) => hashes.all(birthDateHash, pd.open('application.date_of_birth', v))),
      phone_hashes: every(a.phone, (v) => hashes.all(phoneHash, pd.open('application.phone', v))),
      account_keys: every(a.rail, (rail) =>
        hashes.all(accountKey, pd.openAccount({ rail, bankCode: a.bank_code, accountNumber: a.account_number, msisdn: a.msisdn })),
      ),
    })),
  };
}

/**
 * SQL comparing another row's hash with application `a`'s: its stored one, or (during a rotation) any of its
 * versions. `versions` is then joined as `v` (versionsJoin).
 */
function sameHash(versions: HashVersions, other: Prisma.Sql, stored: Prisma.Sql, column: VersionColumn): Prisma.Sql {
  if (versions.rows.length === 0) return Prisma.sql`${other} = ${stored}`;
  return Prisma.sql`${other} = ANY(array_prepend(${stored}, COALESCE(v.${Prisma.raw(column)}, '{}'::text[])))`;
}
const versionsJoin = (versions: HashVersions) =>
  versions.rows.length === 0
    ? Prisma.empty
    : Prisma.sql`LEFT JOIN jsonb_to_recordset(${JSON.stringify(versions.rows)}::jsonb)
        AS v(id uuid, national_id_hashes text[], birth_date_hashes text[], phone_hashes text[], account_keys text[]) ON v.id = a.id`;

/**
 * Exact duplicates against what is already in the program, in the order they are checked: the person,
 * the household or the account enrolled under another application, and applications before this one
 * from the same phone beyond the program's limit (the first N pass). Registry facts must be stored.
 */
export async function exactDuplicates(
  db: Sql,
  applicationIds: string[],
  versions: HashVersions = NO_VERSIONS,
): Promise<Map<string, ReasonCode[]>> {
  if (applicationIds.length === 0) return new Map();
  const same = (other: string, stored: string, column: VersionColumn) => sameHash(versions, Prisma.raw(other), Prisma.raw(stored), column);
  const rows = await db.$queryRaw<Array<{ id: string; person: boolean; household: boolean; account: boolean; phone_shared: boolean }>>`
    SELECT a.id,
      EXISTS (SELECT 1 FROM beneficiary b WHERE b.program_id = a.program_id AND ${same('b.national_id_hash', 'a.national_id_hash', 'national_id_hashes')} AND b.application_id <> a.id) AS person,
      EXISTS (SELECT 1 FROM beneficiary b WHERE b.program_id = a.program_id AND b.household_id = a.household_id AND b.application_id <> a.id) AS household,
      EXISTS (SELECT 1 FROM beneficiary b WHERE b.program_id = a.program_id AND ${same('b.account_key', 'pa.account_key', 'account_keys')} AND b.application_id <> a.id) AS account,
      (SELECT count(*) FROM application o WHERE o.program_id = a.program_id AND ${same('o.phone_hash', 'a.phone_hash', 'phone_hashes')} AND o.id <> a.id
          AND (o.created_at, o.id) < (a.created_at, a.id)) >= p.max_applications_per_phone AS phone_shared
    FROM application a
    JOIN payment_account pa ON pa.application_id = a.id
    JOIN program p ON p.id = a.program_id
    ${versionsJoin(versions)}
    WHERE a.id = ANY(${applicationIds}::uuid[])`;
  return new Map(
    rows.map((r) => {
      const codes: ReasonCode[] = [];
      if (r.person) codes.push('DUPLICATE_PERSON');
      if (r.household) codes.push('DUPLICATE_HOUSEHOLD');
      if (r.account) codes.push('ACCOUNT_IN_USE');
      if (r.phone_shared) codes.push('PHONE_SHARED_TOO_OFTEN');
      return [r.id, codes];
    }),
  );
}

export interface Candidate {
  applicationId: string;
  candidateApplicationId: string;
  kind: 'PROBABLE_PERSON' | 'OTHER_PROGRAM';
  similarity?: string;
}

/**
 * Probable duplicates: another application in the program by someone with the same date of birth and
 * municipality whose name matches, under another national ID; within one batch, only earlier ones (the
 * first comes first), and none of `excluded` (rejected in this batch). Plus, for reviewers' information,
 * the same national ID enrolled in other programs.
 */
export async function duplicateCandidates(
  db: Sql,
  pd: PersonalData,
  applicationIds: string[],
  excluded: ReadonlySet<string>,
  versions: HashVersions = NO_VERSIONS,
): Promise<Candidate[]> {
  if (applicationIds.length === 0) return [];
  const same = (other: string, stored: string, column: VersionColumn) => sameHash(versions, Prisma.raw(other), Prisma.raw(stored), column);
  const [sameBirthAndPlace, otherPrograms] = await Promise.all([
    db.$queryRaw<Array<{ application_id: string; name: string | null; candidate_id: string; candidate_name: string | null }>>`
      SELECT a.id AS application_id, a.full_name AS name, c.id AS candidate_id, c.full_name AS candidate_name
      FROM application a
      ${versionsJoin(versions)}
      CROSS JOIN LATERAL (
        SELECT c.id, c.full_name FROM application c
        WHERE c.program_id = a.program_id AND ${same('c.birth_date_hash', 'a.birth_date_hash', 'birth_date_hashes')} AND c.municipality_code = a.municipality_code
          AND c.id <> a.id AND NOT ${same('c.national_id_hash', 'a.national_id_hash', 'national_id_hashes')} AND c.status <> 'REJECTED'
          AND (c.decision_batch_id IS DISTINCT FROM a.decision_batch_id OR (c.created_at, c.id) < (a.created_at, a.id))
        LIMIT ${MAX_PROBABLE_CANDIDATES}) c
      WHERE a.id = ANY(${applicationIds}::uuid[])`,
    db.$queryRaw<Array<{ application_id: string; candidate_id: string }>>`
      SELECT a.id AS application_id, o.id AS candidate_id
      FROM application a
      ${versionsJoin(versions)}
      CROSS JOIN LATERAL (
        SELECT o.id FROM application o
        WHERE ${same('o.national_id_hash', 'a.national_id_hash', 'national_id_hashes')} AND o.program_id <> a.program_id AND o.status = 'ENROLLED'
        ORDER BY o.created_at DESC LIMIT ${MAX_OTHER_PROGRAMS}) o
      WHERE a.id = ANY(${applicationIds}::uuid[])`,
  ]);
  const probable = sameBirthAndPlace
    // An erased name (retention) is nobody's to compare with.
    .filter((c) => !excluded.has(c.candidate_id) && c.name !== null && c.candidate_name !== null)
    .map((c) => ({
      ...c,
      similarity: nameSimilarity(pd.open('application.full_name', c.name!), pd.open('application.full_name', c.candidate_name!)),
    }))
    .filter((c) => c.similarity >= NAME_MATCH_THRESHOLD)
    .map((c): Candidate => ({
      applicationId: c.application_id,
      candidateApplicationId: c.candidate_id,
      kind: 'PROBABLE_PERSON',
      similarity: new Decimal(c.similarity).toDecimalPlaces(3).toString(),
    }));
  return [
    ...probable,
    ...otherPrograms.map((c): Candidate => ({
      applicationId: c.application_id,
      candidateApplicationId: c.candidate_id,
      kind: 'OTHER_PROGRAM',
    })),
  ];
}

// Deduplication: exact duplicates are refused (the database also enforces them at enrolment),
// probable ones are recorded as candidates and sent to a person. Nothing here reads names in bulk:
// candidates for a probable match share the date of birth and municipality (an indexed lookup).
import Decimal from 'decimal.js';
import type { Db } from '../lib/db';
import { nameSimilarity, NAME_MATCH_THRESHOLD } from '../domain/name-match';
import type { ReasonCode } from '../domain/reason-codes';

export interface DedupSubject {
  id: string;
  programId: string;
  nationalIdHash: string;
  phoneHash: string;
  fullName: string;
  dateOfBirth: Date;
  municipalityCode: string;
  householdId: string;
  accountKey: string;
  createdAt: Date;
  maxApplicationsPerPhone: number;
}

/** Exact duplicates within the program, in the order they are checked: one query, four indexed probes. */
export async function exactDuplicates(db: Db, a: DedupSubject): Promise<ReasonCode[]> {
  const [row] = await db.$queryRaw<Array<{ person: boolean; household: boolean; account: boolean; earlier_on_phone: number }>>`
    SELECT EXISTS (SELECT 1 FROM beneficiary WHERE program_id = ${a.programId}::uuid AND national_id_hash = ${a.nationalIdHash} AND application_id <> ${a.id}::uuid) AS person,
           EXISTS (SELECT 1 FROM beneficiary WHERE program_id = ${a.programId}::uuid AND household_id = ${a.householdId} AND application_id <> ${a.id}::uuid) AS household,
           EXISTS (SELECT 1 FROM beneficiary WHERE program_id = ${a.programId}::uuid AND account_key = ${a.accountKey} AND application_id <> ${a.id}::uuid) AS account,
           -- Applications before this one from the same phone: the first N pass. (created_at is UTC without a zone.)
           (SELECT count(*)::int FROM application WHERE program_id = ${a.programId}::uuid AND phone_hash = ${a.phoneHash} AND id <> ${a.id}::uuid
               AND (created_at, id) < (${a.createdAt.toISOString()}::timestamptz AT TIME ZONE 'UTC', ${a.id}::uuid)) AS earlier_on_phone`;
  const codes: ReasonCode[] = [];
  if (row!.person) codes.push('DUPLICATE_PERSON');
  if (row!.household) codes.push('DUPLICATE_HOUSEHOLD');
  if (row!.account) codes.push('ACCOUNT_IN_USE');
  if (row!.earlier_on_phone >= a.maxApplicationsPerPhone) codes.push('PHONE_SHARED_TOO_OFTEN');
  return codes;
}

export interface Candidate {
  candidateApplicationId: string;
  kind: 'PROBABLE_PERSON' | 'OTHER_PROGRAM';
  similarity?: string;
}

/**
 * Probable duplicates: another application in the program by someone with the same date of birth and
 * municipality whose name matches, under another national ID. Plus, for reviewers' information, the
 * same national ID enrolled in other programs.
 */
export async function duplicateCandidates(db: Db, a: DedupSubject): Promise<Candidate[]> {
  const [sameBirthAndPlace, otherPrograms] = await Promise.all([
    db.application.findMany({
      where: {
        programId: a.programId,
        dateOfBirth: a.dateOfBirth,
        municipalityCode: a.municipalityCode,
        id: { not: a.id },
        nationalIdHash: { not: a.nationalIdHash },
        status: { not: 'REJECTED' },
      },
      select: { id: true, fullName: true },
      take: 200,
    }),
    db.application.findMany({
      where: { nationalIdHash: a.nationalIdHash, programId: { not: a.programId }, status: 'ENROLLED' },
      select: { id: true },
      orderBy: { createdAt: 'desc' }, // the most recent enrolments, if there are many
      take: 20,
    }),
  ]);
  const probable = sameBirthAndPlace
    .map((c) => ({ id: c.id, similarity: nameSimilarity(a.fullName, c.fullName) }))
    .filter((c) => c.similarity >= NAME_MATCH_THRESHOLD)
    .map((c) => ({
      candidateApplicationId: c.id,
      kind: 'PROBABLE_PERSON' as const,
      similarity: new Decimal(c.similarity).toDecimalPlaces(3).toString(),
    }));
  return [...probable, ...otherPrograms.map((c) => ({ candidateApplicationId: c.id, kind: 'OTHER_PROGRAM' as const }))];
}

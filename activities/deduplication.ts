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

/** Exact duplicates within the program, in the order they are checked. */
export async function exactDuplicates(db: Db, a: DedupSubject): Promise<ReasonCode[]> {
  const [person, household, account, earlierOnPhone] = await Promise.all([
    db.beneficiary.findFirst({ where: { programId: a.programId, nationalIdHash: a.nationalIdHash, applicationId: { not: a.id } }, select: { id: true } }),
    db.beneficiary.findFirst({ where: { programId: a.programId, householdId: a.householdId, applicationId: { not: a.id } }, select: { id: true } }),
    db.beneficiary.findFirst({ where: { programId: a.programId, accountKey: a.accountKey, applicationId: { not: a.id } }, select: { id: true } }),
    // Applications that came before this one from the same phone: the first N pass, the rest do not.
    db.application.count({
      where: {
        programId: a.programId, phoneHash: a.phoneHash, id: { not: a.id },
        OR: [{ createdAt: { lt: a.createdAt } }, { createdAt: a.createdAt, id: { lt: a.id } }],
      },
    }),
  ]);
  const codes: ReasonCode[] = [];
  if (person) codes.push('DUPLICATE_PERSON');
  if (household) codes.push('DUPLICATE_HOUSEHOLD');
  if (account) codes.push('ACCOUNT_IN_USE');
  if (earlierOnPhone >= a.maxApplicationsPerPhone) codes.push('PHONE_SHARED_TOO_OFTEN');
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
        programId: a.programId, dateOfBirth: a.dateOfBirth, municipalityCode: a.municipalityCode,
        id: { not: a.id }, nationalIdHash: { not: a.nationalIdHash }, status: { not: 'REJECTED' },
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
    .map((c) => ({ candidateApplicationId: c.id, kind: 'PROBABLE_PERSON' as const, similarity: new Decimal(c.similarity).toDecimalPlaces(3).toString() }));
  return [...probable, ...otherPrograms.map((c) => ({ candidateApplicationId: c.id, kind: 'OTHER_PROGRAM' as const }))];
}

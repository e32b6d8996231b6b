// What verification means (the registry's record against what the applicant typed), and the enrolment of
// one application after a person's review. Batches decide the rest (decision-batch.ts). The activity
// takes the application's ID (never personal data) and is safe to run twice.
import { ApplicationFailure } from '@temporalio/activity';
import { audit } from '../lib/audit';
import type { Config } from '../lib/config';
import { Prisma, type Db } from '../lib/db';
import { personalData } from '../lib/personal-data';
import { ageOn, type EligibilityFacts } from '../domain/eligibility';
import { lastDigit } from '../domain/schedule';
import { namesMatch } from '../domain/name-match';
import type { ReasonCode } from '../domain/reason-codes';
import type { RegistryRecord } from './clients/registry-client';
import { exactDuplicates } from './deduplication';

export type VerificationOutcome = 'VERIFIED' | 'NOT_IN_REGISTRY' | 'DATE_OF_BIRTH_MISMATCH' | 'NAME_MISMATCH';
/** The decision before it is carried out, kept on the application so that deciding again changes nothing. */
export type Assessment = { outcome: 'ENROLL' } | { outcome: 'REVIEW' } | { outcome: 'REJECT'; reasonCodes: ReasonCode[] };
export interface EnrollmentOutcome {
  status: 'ENROLLED' | 'REJECTED';
  reasonCodes: ReasonCode[];
}

/** Registry facts stored on the application: what the rules and dedup use, without names. */
export interface RegistryFacts extends EligibilityFacts {
  householdId: string;
}

const ACTOR = 'system:application-review';

/** The registry's word on an applicant: known, born that day, and named so (allowing for registry dirt). */
export function verification(
  applicant: { fullName: string; dateOfBirth: string },
  record: RegistryRecord | null,
): Exclude<VerificationOutcome, 'VERIFIED'> | null {
  if (!record) return 'NOT_IN_REGISTRY';
  if (record.person.dateOfBirth !== applicant.dateOfBirth.slice(0, 10)) return 'DATE_OF_BIRTH_MISMATCH';
  // Registries misspell, drop accents and swap name order: namesMatch allows for that, not for another person.
  if (!namesMatch(applicant.fullName, record.person.fullName)) return 'NAME_MISMATCH';
  return null;
}

export function registryFacts(record: RegistryRecord, applicantNationalId: string): RegistryFacts {
  const { person, household } = record;
  return {
    dateOfBirth: person.dateOfBirth,
    householdId: household.id,
    householdSize: household.size,
    householdMonthlyIncome: household.monthlyIncome,
    members: household.members.map((m) => ({
      dateOfBirth: m.dateOfBirth,
      formallyEmployed: m.formallyEmployed,
      isApplicant: m.nationalId === applicantNationalId,
    })),
    otherBenefits: household.otherBenefits ?? person.otherBenefits,
    vulnerabilityScore: household.vulnerabilityScore ?? person.vulnerabilityScore,
    municipalityCode: household.municipality.code,
  };
}

/** What payment cycles need of an enrolled household, so they never read the registry or national IDs again. */
export function enrolmentFacts(facts: RegistryFacts, nationalId: string, today: string) {
  return {
    householdId: facts.householdId,
    dependants: facts.members.filter((m) => ageOn(m.dateOfBirth, today) < 18).length,
    idLastDigit: lastDigit(nationalId),
  };
}

/**
 * A household enrolled while its identity is disputed (web/services/identity-disputes.ts) starts SUSPENDED,
 * and the dispute takes it as the beneficiary its lifting makes ACTIVE again.
 */
export async function suspendIfDisputed(tx: Prisma.TransactionClient, applicationIds: string[]): Promise<void> {
  await tx.$executeRaw`
    WITH disputed AS (
      UPDATE identity_dispute d SET beneficiary_id = b.id FROM beneficiary b
       WHERE b.application_id = d.application_id AND d.status = 'OPEN' AND d.beneficiary_id IS NULL
         AND d.application_id = ANY(${applicationIds}::uuid[])
      RETURNING b.id)
    UPDATE beneficiary SET status = 'SUSPENDED' WHERE id IN (SELECT id FROM disputed)`;
}

export function createApplicationActivities(deps: { db: Db; config: Pick<Config, 'PII_MASTER_KEYS'>; today: () => string }) {
  const { db } = deps;

  /** The application with what the steps need, in one query (relationJoins). */
  async function load(applicationId: string) {
    const app = await db.application.findUnique({
      where: { id: applicationId },
      include: {
        paymentAccount: { select: { id: true, accountKey: true } },
        beneficiary: { select: { id: true } },
      },
    });
    if (!app?.paymentAccount) throw ApplicationFailure.nonRetryable(`application ${applicationId} not found`, 'ApplicationNotFound');
    return { ...app, paymentAccount: app.paymentAccount };
  }

  return {
    /** Enrols the household, unless this person, household or account already is: the database decides races. */
    async enrollBeneficiary(applicationId: string): Promise<EnrollmentOutcome> {
      const app = await load(applicationId);
      if (app.beneficiary) return { status: 'ENROLLED', reasonCodes: [] };
      if (!app.registryFacts || !app.nationalId)
        throw ApplicationFailure.nonRetryable(`application ${applicationId} has no registry facts or national ID`, 'NotVerified');
      const pd = await personalData(deps);
      const facts = pd.openJson<RegistryFacts>('application.registry_facts', app.registryFacts);
      const nationalId = pd.open('application.national_id', app.nationalId);
      try {
        await db.$transaction(async (tx) => {
          const beneficiary = await tx.beneficiary.create({
            data: {
              programId: app.programId,
              applicationId,
              nationalIdHash: app.nationalIdHash,
              paymentAccountId: app.paymentAccount.id,
              accountKey: app.paymentAccount.accountKey,
              ...enrolmentFacts(facts, nationalId, deps.today()),
            },
          });
          await tx.application.update({
            where: { id: applicationId },
            data: { status: 'ENROLLED', reasonCodes: [], decidedAt: new Date(), appealDeadline: null },
          });
          await suspendIfDisputed(tx, [applicationId]);
          await audit(tx, {
            actor: ACTOR,
            action: 'application.enrolled',
            entityType: 'application',
            entityId: applicationId,
            details: { beneficiaryId: beneficiary.id },
          });
        });
        return { status: 'ENROLLED', reasonCodes: [] };
      } catch (err) {
        if (!(err instanceof Prisma.PrismaClientKnownRequestError) || err.code !== 'P2002') throw err;
        // An earlier attempt of this activity may have committed after our read: that is our own enrolment.
        if (await db.beneficiary.findUnique({ where: { applicationId } })) return { status: 'ENROLLED', reasonCodes: [] };
        // Another application enrolled the same person, household or account in the meantime.
        const found = (await exactDuplicates(db, [applicationId])).get(applicationId) ?? [];
        const reasonCodes = found.filter((c) => c !== 'PHONE_SHARED_TOO_OFTEN');
        return { status: 'REJECTED', reasonCodes: reasonCodes.length ? reasonCodes : ['DUPLICATE_HOUSEHOLD'] };
      }
    },
  };
}

// Activities of the ApplicationWorkflow that decide: verify against the registry, assess (rules and
// deduplication), enrol. Each takes the application's ID (never personal data) and is safe to run twice.
import { ApplicationFailure } from '@temporalio/activity';
import { audit } from '../lib/audit';
import { Prisma, type Db } from '../lib/db';
import { ageOn, evaluateEligibility, RuleSetSchema, type EligibilityFacts, type RuleResult } from '../domain/eligibility';
import { lastDigit } from '../domain/schedule';
import { namesMatch } from '../domain/name-match';
import type { ReasonCode } from '../domain/reason-codes';
import type { RegistryClient, RegistryRecord } from './clients/registry-client';
import { duplicateCandidates, exactDuplicates } from './deduplication';

export type VerificationOutcome = 'VERIFIED' | 'NOT_IN_REGISTRY' | 'DATE_OF_BIRTH_MISMATCH' | 'NAME_MISMATCH';
export type Assessment = { outcome: 'ENROLL' } | { outcome: 'REVIEW' } | { outcome: 'REJECT'; reasonCodes: ReasonCode[] };
export interface EnrollmentOutcome {
  status: 'ENROLLED' | 'REJECTED';
  reasonCodes: ReasonCode[];
}

/** Registry facts stored on the application: what the rules and dedup use, without names. */
export interface RegistryFacts extends EligibilityFacts {
  householdId: string;
}

const ACTOR = 'system:application-workflow';

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

export function createApplicationActivities(deps: { db: Db; registry: RegistryClient; today: () => string }) {
  const { db, registry } = deps;

  /** The application with what the steps need, in one query (relationJoins). */
  async function load(applicationId: string) {
    const app = await db.application.findUnique({
      where: { id: applicationId },
      include: {
        paymentAccount: { select: { id: true, accountKey: true } },
        program: { select: { maxApplicationsPerPhone: true } },
        beneficiary: { select: { id: true } },
      },
    });
    if (!app?.paymentAccount) throw ApplicationFailure.nonRetryable(`application ${applicationId} not found`, 'ApplicationNotFound');
    return { ...app, paymentAccount: app.paymentAccount };
  }

  /** Eligibility rules, then exact duplicates (refused), then probable ones (to a person). */
  async function assess(
    app: Awaited<ReturnType<typeof load>>,
  ): Promise<{ assessment: Assessment; ruleSetId: string; ruleResults: RuleResult[] }> {
    const applicationId = app.id;
    if (!app.registryFacts || !app.municipalityCode)
      throw ApplicationFailure.nonRetryable('application has no registry facts', 'NotVerified');
    const ruleSet = await db.ruleSet.findFirst({ where: { programId: app.programId }, orderBy: { version: 'desc' } });
    if (!ruleSet) throw ApplicationFailure.nonRetryable(`program ${app.programId} has no rule set`, 'NoRuleSet');
    const facts = app.registryFacts as unknown as RegistryFacts;
    const eligibility = evaluateEligibility(RuleSetSchema.parse(ruleSet.rules), facts, deps.today());
    const record = (assessment: Assessment) => ({ assessment, ruleSetId: ruleSet.id, ruleResults: eligibility.results });
    if (!eligibility.eligible) return record({ outcome: 'REJECT', reasonCodes: eligibility.reasonCodes });

    const subject = {
      ...app,
      municipalityCode: app.municipalityCode,
      householdId: facts.householdId,
      accountKey: app.paymentAccount.accountKey,
      maxApplicationsPerPhone: app.program.maxApplicationsPerPhone,
    };
    const exact = await exactDuplicates(db, subject);
    if (exact.length > 0) return record({ outcome: 'REJECT', reasonCodes: exact });
    const candidates = await duplicateCandidates(db, subject);
    if (candidates.length > 0) {
      await db.duplicateCandidate.createMany({ data: candidates.map((c) => ({ applicationId, ...c })), skipDuplicates: true });
    }
    return record(candidates.some((c) => c.kind === 'PROBABLE_PERSON') ? { outcome: 'REVIEW' } : { outcome: 'ENROLL' });
  }

  return {
    async verifyApplicant(applicationId: string): Promise<VerificationOutcome> {
      const app = await load(applicationId);
      const record = await registry.findPerson(app.nationalId);
      if (!record) return 'NOT_IN_REGISTRY';
      if (record.person.dateOfBirth !== app.dateOfBirth.toISOString().slice(0, 10)) return 'DATE_OF_BIRTH_MISMATCH';
      // Registries misspell, drop accents and swap name order: namesMatch allows for that, not for another person.
      if (!namesMatch(app.fullName, record.person.fullName)) return 'NAME_MISMATCH';
      const facts = registryFacts(record, app.nationalId);
      await db.application.update({
        where: { id: applicationId },
        data: {
          registryFacts: { ...facts },
          municipalityCode: facts.municipalityCode,
          ...(app.status === 'RECEIVED' ? { status: 'VERIFYING' } : {}),
        },
      });
      return 'VERIFIED';
    },

    /** The assessment, decided once per application. */
    async assessApplication(applicationId: string): Promise<Assessment> {
      const app = await load(applicationId);
      // Run again (a retried workflow task), the first answer stands: later applications must not change it.
      if (app.assessment) return app.assessment as unknown as Assessment;
      const { assessment, ruleSetId, ruleResults } = await assess(app);
      // One write: the outcome, the rule set version and every rule's result with its facts.
      await db.application.update({
        where: { id: applicationId },
        data: { assessment, ruleSetId, ruleResults: ruleResults as unknown as Prisma.InputJsonArray },
      });
      return assessment;
    },

    /** Enrols the household, unless this person, household or account already is: the database decides races. */
    async enrollBeneficiary(applicationId: string): Promise<EnrollmentOutcome> {
      const app = await load(applicationId);
      if (app.beneficiary) return { status: 'ENROLLED', reasonCodes: [] };
      const facts = app.registryFacts as unknown as RegistryFacts;
      try {
        await db.$transaction(async (tx) => {
          const beneficiary = await tx.beneficiary.create({
            data: {
              programId: app.programId,
              applicationId,
              nationalIdHash: app.nationalIdHash,
              householdId: facts.householdId,
              paymentAccountId: app.paymentAccount.id,
              accountKey: app.paymentAccount.accountKey,
              // What payment cycles need, so they never read the registry or national IDs again.
              dependants: facts.members.filter((m) => ageOn(m.dateOfBirth, deps.today()) < 18).length,
              idLastDigit: lastDigit(app.nationalId),
            },
          });
          await tx.application.update({
            where: { id: applicationId },
            data: { status: 'ENROLLED', reasonCodes: [], decidedAt: new Date(), appealDeadline: null },
          });
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
        const reasonCodes = await exactDuplicates(db, {
          ...app,
          municipalityCode: app.municipalityCode ?? '',
          householdId: facts.householdId,
          accountKey: app.paymentAccount.accountKey,
          maxApplicationsPerPhone: Number.MAX_SAFE_INTEGER,
        });
        return { status: 'REJECTED', reasonCodes: reasonCodes.length ? reasonCodes : ['DUPLICATE_HOUSEHOLD'] };
      }
    },
  };
}

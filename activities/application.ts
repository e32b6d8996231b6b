// Activities of the ApplicationWorkflow. Each takes the application's ID (never personal data),
// reads what it needs from the database, and is safe to run twice.
import { ApplicationFailure } from '@temporalio/activity';
import { audit } from '../lib/audit';
import { Prisma, type Db } from '../lib/db';
import { evaluateEligibility, RuleSetSchema, type EligibilityFacts } from '../domain/eligibility';
import type { RegistryClient } from './clients/registry-client';

export type VerificationOutcome = 'VERIFIED' | 'NOT_IN_REGISTRY' | 'DATE_OF_BIRTH_MISMATCH';
export type EnrollmentOutcome = 'ENROLLED' | 'DUPLICATE_PERSON' | 'DUPLICATE_HOUSEHOLD';

/** Registry facts stored on the application: what the rules and dedup use, without names. */
export interface RegistryFacts extends EligibilityFacts {
  householdId: string;
  /** Municipality code (IBGE in Brazil, INDEC in Argentina). */
  municipality: string;
}

const ACTOR = 'system:application-workflow';

export function createApplicationActivities(deps: { db: Db; registry: RegistryClient; today: () => string }) {
  const { db, registry } = deps;

  async function load(applicationId: string) {
    const app = await db.application.findUnique({ where: { id: applicationId } });
    if (!app) throw ApplicationFailure.nonRetryable(`application ${applicationId} not found`, 'ApplicationNotFound');
    return app;
  }

  return {
    async verifyApplicant(applicationId: string): Promise<VerificationOutcome> {
      const app = await load(applicationId);
      await db.application.updateMany({ where: { id: applicationId, status: 'RECEIVED' }, data: { status: 'VERIFYING' } });
      const record = await registry.findPerson(app.nationalId);
      if (!record) return 'NOT_IN_REGISTRY';
      if (record.person.dateOfBirth !== app.dateOfBirth.toISOString().slice(0, 10)) return 'DATE_OF_BIRTH_MISMATCH';
      const facts: RegistryFacts = {
        dateOfBirth: record.person.dateOfBirth,
        householdId: record.household.id,
        householdSize: record.household.size,
        householdMonthlyIncome: record.household.monthlyIncome,
        municipality: record.household.municipality.code,
      };
      await db.application.update({ where: { id: applicationId }, data: { registryFacts: { ...facts } } });
      return 'VERIFIED';
    },

    async checkEligibility(applicationId: string): Promise<{ eligible: boolean; reasonCodes: string[] }> {
      const app = await load(applicationId);
      if (!app.registryFacts) throw ApplicationFailure.nonRetryable('application has no registry facts', 'NotVerified');
      const ruleSet = await db.ruleSet.findFirst({ where: { programId: app.programId }, orderBy: { version: 'desc' } });
      if (!ruleSet) throw ApplicationFailure.nonRetryable(`program ${app.programId} has no rule set`, 'NoRuleSet');
      const outcome = evaluateEligibility(RuleSetSchema.parse(ruleSet.rules), app.registryFacts as unknown as RegistryFacts, deps.today());
      await db.application.update({
        where: { id: applicationId },
        data: { ruleSetId: ruleSet.id, ruleResults: outcome.results as unknown as Prisma.InputJsonArray },
      });
      return { eligible: outcome.eligible, reasonCodes: outcome.reasonCodes };
    },

    /** Enrolls the household, unless this person or household already is: the database decides races. */
    async enrollBeneficiary(applicationId: string): Promise<EnrollmentOutcome> {
      const app = await db.application.findUnique({ where: { id: applicationId }, include: { paymentAccount: true, beneficiary: true } });
      if (!app?.paymentAccount) throw ApplicationFailure.nonRetryable(`application ${applicationId} incomplete`, 'ApplicationNotFound');
      if (app.beneficiary) return 'ENROLLED';
      const facts = app.registryFacts as unknown as RegistryFacts;
      try {
        await db.$transaction(async (tx) => {
          const beneficiary = await tx.beneficiary.create({
            data: { programId: app.programId, applicationId, nationalIdHash: app.nationalIdHash, householdId: facts.householdId, paymentAccountId: app.paymentAccount!.id, accountKey: app.paymentAccount!.accountKey },
          });
          await tx.application.update({ where: { id: applicationId }, data: { status: 'ENROLLED', reasonCodes: [], decidedAt: new Date() } });
          await audit(tx, { actor: ACTOR, action: 'application.enrolled', entityType: 'application', entityId: applicationId, details: { beneficiaryId: beneficiary.id } });
        });
        return 'ENROLLED';
      } catch (err) {
        if (!(err instanceof Prisma.PrismaClientKnownRequestError) || err.code !== 'P2002') throw err;
        // An earlier attempt of this activity may have committed after our read: that is our own enrolment.
        if (await db.beneficiary.findUnique({ where: { applicationId } })) return 'ENROLLED';
        const samePerson = await db.beneficiary.findFirst({ where: { programId: app.programId, nationalIdHash: app.nationalIdHash } });
        return samePerson ? 'DUPLICATE_PERSON' : 'DUPLICATE_HOUSEHOLD';
      }
    },

    async rejectApplication(applicationId: string, reasonCodes: string[]): Promise<void> {
      await db.$transaction(async (tx) => {
        const updated = await tx.application.updateMany({
          where: { id: applicationId, status: { in: ['RECEIVED', 'VERIFYING'] } },
          data: { status: 'REJECTED', reasonCodes, decidedAt: new Date() },
        });
        if (updated.count === 1) {
          await audit(tx, { actor: ACTOR, action: 'application.rejected', entityType: 'application', entityId: applicationId, details: { reasonCodes } });
        }
      });
    },
  };
}

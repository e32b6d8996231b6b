// Test data written straight to the database, for tests whose subject starts after intake
// (cycles, disbursement, reconciliation). Every program is new, so tests never share rows.
import { randomInt, randomUUID } from 'node:crypto';
import Decimal from 'decimal.js';
import type { InstructionStatus } from '../../generated/prisma/client';
import type { Db } from '../../lib/db';
import { openApplicant } from '../../lib/personal-data';
import { testPersonalData } from './personal-data';
import type { Rule } from '../../domain/eligibility';
import { uid } from './util';

export const DEFAULT_RULES: Rule[] = [
  { type: 'max_income_per_capita', amount: '759.00' },
  { type: 'min_applicant_age', years: 18 },
];

export async function createProgram(db: Db, opts: { baseAmount?: string; batchSize?: number; rules?: Rule[] } = {}) {
  const code = uid('P').toUpperCase();
  return db.program.create({
    data: {
      code,
      name: `Test ${code}`,
      country: 'BR',
      currency: 'BRL',
      baseAmount: opts.baseAmount ?? '600.00',
      batchSize: opts.batchSize ?? 50,
      fundingAccount: `FUND-${code}`,
      ruleSets: { create: { version: 1, rules: opts.rules ?? DEFAULT_RULES } },
    },
  });
}

export interface EnrolOptions {
  /** Bank account number of household i (default: a distinct one); lets a test pick closed accounts. */
  accountNumber?: (i: number) => string;
  /** Wallet number of household i, for households paid by mobile wallet (null: a bank account). */
  msisdn?: (i: number) => string | null;
  dependants?: (i: number) => number;
}

/** Enrols `count` households straight in the database (ID last digit i % 10, for payment waves). */
export async function enrollBeneficiaries(db: Db, programId: string, count: number, opts: EnrolOptions = {}) {
  const accountNumber = opts.accountNumber ?? ((i: number) => String(500_000_000 + i));
  const rows = Array.from({ length: count }, (_, i) => ({
    applicationId: randomUUID(),
    accountId: randomUUID(),
    beneficiaryId: randomUUID(),
    i,
  }));
  const tag = uid('n');
  const pd = await testPersonalData(db);
  await db.application.createMany({
    data: rows.map((r) => ({
      id: r.applicationId,
      number: `${tag}-${r.i}`,
      programId,
      nationalIdHash: `${tag}-${r.i}`,
      nationalId: pd.seal('application.national_id', `${r.i}`.padStart(11, '0')),
      fullName: pd.seal('application.full_name', 'Test Person'),
      dateOfBirth: pd.seal('application.date_of_birth', '1980-01-01'),
      phone: pd.seal('application.phone', '+5511900000000'),
      phoneHash: `${tag}-${r.i}`,
      municipality: 'Test',
      householdSize: 3,
      dependantsUnder18: 1,
      declaredMonthlyIncome: '300.00',
      status: 'ENROLLED' as const,
      phoneVerifiedAt: new Date(),
    })),
  });
  await db.paymentAccount.createMany({
    data: rows.map((r) => {
      const msisdn = opts.msisdn?.(r.i) ?? null;
      return msisdn
        ? {
            id: r.accountId,
            applicationId: r.applicationId,
            rail: 'WALLET' as const,
            msisdn: pd.seal('payment_account.msisdn', msisdn),
            accountKey: `${tag}-${r.i}`,
          }
        : {
            id: r.accountId,
            applicationId: r.applicationId,
            rail: 'BANK' as const,
            bankCode: '001',
            accountNumber: pd.seal('payment_account.account_number', accountNumber(r.i)),
            accountKey: `${tag}-${r.i}`,
          };
    }),
  });
  await db.beneficiary.createMany({
    data: rows.map((r) => ({
      id: r.beneficiaryId,
      programId,
      applicationId: r.applicationId,
      nationalIdHash: `${tag}-${r.i}`,
      householdId: `${tag}-HH-${r.i}`,
      paymentAccountId: r.accountId,
      accountKey: `${tag}-${r.i}`,
      dependants: opts.dependants?.(r.i) ?? 0,
      idLastDigit: r.i % 10,
    })),
  });
  return rows.map((r) => r.beneficiaryId);
}

/** A cycle prepared and approved for the program's current enrollment, unless totals are given. */
export async function approvedCycle(db: Db, programId: string, envelope: { count?: number; amount?: string } = {}) {
  const program = await db.program.findUniqueOrThrow({ where: { id: programId } });
  const count = await db.beneficiary.count({ where: { programId, status: 'ACTIVE' } });
  const amount = new Decimal(program.baseAmount.toString()).times(count).toString();
  const last = await db.paymentCycle.count({ where: { programId } });
  return db.paymentCycle.create({
    data: {
      programId,
      number: last + 1,
      status: 'APPROVED',
      currency: program.currency,
      preparedBy: randomUUID(),
      approvedBy: randomUUID(),
      previewCount: count,
      previewAmount: amount,
      approvedCount: envelope.count ?? count,
      approvedAmount: envelope.amount ?? amount,
      approvedAt: new Date(),
    },
  });
}

/**
 * An application in review with one probable duplicate (enrolled), and an earlier decided review,
 * written straight to the database. Created "long ago": first in the oldest-first queue.
 */
export async function probableDuplicateReview(db: Db) {
  const program = await createProgram(db);
  const householdId = uid('HH');
  const pd = await testPersonalData(db);
  const person = (fullName: string, status: 'ENROLLED' | 'NEEDS_REVIEW') => ({
    programId: program.id,
    fullName: pd.seal('application.full_name', fullName),
    status,
    nationalId: pd.seal('application.national_id', String(randomInt(10 ** 10, 10 ** 11 - 1))),
    nationalIdHash: uid('h'),
    phoneHash: uid('p'),
    number: `BR-${randomInt(10 ** 7, 10 ** 8 - 1)}X`,
    dateOfBirth: pd.seal('application.date_of_birth', '1985-03-14'),
    municipality: 'São Paulo',
    municipalityCode: '3550308',
    householdSize: 4,
    dependantsUnder18: 2,
    declaredMonthlyIncome: '1200.00',
    phone: pd.seal('application.phone', '+5511987654321'),
    phoneVerifiedAt: new Date(),
  });
  const candidate = await db.application.create({
    data: {
      ...person('Maria Aparecida Souza', 'ENROLLED'),
      paymentAccount: {
        create: {
          rail: 'BANK',
          bankCode: '001',
          accountNumber: pd.seal('payment_account.account_number', '12345678'),
          accountKey: uid('k'),
        },
      },
    },
    include: { paymentAccount: true },
  });
  const applicant = await db.application.create({
    data: {
      ...person('María Aparecida de Souza', 'NEEDS_REVIEW'),
      paymentAccount: { create: { rail: 'WALLET', msisdn: pd.seal('payment_account.msisdn', '+5511987654321'), accountKey: uid('k') } },
      registryFacts: pd.sealJson('application.registry_facts', {
        dateOfBirth: '1985-03-14',
        householdId,
        householdSize: 4,
        householdMonthlyIncome: '1200.00',
        municipalityCode: '3550308',
        members: [{ dateOfBirth: '1985-03-14', formallyEmployed: false, isApplicant: true }],
      }),
      ruleResults: [
        { rule: 'max_income_per_capita', passed: true, facts: { perCapita: '300.00', threshold: '759.00' } },
        { rule: 'min_applicant_age', passed: false, reasonCode: 'APPLICANT_TOO_YOUNG', facts: { age: 17, minimum: 18 } },
      ],
    },
    include: { paymentAccount: true },
  });
  await db.duplicateCandidate.create({
    data: { applicationId: applicant.id, candidateApplicationId: candidate.id, kind: 'PROBABLE_PERSON', similarity: '0.910' },
  });
  // Created "long ago": first in the oldest-first queue whatever other tests left open.
  const task = await db.reviewTask.create({
    data: { applicationId: applicant.id, kind: 'DUPLICATE', createdAt: new Date('2001-01-01T00:00:00Z') },
  });
  await db.reviewTask.create({
    data: {
      applicationId: applicant.id,
      kind: 'APPEAL',
      status: 'DECIDED',
      decision: 'REJECT',
      comment: pd.seal('review_task.comment', 'Earlier call: "same person"'),
      decidedAt: new Date(),
    },
  });
  // As a reviewer sees them: opened.
  return {
    taskId: task.id,
    programCode: program.code,
    applicant: openApplicant(pd, applicant),
    candidate: openApplicant(pd, candidate),
    householdId,
  };
}

/** One payment to a household in `status`, in a batch of its own. */
export async function paymentTo(db: Db, programId: string, b: { id: string; paymentAccountId: string }, status: InstructionStatus) {
  const cycle = await approvedCycle(db, programId);
  const batch = await db.paymentBatch.create({
    data: {
      cycleId: cycle.id,
      seq: 1,
      rail: 'BANK',
      provider: 'bank-sim',
      messageId: uid('msg'),
      itemCount: 1,
      totalAmount: '600.00',
      currency: 'BRL',
    },
  });
  await db.paymentInstruction.create({
    data: {
      paymentKey: randomUUID(),
      cycleId: cycle.id,
      batchId: batch.id,
      beneficiaryId: b.id,
      paymentAccountId: b.paymentAccountId,
      entitlementVersion: 1,
      amount: '600.00',
      currency: 'BRL',
      status,
    },
  });
}

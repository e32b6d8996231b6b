// Test data written straight to the database, for tests whose subject starts after intake
// (cycles, disbursement, reconciliation). Every program is new, so tests never share rows.
import { randomUUID } from 'node:crypto';
import Decimal from 'decimal.js';
import type { Db } from '../../lib/db';
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
      code, name: `Test ${code}`, country: 'BR', currency: 'BRL', baseAmount: opts.baseAmount ?? '600.00',
      batchSize: opts.batchSize ?? 50, fundingAccount: `FUND-${code}`,
      ruleSets: { create: { version: 1, rules: opts.rules ?? DEFAULT_RULES } },
    },
  });
}

/** Enrolls `count` households with bank accounts; `accountNumber(i)` lets a test pick closed accounts. */
export async function enrollBeneficiaries(db: Db, programId: string, count: number, accountNumber: (i: number) => string = (i) => String(500_000_000 + i)) {
  const rows = Array.from({ length: count }, (_, i) => ({ applicationId: randomUUID(), accountId: randomUUID(), beneficiaryId: randomUUID(), i }));
  const tag = uid('n');
  await db.application.createMany({
    data: rows.map((r) => ({
      id: r.applicationId, number: `${tag}-${r.i}`, programId, nationalIdHash: `${tag}-${r.i}`, nationalId: `${r.i}`.padStart(11, '0'),
      fullName: 'Test Person', dateOfBirth: new Date('1980-01-01'), phone: '+5511900000000', phoneHash: `${tag}-${r.i}`, municipality: 'Test',
      householdSize: 3, dependantsUnder18: 1, declaredMonthlyIncome: '300.00', status: 'ENROLLED' as const,
    })),
  });
  await db.paymentAccount.createMany({ data: rows.map((r) => ({ id: r.accountId, applicationId: r.applicationId, rail: 'BANK' as const, bankCode: '001', accountNumber: accountNumber(r.i), accountKey: `${tag}-${r.i}` })) });
  await db.beneficiary.createMany({
    data: rows.map((r) => ({ id: r.beneficiaryId, programId, applicationId: r.applicationId, nationalIdHash: `${tag}-${r.i}`, householdId: `${tag}-HH-${r.i}`, paymentAccountId: r.accountId, accountKey: `${tag}-${r.i}` })),
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
      programId, number: last + 1, status: 'APPROVED', currency: program.currency, preparedBy: randomUUID(), approvedBy: randomUUID(),
      previewCount: count, previewAmount: amount, approvedCount: envelope.count ?? count, approvedAmount: envelope.amount ?? amount, approvedAt: new Date(),
    },
  });
}

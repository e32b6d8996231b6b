// One applicant's submission as the intake API takes it, for tests that vary a field or two of it.
import { randomInt } from 'node:crypto';

export const VALID_APPLICATION = {
  nationalId: '529.982.247-25',
  fullName: 'Maria José da Silva',
  dateOfBirth: '1985-03-14',
  phone: '+5511987654321',
  municipality: 'São Paulo',
  householdSize: 4,
  dependantsUnder18: 2,
  declaredMonthlyIncome: '850.00',
  payment: { rail: 'BANK', bankCode: '001', accountNumber: '12345678' },
  consent: true,
} as const;

export const application = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({ ...VALID_APPLICATION, ...overrides });

/** A valid CPF no other test uses: 9 random digits and their two check digits. */
export function randomCpf(): string {
  const digits = Array.from({ length: 9 }, () => randomInt(10));
  const check = (n: number[]) => ((n.reduce((s, x, i) => s + x * (n.length + 1 - i), 0) * 10) % 11) % 10;
  digits.push(check(digits));
  digits.push(check(digits));
  return digits.join('');
}

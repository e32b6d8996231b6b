// Applicants for demos and tests: real people of the registry simulator, applying as they would.
import { generateCpf, type Country } from '../domain/national-id';
import { bankAccountNumberOf, HOLDER_BANK_CODE, walletMsisdnOf } from '../simulators/shared/account-holders';

export interface RegistryPersonSummary {
  nationalId: string;
  fullName: string;
  dateOfBirth: string;
  householdId: string;
  municipality: { code: string; name: string };
  monthlyIncome: string;
  /** The person's real name, which the registry's record may misspell (harness listing only). */
  trueName?: string;
}

export async function fetchRegistryPersons(registryUrl: string, limit = Infinity): Promise<RegistryPersonSummary[]> {
  const persons: RegistryPersonSummary[] = [];
  for (let offset = 0; persons.length < limit; offset += 1000) {
    const res = await fetch(`${registryUrl}/v1/harness/persons?offset=${offset}&limit=1000`);
    if (!res.ok) throw new Error(`registry listing failed: HTTP ${res.status}`);
    const page = (await res.json()) as { persons: RegistryPersonSummary[] };
    persons.push(...page.persons);
    if (page.persons.length < 1000) break;
  }
  return persons.slice(0, limit);
}

/** One applicant's complete, valid application (not a registry person): for checks and tests that vary a field. */
export const SAMPLE_APPLICATION = {
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

/**
 * A complete, valid application for a registry person, paid to their own account: the bank account or
 * wallet the simulated rails hold for them (simulators/shared/account-holders.ts), and their mobile number
 * is their wallet's. A few of those accounts are dirty (closed, someone else's, unknown), as real ones are:
 * the rails say so when Amparo checks them.
 */
export function applicationFor(person: RegistryPersonSummary, index: number, country: Country = 'BR') {
  const phone = walletMsisdnOf(person.nationalId, country);
  return {
    nationalId: person.nationalId,
    fullName: person.trueName ?? person.fullName,
    dateOfBirth: person.dateOfBirth,
    phone,
    municipality: person.municipality.name,
    householdSize: 1,
    dependantsUnder18: 0,
    declaredMonthlyIncome: person.monthlyIncome,
    // Every third household chose a mobile wallet (its phone), the others a bank account.
    payment:
      index % 3 === 2
        ? { rail: 'WALLET', msisdn: phone }
        : { rail: 'BANK', bankCode: HOLDER_BANK_CODE, accountNumber: bankAccountNumberOf(person.nationalId) },
    consent: true,
  };
}

/** A valid CPF that the registry does not know (seeded, so runs are reproducible). */
export function unknownPersonCpf(seed: number, known: Set<string>): string {
  let state = seed;
  const next = (max: number) => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state % max;
  };
  for (;;) {
    const cpf = generateCpf(next);
    if (!known.has(cpf)) return cpf;
  }
}

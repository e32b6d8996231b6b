// Enrolled households who are persons of the registry population, for tests that pay through the rail
// simulators. Amparo's payments name their beneficiary (pain.001 Cdtr/Id, the wallet's recipientKyc) and
// the simulators check that person against the account's holder (simulators/shared/account-holders.ts),
// so a household paid there must be a population person paid to their own account: the fixture's
// made-up IDs and account numbers are refused (AC01, unknownWallet).
import type { Db } from '../../lib/db';
import { generatePopulation, type Person, type PopulationOptions } from '../../simulators/registry/population';
import { accountDirt, bankAccountNumberOf, walletMsisdnOf, type AccountDirt } from '../../simulators/shared/account-holders';
import { populationOptionsFromEnv } from '../../simulators/shared/population-env';
import { enrollBeneficiaries } from './fixtures';
import { testPersonalData } from './personal-data';

export interface PopulationHouseholdOptions {
  /** Household i is paid by wallet (default: by bank). */
  wallet?: (i: number) => boolean;
  /** How household i's account is dirty at its rail (default 'none': open and theirs). */
  dirt?: (i: number) => AccountDirt;
  dependants?: (i: number) => number;
  /** The simulators' population (default: the environment's, as the in-process simulators read it). */
  population?: PopulationOptions;
}

const populations = new Map<string, Person[]>();

/** The population's persons (generated once per options). */
export function populationPersons(options: PopulationOptions = populationOptionsFromEnv(process.env)): Person[] {
  const key = JSON.stringify(options);
  let persons = populations.get(key);
  if (!persons) {
    persons = generatePopulation(options).persons;
    populations.set(key, persons);
  }
  return persons;
}

/**
 * Household i is a distinct person whose account at its rail has the dirt asked for (and whose account at
 * the other rail is clean, for a re-issue there) and whose national ID ends in i % 10 where one does (the
 * fixture's payment wave), paid to the account the simulators give them.
 */
export async function enrolPopulationHouseholds(db: Db, programId: string, count: number, opts: PopulationHouseholdOptions = {}) {
  const population = opts.population ?? populationOptionsFromEnv(process.env);
  const candidates = populationPersons(population);
  const used = new Set<string>();
  const persons = Array.from({ length: count }, (_, i) => {
    const [rail, other] = opts.wallet?.(i) ? (['wallet', 'bank'] as const) : (['bank', 'wallet'] as const);
    const dirt = opts.dirt?.(i) ?? 'none';
    const fits = (p: Person) =>
      !used.has(p.nationalId) && accountDirt(p.nationalId, rail) === dirt && accountDirt(p.nationalId, other) === 'none';
    // Dirty accounts are few: any such person will do when none has the wave's digit.
    const found = candidates.find((p) => fits(p) && p.nationalId.endsWith(String(i % 10))) ?? candidates.find(fits);
    if (!found) throw new Error(`household ${i}: no unused person with a ${dirt} ${rail} account in the population`);
    used.add(found.nationalId);
    return found;
  });
  const beneficiaryIds = await enrollBeneficiaries(db, programId, count, {
    accountNumber: (i) => bankAccountNumberOf(persons[i]!.nationalId),
    msisdn: (i) => (opts.wallet?.(i) ? walletMsisdnOf(persons[i]!.nationalId, population.country) : null),
    ...(opts.dependants ? { dependants: opts.dependants } : {}),
  });
  // The fixture writes a placeholder person; the application becomes the population's (sealed, as stored).
  const pd = await testPersonalData(db);
  await db.$executeRaw`
    UPDATE application a SET national_id = v.national_id, full_name = v.full_name
      FROM beneficiary b, unnest(${beneficiaryIds}::uuid[], ${persons.map((p) => pd.seal('application.national_id', p.nationalId))}::text[],
                                 ${persons.map((p) => pd.seal('application.full_name', p.fullName))}::text[]) AS v(id, national_id, full_name)
     WHERE b.id = v.id AND a.id = b.application_id`;
  return { beneficiaryIds, persons };
}

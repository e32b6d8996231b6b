// Who holds which account at the simulated bank and wallet provider, consistent with the registry's
// population: every person has a bank account and a wallet whose numbers follow from their national ID
// (so an applicant script, the bank and the wallet agree without talking), and a few accounts are dirty the
// way real ones are: closed, dormant, held by someone else, or not there at all. Which ones is a
// deterministic function of the national ID, so every simulator and test computes the same.
import type { Country } from '../../domain/national-id';
import type { Person, Population } from '../registry/population';

export type AccountState = 'OPEN' | 'CLOSED' | 'DORMANT';
/** How a person's account differs from a clean one. */
export type AccountDirt = 'none' | 'closed' | 'dormant' | 'holder_mismatch' | 'unknown';

/** Shares of persons per kind of dirt (the rest are clean), for the bank and the wallet alike. */
export const ACCOUNT_DIRT_SHARES: Readonly<Record<Exclude<AccountDirt, 'none'>, number>> = {
  closed: 0.02,
  dormant: 0.02,
  holder_mismatch: 0.01,
  unknown: 0.01,
};

export interface AccountHolder {
  nationalId: string;
  name: string;
  state: AccountState;
}

/** The simulated bank's code: every person's account is there. */
export const HOLDER_BANK_CODE = '001';

/** A person's bank account number: "7" and the national ID's digits (unique, and 12 digits for BR and AR). */
export const bankAccountNumberOf = (nationalId: string): string => `7${nationalId.replace(/\D/g, '')}`;

/**
 * A person's wallet (their mobile number, E.164), unique per person: BR +55, area code 1 and the ID's first
 * digit, then 9 and the next eight (the CPF's nine base digits); AR +54 9 11 and the CUIL's eight DNI digits.
 */
export function walletMsisdnOf(nationalId: string, country: Country): string {
  const d = nationalId.replace(/\D/g, '');
  return country === 'BR' ? `+551${d[0]}9${d.slice(1, 9)}` : `+54911${d.slice(2, 10)}`;
}

/** FNV-1a of the ID and a salt, as a share in [0, 1): the bank and the wallet draw their dirt separately. */
function share(nationalId: string, salt: string): number {
  let h = 0x811c9dc5;
  for (const ch of `${salt}:${nationalId}`) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193);
  return (h >>> 0) / 0x1_0000_0000;
}

/** The dirt of a person's account at one rail ('bank' or 'wallet'). */
export function accountDirt(nationalId: string, rail: 'bank' | 'wallet'): AccountDirt {
  let u = share(nationalId, rail);
  for (const [dirt, p] of Object.entries(ACCOUNT_DIRT_SHARES) as Array<[Exclude<AccountDirt, 'none'>, number]>) {
    if (u < p) return dirt;
    u -= p;
  }
  return 'none';
}

/**
 * Every account of one rail, by its number (the bank's account number or the wallet's MSISDN), with its
 * holder. A held-by-someone-else account is registered to the next person of the population; an unknown
 * one is absent.
 */
export function accountHolders(population: Population, rail: 'bank' | 'wallet'): Map<string, AccountHolder> {
  const { persons } = population;
  const numberOf = (p: Person) => (rail === 'bank' ? bankAccountNumberOf(p.nationalId) : walletMsisdnOf(p.nationalId, population.country));
  const holders = new Map<string, AccountHolder>();
  persons.forEach((person, i) => {
    const dirt = accountDirt(person.nationalId, rail);
    if (dirt === 'unknown') return;
    const holder = dirt === 'holder_mismatch' ? persons[(i + 1) % persons.length]! : person;
    const state: AccountState = dirt === 'closed' ? 'CLOSED' : dirt === 'dormant' ? 'DORMANT' : 'OPEN';
    holders.set(numberOf(person), { nationalId: holder.nationalId, name: holder.fullName, state });
  });
  return holders;
}

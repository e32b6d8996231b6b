// A deterministic synthetic social registry (a stand-in for CadÚnico or SINTyS): same seed, size and
// country, same people. Money is integer cents, a decimal string only at the edge; PRNG floats only pick.
import { generateCpf, generateCuil, type Country, type NextInt, type Sex } from '../../domain/national-id';
import { ECONOMY, HOUSEHOLD_SIZE_WEIGHTS, MUNICIPALITIES, NAME_BANKS, type Municipality, type NameBank } from './names';
import { ageOn as ageOnDate } from '../../domain/eligibility';

export type { Country, Sex, Municipality };
export type Relationship = 'head' | 'spouse' | 'child' | 'parent' | 'other_relative';

/** Ages are anchored here, not to the clock, so a population never changes over time. */
export const REFERENCE_DATE = '2025-01-01';

export interface Person {
  nationalId: string;
  fullName: string;
  dateOfBirth: string;
  sex: Sex;
  householdId: string;
  relationshipToHead: Relationship;
  municipality: Municipality;
  formallyEmployed: boolean;
  monthlyIncome: string;
  otherBenefits: string[];
  /** 0 (least) to 100 (most vulnerable); scored per household, shared by its members. */
  vulnerabilityScore: number;
}

export interface Household {
  id: string;
  municipality: Municipality;
  headNationalId: string;
  memberNationalIds: string[];
  monthlyIncome: string;
}

export interface Population {
  country: Country;
  seed: number;
  referenceDate: string;
  persons: Person[];
  households: Household[];
}

export interface PopulationOptions { seed: number; size: number; country: Country }

/** sfc32 seeded through splitmix32: fast, 128-bit state, and the seed is read as a uint32. */
export function createRandom(seed: number): NextInt {
  let s = seed >>> 0;
  const split = (): number => {
    s = (s + 0x9e3779b9) | 0;
    let z = Math.imul(s ^ (s >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = split(), b = split(), c = split(), d = split();
  const next = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (((c << 21) | (c >>> 11)) + t) | 0;
    return t >>> 0;
  };
  for (let i = 0; i < 12; i++) next();
  return (maxExclusive) => Math.floor((next() / 4294967296) * maxExclusive);
}

const REF = new Date(`${REFERENCE_DATE}T00:00:00Z`);

interface Ctx {
  country: Country;
  rnd: NextInt;
  bank: NameBank;
  seen: Set<number>; // CPF roots or DNIs already issued
  places: Municipality[];
  placeWeights: number[];
}

const pick = <T>(rnd: NextInt, items: readonly T[]): T => items[rnd(items.length)]!;
function pickWeighted<T>(rnd: NextInt, items: readonly T[], cumWeights: readonly number[]): T {
  const r = rnd(cumWeights[cumWeights.length - 1]!);
  let i = 0;
  while (r >= cumWeights[i]!) i++;
  return items[i]!;
}

const cumulative = (weights: readonly number[]): number[] => {
  let sum = 0;
  return weights.map((w) => (sum += w));
};
const SIZE_CUM = cumulative(HOUSEHOLD_SIZE_WEIGHTS);
const SIZES = HOUSEHOLD_SIZE_WEIGHTS.map((_, i) => i + 1);

export function centsToDecimal(cents: number): string {
  if (cents === 0) return '0.00';
  return `${Math.trunc(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
}

/** Whole years from dateOfBirth to `on` (both 'YYYY-MM-DD'). */
/** Age on the registry's reference date unless another date is given (the rail's own age rule). */
export const ageOn = (dateOfBirth: string, on: string = REFERENCE_DATE): number => ageOnDate(dateOfBirth, on);

/** A birth date making the person exactly `age` on REFERENCE_DATE: under a year back from the anniversary. */
function dateOfBirth(rnd: NextInt, age: number): string {
  const anniversary = Date.UTC(REF.getUTCFullYear() - age, REF.getUTCMonth(), REF.getUTCDate());
  return new Date(anniversary - rnd(365) * 86_400_000).toISOString().slice(0, 10);
}

function uniqueNationalId(ctx: Ctx, sex: Sex): string {
  for (;;) {
    const id = ctx.country === 'BR' ? generateCpf(ctx.rnd) : generateCuil(ctx.rnd, sex);
    // Uniqueness on the base number (CPF root, DNI), so one DNI never gets two CUIL prefixes.
    const key = Number(ctx.country === 'BR' ? id.slice(0, 9) : id.slice(2, 10));
    if (ctx.seen.has(key)) continue;
    ctx.seen.add(key);
    return id;
  }
}

function fullName({ bank, rnd }: Ctx, sex: Sex, familySurname: string): string {
  const given = sex === 'F' ? bank.female : bank.male;
  let name = pick(rnd, given);
  if (rnd(100) < bank.secondGivenPct) {
    // "María José", "Maria José": José is a common second name for women.
    const second = (name === 'Maria' || name === 'María') && rnd(4) === 0 ? 'José' : pick(rnd, given);
    if (second !== name) name += ` ${second}`;
  }
  if (rnd(100) < bank.maternalSurnamePct) {
    const maternal = pick(rnd, bank.surnames);
    if (maternal !== familySurname) name += ` ${maternal}`;
  }
  return `${name} ${familySurname}`;
}

/** Relationship, sex and age of a non-head member, plausible for the head's age. */
function member(rnd: NextInt, index: number, headSex: Sex, headAge: number): [Relationship, Sex, number] {
  const sex: Sex = rnd(2) === 0 ? 'F' : 'M';
  if (index === 1 && rnd(100) < 60) {
    const spouseSex: Sex = rnd(100) < 95 ? (headSex === 'F' ? 'M' : 'F') : headSex;
    return ['spouse', spouseSex, Math.min(95, Math.max(18, headAge - 8 + rnd(17)))];
  }
  const roll = rnd(100);
  if (headAge >= 35 && roll < 20) return ['child', sex, 18 + rnd(Math.min(headAge - 16, 40) - 17)];
  if (headAge <= 60 && roll < 28) return ['parent', sex, headAge + 18 + rnd(Math.min(18, 96 - headAge - 18))];
  if (roll < 33) return ['other_relative', sex, rnd(Math.min(18, headAge - 15))];
  return ['child', sex, rnd(Math.min(18, headAge - 15))];
}

function makeHousehold(ctx: Ctx, number: number, size: number, persons: Person[], households: Household[]): void {
  const { rnd, country } = ctx;
  const economy = ECONOMY[country];
  const id = `${country}-HH-${String(number).padStart(7, '0')}`;
  const municipality = pickWeighted(rnd, ctx.places, ctx.placeWeights);
  const familySurname = pick(rnd, ctx.bank.surnames);
  const headSex: Sex = rnd(100) < 75 ? 'F' : 'M';
  const headAge = size === 1 ? 18 + rnd(73) : 20 + rnd(46);
  const members: Person[] = [];
  let totalCents = 0, children = 0, adults = 0, elders = 0, anyFormal = false;
  for (let i = 0; i < size; i++) {
    const [relationship, sex, age] = i === 0 ? ['head' as const, headSex, headAge] : member(rnd, i, headSex, headAge);
    let cents = 0, formal = false;
    const benefits: string[] = [];
    if (age >= 18 && age < 65) {
      formal = rnd(100) < 28;
      if (formal) cents = economy.minWageCents + rnd(economy.minWageCents);
      else if (rnd(100) >= 45) cents = (10 + rnd(120)) * economy.informalStepCents;
    } else if (age >= 65) {
      if (rnd(100) < 30) cents = (10 + rnd(60)) * economy.informalStepCents;
      else if (rnd(100) < 60) benefits.push(economy.benefit); // old-age non-contributory pension
    }
    if (benefits.length === 0 && rnd(1000) < 15) benefits.push(economy.benefit); // disability
    totalCents += cents;
    anyFormal ||= formal;
    if (age < 18) children++; else adults++;
    if (age >= 65) elders++;
    // One object shape for every person keeps V8's hidden classes monomorphic at a million rows.
    members.push({
      nationalId: uniqueNationalId(ctx, sex), fullName: fullName(ctx, sex, familySurname),
      dateOfBirth: dateOfBirth(rnd, age), sex, householdId: id, relationshipToHead: relationship, municipality,
      formallyEmployed: formal, monthlyIncome: centsToDecimal(cents), otherBenefits: benefits, vulnerabilityScore: 0,
    });
  }
  // Score: income per person against the poverty line (up to 60), plus dependants and no formal job.
  const line4 = Math.floor(economy.minWageCents / 7) * 4;
  const perCapita = Math.floor(totalCents / size);
  let score = perCapita >= line4 ? 0 : Math.floor((60 * (line4 - perCapita)) / line4);
  score += Math.min(children, 4) * 5 + (elders > 0 ? 5 : 0) + (adults === 1 && children > 0 ? 5 : 0);
  score += (anyFormal ? 0 : 5) + rnd(11) - 5;
  score = Math.max(0, Math.min(100, score));
  for (const p of members) p.vulnerabilityScore = score;
  if (rnd(100) < (children > 0 ? 35 : 10)) members[0]!.otherBenefits.push(economy.householdBenefit);
  for (const p of members) persons.push(p);
  const memberNationalIds = members.map((p) => p.nationalId);
  const monthlyIncome = centsToDecimal(totalCents);
  households.push({ id, municipality, headNationalId: members[0]!.nationalId, memberNationalIds, monthlyIncome });
}

export function generatePopulation({ seed, size, country }: PopulationOptions): Population {
  if (!Number.isSafeInteger(size) || size < 0) throw new RangeError('size must be a non-negative integer');
  if (!Number.isSafeInteger(seed)) throw new RangeError('seed must be an integer');
  const weighted = MUNICIPALITIES[country];
  const ctx: Ctx = {
    country, rnd: createRandom(seed), bank: NAME_BANKS[country], seen: new Set(),
    places: weighted.map(([m]) => m), placeWeights: cumulative(weighted.map(([, w]) => w)),
  };
  const persons: Person[] = [];
  const households: Household[] = [];
  while (persons.length < size) {
    const hhSize = Math.min(pickWeighted(ctx.rnd, SIZES, SIZE_CUM), size - persons.length);
    makeHousehold(ctx, households.length + 1, hhSize, persons, households);
  }
  return { country, seed, referenceDate: REFERENCE_DATE, persons, households };
}

export function indexByNationalId(population: Population): Map<string, Person> {
  const index = new Map<string, Person>();
  for (const p of population.persons) index.set(p.nationalId, p);
  return index;
}

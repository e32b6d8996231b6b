// A deterministic synthetic social registry (a stand-in for CadÚnico or SINTyS): same seed, size,
// country and dirty share, same people. Money is integer cents, a decimal string only at the edge; PRNG
// floats only pick.
//
// Dirty data: a share of the registry's RECORDS is wrong the way real registries are (a typo, the
// name written surnames first, accents lost, the same person registered twice), while each person's
// true name, what they type when applying, stays known to the test harness in `population.truth`.
// Dirt draws from its own random stream, and never changes the draws of the clean population: the
// same seed gives the same households and national IDs at any share, and a share of 0 gives exactly
// the clean registry.
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
  /** 0 (least) to 100 (most vulnerable), the score every member carries. */
  vulnerabilityScore: number;
}

/**
 * What is wrong with a registry record:
 * - typo: one letter of one name token substituted, swapped with the next or deleted ("Pereria");
 * - swapped_order: surnames first ("Araújo da Silva, João", sometimes without the comma);
 * - missing_accents: written without diacritics ("Joao Araujo da Silva");
 * - duplicate: a second registration of a real person (same true name, date of birth and
 *   municipality) in another household under another valid national ID.
 */
export type DirtKind = 'typo' | 'swapped_order' | 'missing_accents' | 'duplicate';
export const DIRT_KINDS: readonly DirtKind[] = ['typo', 'swapped_order', 'missing_accents', 'duplicate'];

/**
 * Target proportions among dirty records, in percent. When a kind cannot apply to a record (no
 * accents to lose; no earlier person to duplicate yet) the applicable kinds share its weight. One
 * dirty record in five also gets a second, different name kind ("Araujo da Silva, Joao"), and a
 * duplicate's record one in four, so `dirt` can hold two kinds.
 */
export const DIRT_WEIGHTS: Readonly<Record<DirtKind, number>> = { typo: 30, swapped_order: 25, missing_accents: 25, duplicate: 20 };
export const DEFAULT_DIRTY_SHARE = 0.05;

/** The test harness's ground truth about a record; the registry itself never serves it. */
export interface PersonTruth {
  /** The person's real name: what they type when applying. */
  trueName: string;
  /** What is wrong with the record, in DIRT_KINDS order; empty for a clean one. */
  dirt: DirtKind[];
  /** For a duplicate: the national ID of the same person's other (first) registration. */
  duplicateOf: string | null;
}

export interface Population {
  country: Country;
  seed: number;
  referenceDate: string;
  dirtyShare: number;
  persons: Person[];
  households: Household[];
  /** Ground truth of the dirty records by national ID (clean ones are absent): see groundTruth. */
  truth: Map<string, PersonTruth>;
}

export interface PopulationOptions {
  seed: number;
  size: number;
  country: Country;
  /** Share of persons, 0 to 1, whose record is dirty. Default DEFAULT_DIRTY_SHARE (5%). */
  dirtyShare?: number;
}

/** sfc32 seeded through splitmix32: fast, 128-bit state, and the seed is read as a uint32. */
export function createRandom(seed: number): NextInt {
  let s = seed >>> 0;
  const split = (): number => {
    s = (s + 0x9e3779b9) | 0;
    let z = Math.imul(s ^ (s >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = split(),
    b = split(),
    c = split(),
    d = split();
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

/** An earlier, clean registration that a later household may register again. */
interface Registered {
  nationalId: string;
  given: string;
  surnames: string;
  dateOfBirth: string;
  age: number;
}

interface Dirt {
  /** Its own stream, so dirt never shifts the clean population's draws. */
  rnd: NextInt;
  perMillion: number;
  /** Recent clean registrations by municipality, sex and age band: the people a duplicate copies. */
  pools: Registered[][];
  poolCursors: Int32Array;
  truth: Map<string, PersonTruth>;
}

interface Ctx {
  country: Country;
  rnd: NextInt;
  bank: NameBank;
  seen: Set<number>; // CPF roots or DNIs already issued
  places: Municipality[];
  placeWeights: number[];
  dirt: Dirt | null;
}

const pick = <T>(rnd: NextInt, items: readonly T[]): T => items[rnd(items.length)]!;
function pickWeightedIndex(rnd: NextInt, cumWeights: readonly number[]): number {
  const r = rnd(cumWeights[cumWeights.length - 1]!);
  let i = 0;
  while (r >= cumWeights[i]!) i++;
  return i;
}
function pickWeighted<T>(rnd: NextInt, items: readonly T[], cumWeights: readonly number[]): T {
  return items[pickWeightedIndex(rnd, cumWeights)]!;
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

/** Given names and surnames ("Maria José", "Araújo da Silva"); the full name is them in that order. */
function nameParts({ bank, rnd }: Ctx, sex: Sex, familySurname: string): [given: string, surnames: string] {
  const given = sex === 'F' ? bank.female : bank.male;
  let name = pick(rnd, given);
  if (rnd(100) < bank.secondGivenPct) {
    // "María José", "Maria José": José is a common second name for women.
    const second = (name === 'Maria' || name === 'María') && rnd(4) === 0 ? 'José' : pick(rnd, given);
    if (second !== name) name += ` ${second}`;
  }
  if (rnd(100) < bank.maternalSurnamePct) {
    const maternal = pick(rnd, bank.surnames);
    if (maternal !== familySurname) return [name, `${maternal} ${familySurname}`];
  }
  return [name, familySurname];
}

// ---- Dirty data ----

const PARTICLES = new Set(['de', 'da', 'do', 'das', 'dos', 'del', 'la', 'las', 'los', 'y', 'e', 'di']);
const NOT_ASCII = /[\u0080-\uffff]/;
const COMBINING_MARKS = /\p{M}+/gu;
const LETTERS = 'abcdefghijklmnopqrstuvwxyz';
type NameKind = Exclude<DirtKind, 'duplicate'>;
const POOL_CAPACITY = 32;
/** Five-year age bands that never straddle 18 or 65, the ages where incomes are drawn differently. */
const AGE_BANDS = 21;
const ageBand = (age: number): number =>
  age < 18 ? Math.floor(age / 5) : age < 65 ? 4 + Math.floor((age - 18) / 5) : 14 + Math.floor((age - 65) / 5);

export const stripAccents = (s: string): string => s.normalize('NFD').replace(COMBINING_MARKS, '');
const baseLetter = (ch: string): string => stripAccents(ch).toLowerCase();

/** Tokens a typo may hit: four letters or more, not a particle. */
function typoTargets(tokens: readonly string[]): number[] {
  const targets: number[] = [];
  tokens.forEach((t, i) => {
    if (t.length >= 4 && !PARTICLES.has(t.toLowerCase())) targets.push(i);
  });
  return targets;
}

/**
 * One typo in one token: a letter substituted, swapped with the next or deleted. Never the first
 * letter (people rarely get their initial wrong), except by a swap never the last (that is where
 * Paulo becomes Paula), and never leaving a particle ("Dias" is not deleted into "Das"): a typo,
 * not another name.
 */
function typo(rnd: NextInt, token: string): string {
  const op = rnd(3);
  const last = token.length - 2; // positions 1..last
  let at = 1 + rnd(last);
  if (op === 1) {
    for (let tries = 0; tries < last; tries++, at = at === last ? 1 : at + 1) {
      if (baseLetter(token[at]!) !== baseLetter(token[at + 1]!)) {
        return token.slice(0, at) + token[at + 1]! + token[at]! + token.slice(at + 2);
      }
    }
    at = 1 + rnd(last); // no two neighbours differ (only in tokens like "Aaaa"): substitute instead
  }
  if (op === 2) {
    const deleted = token.slice(0, at) + token.slice(at + 1);
    if (!PARTICLES.has(stripAccents(deleted).toLowerCase())) return deleted; // "Dias" must not become "Das"
  }
  const old = baseLetter(token[at]!);
  let letter = LETTERS[rnd(LETTERS.length - 1)]!;
  if (letter >= old) letter = LETTERS[LETTERS.indexOf(letter) + 1]!; // any letter but the one there
  return token.slice(0, at) + letter + token.slice(at + 1);
}

function applicableNameKinds(given: string, surnames: string): NameKind[] {
  const kinds: NameKind[] = ['swapped_order'];
  if (typoTargets(`${given} ${surnames}`.split(' ')).length > 0) kinds.unshift('typo');
  if (NOT_ASCII.test(given) || NOT_ASCII.test(surnames)) kinds.push('missing_accents');
  return kinds;
}

function pickNameKind(rnd: NextInt, kinds: readonly NameKind[]): NameKind {
  let total = 0;
  for (const k of kinds) total += DIRT_WEIGHTS[k];
  let r = rnd(total);
  for (const k of kinds) {
    if (r < DIRT_WEIGHTS[k]) return k;
    r -= DIRT_WEIGHTS[k];
  }
  return kinds[kinds.length - 1]!;
}

/** The record's name: the true name with the name kinds applied (typo, then order, then accents). */
function dirtyName(rnd: NextInt, given: string, surnames: string, kinds: ReadonlySet<DirtKind>): string {
  let g = given,
    s = surnames;
  if (kinds.has('typo')) {
    const tokens = `${given} ${surnames}`.split(' ');
    const targets = typoTargets(tokens);
    const at = targets[rnd(targets.length)]!;
    tokens[at] = typo(rnd, tokens[at]!);
    const givenCount = given.split(' ').length;
    g = tokens.slice(0, givenCount).join(' ');
    s = tokens.slice(givenCount).join(' ');
  }
  let name = kinds.has('swapped_order') ? (rnd(2) === 0 ? `${s}, ${g}` : `${s} ${g}`) : `${g} ${s}`;
  if (kinds.has('missing_accents')) name = stripAccents(name);
  return name;
}

/** Name kinds for a dirty record: one, and one time in `secondIn` a second, different one. */
function chooseNameKinds(rnd: NextInt, given: string, surnames: string, secondIn: number, required: boolean): NameKind[] {
  const applicable = applicableNameKinds(given, surnames);
  const chosen: NameKind[] = [];
  if (required) chosen.push(pickNameKind(rnd, applicable));
  if (rnd(secondIn) === 0) {
    const rest = applicable.filter((k) => !chosen.includes(k));
    if (rest.length > 0) chosen.push(pickNameKind(rnd, rest));
  }
  return chosen;
}

function poolIndex(place: number, sex: Sex, age: number): number {
  return (place * 2 + (sex === 'F' ? 1 : 0)) * AGE_BANDS + ageBand(age);
}

/** Takes an earlier registration to copy (out of the pool: nobody is registered three times). */
function takeRegistered(dirt: Dirt, pool: Registered[], exactAge: number | null): Registered | undefined {
  if (pool.length === 0) return undefined;
  let at = dirt.rnd(pool.length);
  if (exactAge !== null) {
    let tries = 0;
    while (pool[at]!.age !== exactAge && tries++ < pool.length) at = at === pool.length - 1 ? 0 : at + 1;
    if (pool[at]!.age !== exactAge) return undefined;
  }
  const found = pool[at]!;
  pool[at] = pool[pool.length - 1]!;
  pool.pop();
  return found;
}

function register(dirt: Dirt, index: number, entry: Registered): void {
  const pool = dirt.pools[index]!;
  if (pool.length < POOL_CAPACITY) pool.push(entry);
  else pool[dirt.poolCursors[index]!++ % POOL_CAPACITY] = entry;
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
  const { rnd, country, dirt } = ctx;
  const economy = ECONOMY[country];
  const id = `${country}-HH-${String(number).padStart(7, '0')}`;
  const place = pickWeightedIndex(rnd, ctx.placeWeights);
  const municipality = ctx.places[place]!;
  const familySurname = pick(rnd, ctx.bank.surnames);
  const headSex: Sex = rnd(100) < 75 ? 'F' : 'M';
  const headAge = size === 1 ? 18 + rnd(73) : 20 + rnd(46);
  const members: Person[] = [];
  const registered: Array<[pool: number, entry: Registered]> = [];
  let totalCents = 0,
    children = 0,
    adults = 0,
    elders = 0,
    anyFormal = false;
  for (let i = 0; i < size; i++) {
    const drawn = i === 0 ? (['head' as const, headSex, headAge] as const) : member(rnd, i, headSex, headAge);
    const [relationship, sex] = drawn;
    let age = drawn[2];
    // Dirt first (its own stream): a duplicate takes the age of the person it copies, from the same
    // five-year band, so the clean draws below (income depends on age) stay exactly the same.
    let dirty = false;
    let original: Registered | undefined;
    if (dirt && dirt.rnd(1_000_000) < dirt.perMillion) {
      dirty = true;
      if (dirt.rnd(100) < DIRT_WEIGHTS.duplicate) {
        // A household's head keeps the exact age the other members were drawn around.
        original = takeRegistered(dirt, dirt.pools[poolIndex(place, sex, age)]!, i === 0 && size > 1 ? age : null);
        if (original) age = original.age;
      }
    }
    let cents = 0,
      formal = false;
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
    if (age < 18) children++;
    else adults++;
    if (age >= 65) elders++;
    const nationalId = uniqueNationalId(ctx, sex);
    let [given, surnames] = nameParts(ctx, sex, familySurname);
    let born = dateOfBirth(rnd, age);
    let fullName = `${given} ${surnames}`;
    if (original) {
      given = original.given;
      surnames = original.surnames;
      born = original.dateOfBirth;
      fullName = `${given} ${surnames}`;
    }
    if (dirt && dirty) {
      const kinds = chooseNameKinds(dirt.rnd, given, surnames, original ? 4 : 5, !original);
      const applied = new Set<DirtKind>(kinds);
      if (original) applied.add('duplicate');
      if (kinds.length > 0) fullName = dirtyName(dirt.rnd, given, surnames, applied);
      dirt.truth.set(nationalId, {
        trueName: `${given} ${surnames}`,
        dirt: DIRT_KINDS.filter((k) => applied.has(k)),
        duplicateOf: original ? original.nationalId : null,
      });
    }
    if (dirt && !original) registered.push([poolIndex(place, sex, age), { nationalId, given, surnames, dateOfBirth: born, age }]);
    // One object shape for every person keeps V8's hidden classes monomorphic at a million rows.
    members.push({
      nationalId,
      fullName,
      dateOfBirth: born,
      sex,
      householdId: id,
      relationshipToHead: relationship,
      municipality,
      formallyEmployed: formal,
      monthlyIncome: centsToDecimal(cents),
      otherBenefits: benefits,
      vulnerabilityScore: 0,
    });
  }
  // Registered only now, so a duplicate always lands in another household than its original.
  if (dirt) for (const [index, entry] of registered) register(dirt, index, entry);
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
  households.push({
    id,
    municipality,
    headNationalId: members[0]!.nationalId,
    memberNationalIds,
    monthlyIncome,
    vulnerabilityScore: score,
  });
}

/** The seed of the dirt stream: the population's seed, mixed so the two streams are unrelated. */
const DIRT_SEED_SALT = 0x6a09e667;

export function generatePopulation({ seed, size, country, dirtyShare = DEFAULT_DIRTY_SHARE }: PopulationOptions): Population {
  if (!Number.isSafeInteger(size) || size < 0) throw new RangeError('size must be a non-negative integer');
  if (!Number.isSafeInteger(seed)) throw new RangeError('seed must be an integer');
  if (!(dirtyShare >= 0 && dirtyShare <= 1)) throw new RangeError('dirtyShare must be between 0 and 1');
  const weighted = MUNICIPALITIES[country];
  const places = weighted.map(([m]) => m);
  const truth = new Map<string, PersonTruth>();
  const perMillion = Math.round(dirtyShare * 1_000_000);
  const ctx: Ctx = {
    country,
    rnd: createRandom(seed),
    bank: NAME_BANKS[country],
    seen: new Set(),
    places,
    placeWeights: cumulative(weighted.map(([, w]) => w)),
    dirt:
      perMillion === 0
        ? null
        : {
            rnd: createRandom((seed ^ DIRT_SEED_SALT) >>> 0),
            perMillion,
            truth,
            pools: Array.from({ length: places.length * 2 * AGE_BANDS }, () => []),
            poolCursors: new Int32Array(places.length * 2 * AGE_BANDS),
          },
  };
  const persons: Person[] = [];
  const households: Household[] = [];
  while (persons.length < size) {
    const hhSize = Math.min(pickWeighted(ctx.rnd, SIZES, SIZE_CUM), size - persons.length);
    makeHousehold(ctx, households.length + 1, hhSize, persons, households);
  }
  return { country, seed, referenceDate: REFERENCE_DATE, dirtyShare, persons, households, truth };
}

/** The harness's view of a person: their true name and what is wrong with their record. */
export function groundTruth(population: Population, person: Person): PersonTruth {
  return population.truth.get(person.nationalId) ?? { trueName: person.fullName, dirt: [], duplicateOf: null };
}

export function indexByNationalId(population: Population): Map<string, Person> {
  const index = new Map<string, Person>();
  for (const p of population.persons) index.set(p.nationalId, p);
  return index;
}

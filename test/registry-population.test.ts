import Decimal from 'decimal.js';
import { describe, expect, it } from 'vitest';
import { namesMatch, normalizeName } from '../domain/name-match';
import { isValidCpf, isValidCuil, type Country } from '../domain/national-id';
import {
  ageOn,
  centsToDecimal,
  DEFAULT_DIRTY_SHARE,
  DIRT_KINDS,
  generatePopulation,
  groundTruth,
  indexByNationalId,
  REFERENCE_DATE,
  stripAccents,
  type DirtKind,
  type Person,
  type Population,
} from '../simulators/registry/population';
import { editDistance } from './support/edit-distance';

const SIZE = 5000;
const populations: Record<Country, Population> = {
  BR: generatePopulation({ seed: 42, size: SIZE, country: 'BR' }),
  AR: generatePopulation({ seed: 42, size: SIZE, country: 'AR' }),
};
const MONEY = /^\d+\.\d{2}$/;

describe('generatePopulation determinism', () => {
  it('gives identical output for the same inputs', () => {
    expect(generatePopulation({ seed: 42, size: SIZE, country: 'BR' })).toEqual(populations.BR);
    expect(generatePopulation({ seed: 42, size: SIZE, country: 'AR' })).toEqual(populations.AR);
  });

  it('gives different people for a different seed', () => {
    const other = generatePopulation({ seed: 43, size: SIZE, country: 'BR' });
    const ids = new Set(populations.BR.persons.map((p) => p.nationalId));
    const shared = other.persons.filter((p) => ids.has(p.nationalId)).length;
    expect(shared).toBeLessThan(10);
    expect(other.persons.map((p) => p.fullName)).not.toEqual(populations.BR.persons.map((p) => p.fullName));
  });

  it('is a prefix-stable stream: a smaller population starts with the same people', () => {
    const small = generatePopulation({ seed: 42, size: 100, country: 'BR' });
    // Only the last household may be cut short, so compare the households before it.
    const whole = small.households.slice(0, -1).flatMap((h) => h.memberNationalIds);
    expect(whole).toEqual(populations.BR.persons.slice(0, whole.length).map((p) => p.nationalId));
  });

  it('rejects a negative or fractional size and handles zero', () => {
    expect(() => generatePopulation({ seed: 1, size: -1, country: 'BR' })).toThrow(RangeError);
    expect(() => generatePopulation({ seed: 1, size: 2.5, country: 'BR' })).toThrow(RangeError);
    expect(generatePopulation({ seed: 1, size: 0, country: 'AR' }).persons).toEqual([]);
  });
});

describe.each(['BR', 'AR'] as const)('population invariants (%s)', (country) => {
  const pop = populations[country];
  const index = indexByNationalId(pop);
  const isValid = country === 'BR' ? isValidCpf : isValidCuil;

  it('has exactly the requested size, for odd sizes too', () => {
    expect(pop.persons).toHaveLength(SIZE);
    for (const size of [1, 2, 7, 1001]) {
      expect(generatePopulation({ seed: 5, size, country }).persons).toHaveLength(size);
    }
  });

  it('gives every person a unique, valid national ID', () => {
    expect(index.size).toBe(SIZE);
    for (const p of pop.persons) expect(isValid(p.nationalId), p.nationalId).toBe(true);
    if (country === 'AR') {
      // One DNI, one person: no DNI appears under two prefixes.
      expect(new Set(pop.persons.map((p) => p.nationalId.slice(2, 10))).size).toBe(SIZE);
      for (const p of pop.persons) {
        expect([p.sex === 'F' ? '27' : '20', '23']).toContain(p.nationalId.slice(0, 2));
      }
    }
  });

  it('groups everyone into households of 1 to 7 with one head', () => {
    const members = pop.households.flatMap((h) => h.memberNationalIds);
    expect(members).toHaveLength(SIZE);
    expect(new Set(members).size).toBe(SIZE);
    const sizes = new Set<number>();
    for (const h of pop.households) {
      sizes.add(h.memberNationalIds.length);
      expect(h.memberNationalIds.length).toBeGreaterThanOrEqual(1);
      expect(h.memberNationalIds.length).toBeLessThanOrEqual(7);
      const people = h.memberNationalIds.map((id) => index.get(id)!);
      expect(people.filter((p) => p.relationshipToHead === 'head').map((p) => p.nationalId)).toEqual([h.headNationalId]);
      for (const p of people) {
        expect(p.householdId).toBe(h.id);
        expect(p.municipality).toEqual(h.municipality);
      }
    }
    expect([...sizes].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it('scores each household once: its members all carry its vulnerability score', () => {
    for (const h of pop.households) {
      for (const id of h.memberNationalIds) expect(index.get(id)!.vulnerabilityScore).toBe(h.vulnerabilityScore);
    }
  });

  it('has a household income equal to the exact sum of its members', () => {
    for (const h of pop.households) {
      const sum = h.memberNationalIds.reduce((acc, id) => acc.plus(index.get(id)!.monthlyIncome), new Decimal(0));
      expect(h.monthlyIncome).toMatch(MONEY);
      expect(h.monthlyIncome).toBe(sum.toFixed(2));
    }
  });

  it('puts every child under 18 in a household with an adult, and heads are adults', () => {
    const children = pop.persons.filter((p) => ageOn(p.dateOfBirth) < 18);
    expect(children.length).toBeGreaterThan(SIZE / 5);
    const households = new Map(pop.households.map((h) => [h.id, h]));
    for (const child of children) {
      const adults = households.get(child.householdId)!.memberNationalIds.filter((id) => ageOn(index.get(id)!.dateOfBirth) >= 18);
      expect(adults.length, child.householdId).toBeGreaterThan(0);
      expect(child.formallyEmployed).toBe(false);
      expect(child.monthlyIncome).toBe('0.00');
    }
    for (const h of pop.households) expect(ageOn(index.get(h.headNationalId)!.dateOfBirth)).toBeGreaterThanOrEqual(18);
  });

  it('has well-formed, plausible person fields', () => {
    let zeroIncome = 0;
    let accented = 0;
    let withBenefits = 0;
    for (const p of pop.persons) {
      expect(p.dateOfBirth).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(ageOn(p.dateOfBirth)).toBeGreaterThanOrEqual(0);
      expect(ageOn(p.dateOfBirth)).toBeLessThanOrEqual(95);
      expect(p.dateOfBirth <= REFERENCE_DATE).toBe(true);
      expect(['F', 'M']).toContain(p.sex);
      expect(p.monthlyIncome).toMatch(MONEY);
      expect(Number.isInteger(p.vulnerabilityScore)).toBe(true);
      expect(p.vulnerabilityScore).toBeGreaterThanOrEqual(0);
      expect(p.vulnerabilityScore).toBeLessThanOrEqual(100);
      expect(p.fullName.split(' ').length).toBeGreaterThanOrEqual(2);
      if (p.monthlyIncome === '0.00') zeroIncome++;
      if (/[áéíóúâêôãõçÁÉÍÓÚ]/.test(p.fullName)) accented++;
      if (p.otherBenefits.length > 0) withBenefits++;
    }
    expect(zeroIncome).toBeGreaterThan(SIZE / 3);
    expect(zeroIncome).toBeLessThan(SIZE);
    expect(accented).toBeGreaterThan(SIZE / 10);
    expect(withBenefits).toBeGreaterThan(0);
    expect(pop.persons.some((p) => p.formallyEmployed)).toBe(true);
    expect(new Set(pop.persons.map((p) => p.vulnerabilityScore)).size).toBeGreaterThan(20);
  });

  it("places people in the country's real municipalities", () => {
    const codes = new Set(pop.persons.map((p) => p.municipality.code));
    expect(codes.size).toBeGreaterThan(5);
    expect(codes).toContain(country === 'BR' ? '3550308' : '06427'); // São Paulo / La Matanza
    for (const code of codes) expect(code).toMatch(country === 'BR' ? /^\d{7}$/ : /^\d{5}$/);
  });
});

describe('centsToDecimal', () => {
  it('renders integer cents exactly', () => {
    expect(centsToDecimal(0)).toBe('0.00');
    expect(centsToDecimal(5)).toBe('0.05');
    expect(centsToDecimal(125_000)).toBe('1250.00');
    expect(centsToDecimal(28_671_199)).toBe('286711.99');
  });
});

const dirtyOnly = (pop: Population): Person[] => pop.persons.filter((p) => pop.truth.has(p.nationalId));
const onlyKind = (pop: Population, kind: DirtKind): Array<[Person, string]> =>
  dirtyOnly(pop).flatMap((p) => {
    const t = groundTruth(pop, p);
    return t.dirt.length === 1 && t.dirt[0] === kind ? [[p, t.trueName] as [Person, string]] : [];
  });

describe('dirty data: share and determinism', () => {
  it('defaults to a 5% share', () => {
    expect(DEFAULT_DIRTY_SHARE).toBe(0.05);
    expect(populations.BR.dirtyShare).toBe(0.05);
    expect(populations.BR.truth.size / SIZE).toBeGreaterThan(0.04);
    expect(populations.BR.truth.size / SIZE).toBeLessThan(0.06);
  });

  it('gives identical output, ground truth included, for the same seed and share', () => {
    const a = generatePopulation({ seed: 9, size: 3000, country: 'AR', dirtyShare: 0.3 });
    const b = generatePopulation({ seed: 9, size: 3000, country: 'AR', dirtyShare: 0.3 });
    expect(a).toEqual(b);
    expect(a.truth.size).toBeGreaterThan(0);
    expect([...a.truth]).toEqual([...b.truth]);
  });

  it.each([0.01, 0.05, 0.2, 0.5])('respects a share of %f within tolerance', (share) => {
    for (const country of ['BR', 'AR'] as const) {
      const pop = generatePopulation({ seed: 11, size: 20_000, country, dirtyShare: share });
      const measured = pop.truth.size / pop.persons.length;
      // Binomial: four standard deviations of 20,000 draws, at least 0.2 points.
      const tolerance = Math.max(0.002, 4 * Math.sqrt((share * (1 - share)) / 20_000));
      expect(Math.abs(measured - share), `${country} ${measured}`).toBeLessThan(tolerance);
      for (const t of pop.truth.values()) expect(t.dirt.length).toBeGreaterThan(0);
    }
  });

  it('makes every record dirty at share 1', () => {
    const pop = generatePopulation({ seed: 3, size: 2000, country: 'BR', dirtyShare: 1 });
    expect(pop.truth.size).toBe(2000);
  });

  it('gives exactly the clean registry at share 0, and dirt never moves the clean draws', () => {
    const clean = generatePopulation({ seed: 42, size: SIZE, country: 'BR', dirtyShare: 0 });
    expect(clean.truth.size).toBe(0);
    expect(clean.persons.every((p) => groundTruth(clean, p).trueName === p.fullName)).toBe(true);
    expect(clean.persons.every((p) => groundTruth(clean, p).dirt.length === 0)).toBe(true);
    // Same households, IDs, incomes and scores at any share; only dirty records' names (and a
    // duplicate's date of birth) differ.
    for (const dirty of [populations.BR, generatePopulation({ seed: 42, size: SIZE, country: 'BR', dirtyShare: 0.5 })]) {
      expect(dirty.households).toEqual(clean.households);
      dirty.persons.forEach((p, i) => {
        const c = clean.persons[i]!;
        if (!dirty.truth.has(p.nationalId)) expect(p).toEqual(c);
        else expect({ ...p, fullName: '', dateOfBirth: '' }).toEqual({ ...c, fullName: '', dateOfBirth: '' });
      });
    }
  });

  it('is prefix-stable with dirt too: a smaller population starts with the same records', () => {
    const big = generatePopulation({ seed: 8, size: 3000, country: 'BR', dirtyShare: 0.3 });
    const small = generatePopulation({ seed: 8, size: 1000, country: 'BR', dirtyShare: 0.3 });
    const whole = small.households.slice(0, -1).flatMap((h) => h.memberNationalIds).length;
    expect(small.persons.slice(0, whole)).toEqual(big.persons.slice(0, whole));
    for (const p of small.persons.slice(0, whole)) expect(groundTruth(small, p)).toEqual(groundTruth(big, p));
  });

  it('rejects a share outside 0..1', () => {
    for (const dirtyShare of [-0.01, 1.01, Number.NaN]) {
      expect(() => generatePopulation({ seed: 1, size: 10, country: 'BR', dirtyShare })).toThrow(RangeError);
    }
  });
});

describe.each(['BR', 'AR'] as const)('dirty data: ground truth (%s)', (country) => {
  const pop = generatePopulation({ seed: 21, size: 20_000, country, dirtyShare: 0.25 });
  const index = indexByNationalId(pop);
  const isValid = country === 'BR' ? isValidCpf : isValidCuil;
  const dirty = dirtyOnly(pop);

  it('applies every kind, near the documented proportions', () => {
    const count = (kind: DirtKind) => dirty.filter((p) => groundTruth(pop, p).dirt.includes(kind)).length / dirty.length;
    for (const kind of DIRT_KINDS) expect(count(kind), kind).toBeGreaterThan(0.05);
    expect(count('duplicate')).toBeGreaterThan(0.17);
    expect(count('duplicate')).toBeLessThan(0.23);
    expect(count('typo')).toBeGreaterThan(0.3);
    expect(count('swapped_order')).toBeGreaterThan(0.25);
    // One in five name-dirty records has two kinds; a duplicate's record one in four.
    const twoKinds = dirty.filter((p) => groundTruth(pop, p).dirt.length === 2).length / dirty.length;
    expect(twoKinds).toBeGreaterThan(0.17);
    expect(twoKinds).toBeLessThan(0.25);
    for (const p of dirty) {
      const { dirt } = groundTruth(pop, p);
      expect(dirt).toEqual(DIRT_KINDS.filter((k) => dirt.includes(k))); // canonical order, no repeats
    }
  });

  it('keeps every dirty record matching its true name, and records name dirt only where the name differs', () => {
    for (const p of dirty) {
      const { trueName, dirt } = groundTruth(pop, p);
      expect(namesMatch(p.fullName, trueName), `${p.fullName} / ${trueName}`).toBe(true);
      if (dirt.some((k) => k !== 'duplicate')) expect(p.fullName).not.toBe(trueName);
      else expect(p.fullName).toBe(trueName);
    }
  });

  it('typo: one token one edit away, never its first letter', () => {
    const typos = onlyKind(pop, 'typo');
    expect(typos.length).toBeGreaterThan(100);
    for (const [p, trueName] of typos) {
      const record = p.fullName.split(' '),
        truth = trueName.split(' ');
      expect(record).toHaveLength(truth.length);
      const changed = record.flatMap((t, i) => (t === truth[i] ? [] : [[t, truth[i]!] as const]));
      expect(changed, p.fullName).toHaveLength(1);
      const [typo, original] = changed[0]!;
      expect(editDistance(typo, original)).toBe(1);
      expect(typo[0]).toBe(original[0]);
      expect(original.length).toBeGreaterThanOrEqual(4);
    }
  });

  it('swapped_order: surnames first, with or without a comma', () => {
    const swapped = onlyKind(pop, 'swapped_order');
    expect(swapped.length).toBeGreaterThan(100);
    let withComma = 0;
    for (const [p, trueName] of swapped) {
      const [surnames, given] = p.fullName.includes(',') ? p.fullName.split(', ') : [null, null];
      if (surnames !== null) {
        withComma++;
        expect(trueName).toBe(`${given} ${surnames}`);
      } else {
        const words = p.fullName.split(' ');
        const rotations = words.map((_, k) => [...words.slice(k), ...words.slice(0, k)].join(' '));
        expect(rotations.slice(1)).toContain(trueName);
      }
      expect(normalizeName(p.fullName).sort()).toEqual(normalizeName(trueName).sort());
    }
    expect(withComma).toBeGreaterThan(swapped.length / 4);
    expect(withComma).toBeLessThan((swapped.length * 3) / 4);
  });

  it('missing_accents: the true name without diacritics', () => {
    const plain = onlyKind(pop, 'missing_accents');
    expect(plain.length).toBeGreaterThan(50);
    for (const [p, trueName] of plain) {
      expect(p.fullName).toBe(stripAccents(trueName));
      expect(p.fullName).toMatch(/^[A-Za-z ]+$/);
      expect(trueName).not.toMatch(/^[A-Za-z ]+$/);
    }
  });

  it('duplicate: the same person again, in another household of the same municipality, under another valid ID', () => {
    const duplicates = dirty.filter((p) => groundTruth(pop, p).duplicateOf !== null);
    expect(duplicates.length).toBeGreaterThan(100);
    const originals = new Set<string>();
    for (const dup of duplicates) {
      const truth = groundTruth(pop, dup);
      expect(truth.dirt).toContain('duplicate');
      const original = index.get(truth.duplicateOf!)!;
      expect(original, truth.duplicateOf!).toBeDefined();
      expect(dup.nationalId).not.toBe(original.nationalId);
      expect(isValid(dup.nationalId)).toBe(true);
      expect(dup.householdId).not.toBe(original.householdId);
      expect(dup.dateOfBirth).toBe(original.dateOfBirth);
      expect(dup.municipality).toEqual(original.municipality);
      expect(dup.sex).toBe(original.sex);
      expect(groundTruth(pop, original).trueName).toBe(truth.trueName);
      expect(groundTruth(pop, original).duplicateOf).toBeNull(); // copies a first registration
      // Record against record: a match unless both records carry their own typo (two edits apart).
      const bothTypos = truth.dirt.includes('typo') && groundTruth(pop, original).dirt.includes('typo');
      if (!bothTypos) expect(namesMatch(dup.fullName, original.fullName), `${dup.fullName} / ${original.fullName}`).toBe(true);
      expect(originals.has(original.nationalId), 'registered at most twice').toBe(false);
      originals.add(original.nationalId);
      // The original came first: the stream registers people in order.
      expect(original.householdId < dup.householdId).toBe(true);
    }
    // Duplicates are plain members too: heads and children among them, none breaking household rules.
    expect(duplicates.some((p) => p.relationshipToHead === 'head')).toBe(true);
    expect(duplicates.some((p) => ageOn(p.dateOfBirth) < 18)).toBe(true);
    for (const h of pop.households) expect(ageOn(index.get(h.headNationalId)!.dateOfBirth)).toBeGreaterThanOrEqual(18);
  });

  it('keeps the ground truth out of the records', () => {
    for (const p of pop.persons.slice(0, 100)) {
      expect(Object.keys(p).sort()).toEqual([
        'dateOfBirth',
        'formallyEmployed',
        'fullName',
        'householdId',
        'monthlyIncome',
        'municipality',
        'nationalId',
        'otherBenefits',
        'relationshipToHead',
        'sex',
        'vulnerabilityScore',
      ]);
    }
  });
});

import Decimal from 'decimal.js';
import { describe, expect, it } from 'vitest';
import { isValidCpf, isValidCuil, type Country } from '../domain/national-id';
import {
  ageOn,
  centsToDecimal,
  generatePopulation,
  indexByNationalId,
  REFERENCE_DATE,
  type Population,
} from '../simulators/registry/population';

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

  it('places people in the country\'s real municipalities', () => {
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

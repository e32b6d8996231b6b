import { describe, expect, it } from 'vitest';
import {
  formatNationalId,
  generateCpf,
  generateCuil,
  isValidCpf,
  isValidCuil,
  normalizeNationalId,
  validateNationalId,
} from '../domain/national-id';
import { createRandom } from '../simulators/registry/population';

/** Replays fixed values, then fails loudly rather than loop forever. */
function scripted(values: number[]): (max: number) => number {
  let i = 0;
  return (max) => {
    const v = values[i++];
    if (v === undefined || v >= max) throw new Error(`scripted source exhausted or out of range at call ${i}`);
    return v;
  };
}

describe('CPF', () => {
  // Worked by hand: 529982247 → sum 295, 295 mod 11 = 9, first digit 2; then 347 mod 11 = 6, second digit 5.
  it.each(['52998224725', '11144477735', '12345678909'])('accepts %s', (cpf) => {
    expect(isValidCpf(cpf)).toBe(true);
  });

  it('accepts the remainder-below-2 case, whose check digit is 0 (123.456.789-09)', () => {
    expect(isValidCpf('12345678909')).toBe(true);
    expect(isValidCpf('12345678919')).toBe(false);
  });

  it.each([
    ['52998224724', 'last check digit changed'],
    ['52998224715', 'first check digit changed'],
    ['52998224625', 'a base digit changed'],
    ['25998224725', 'two base digits swapped'],
    ['5299822472', 'too short'],
    ['529982247250', 'too long'],
    ['529.982.247-25', 'punctuated (normalize first)'],
    ['5299822472a', 'not all digits'],
  ])('rejects %s (%s)', (cpf) => {
    expect(isValidCpf(cpf)).toBe(false);
  });

  it('rejects all-same-digit numbers although their check digits add up', () => {
    for (let d = 0; d <= 9; d++) expect(isValidCpf(String(d).repeat(11))).toBe(false);
  });

  it('generates only valid CPFs, thousands of them, mostly distinct', () => {
    const rnd = createRandom(1234);
    const seen = new Set<string>();
    for (let i = 0; i < 5000; i++) {
      const cpf = generateCpf(rnd);
      expect(cpf).toMatch(/^\d{11}$/);
      expect(isValidCpf(cpf)).toBe(true);
      seen.add(cpf);
    }
    expect(seen.size).toBeGreaterThan(4990);
  });

  it('skips an all-same-digit base and completes the next one', () => {
    const base = [5, 2, 9, 9, 8, 2, 2, 4, 7];
    expect(generateCpf(scripted([...Array<number>(9).fill(0), ...base]))).toBe('52998224725');
  });
});

describe('CUIL', () => {
  // 20-12345678: 2·5+0·4+1·3+2·2+3·7+4·6+5·5+6·4+7·3+8·2 = 148, 148 mod 11 = 5, check 11 - 5 = 6.
  it.each(['20123456786', '27123456780', '23280000019', '23251234574'])('accepts %s', (cuil) => {
    expect(isValidCuil(cuil)).toBe(true);
  });

  it.each([
    ['20123456787', 'check digit changed'],
    ['20123456796', 'DNI digit changed'],
    ['21123456786', 'unknown prefix 21'],
    ['28280000010', 'prefix 28 is not issued'],
    ['2012345678', 'too short'],
    ['20-12345678-6', 'punctuated (normalize first)'],
  ])('rejects %s (%s)', (cuil) => {
    expect(isValidCuil(cuil)).toBe(false);
  });

  it('treats a computed check digit of 10 as invalid under any digit', () => {
    // 20-28000001: weighted sum 34, 34 mod 11 = 1, 11 - 1 = 10: no single digit fits.
    for (let d = 0; d <= 9; d++) expect(isValidCuil(`2028000001${d}`)).toBe(false);
  });

  it('uses prefix 20 for men and 27 for women', () => {
    expect(generateCuil(scripted([2_345_678]), 'M')).toBe('20123456786');
    expect(generateCuil(scripted([2_345_678]), 'F')).toBe('27123456780');
  });

  it('falls back to prefix 23 when the check digit would be 10: 9 for men, 4 for women', () => {
    // DNI 28000001 is 10 under prefix 20; DNI 25123457 is 10 under prefix 27.
    expect(generateCuil(scripted([18_000_001]), 'M')).toBe('23280000019');
    expect(generateCuil(scripted([15_123_457]), 'F')).toBe('23251234574');
  });

  it('generates only valid person CUILs, thousands of them, with the right prefix', () => {
    const rnd = createRandom(99);
    let fallbacks = 0;
    for (let i = 0; i < 5000; i++) {
      const sex = i % 2 === 0 ? 'F' : 'M';
      const cuil = generateCuil(rnd, sex);
      expect(isValidCuil(cuil)).toBe(true);
      const prefix = cuil.slice(0, 2);
      expect([sex === 'F' ? '27' : '20', '23']).toContain(prefix);
      if (prefix === '23') {
        fallbacks++;
        expect(cuil.at(-1)).toBe(sex === 'F' ? '4' : '9');
      }
    }
    // About one number in eleven needs the fallback.
    expect(fallbacks).toBeGreaterThan(300);
    expect(fallbacks).toBeLessThan(650);
  });
});

describe('normalize, validate, format', () => {
  it('strips dots, dashes, slashes and spaces', () => {
    expect(normalizeNationalId(' 529.982.247-25 ')).toBe('52998224725');
    expect(normalizeNationalId('20-12345678-6')).toBe('20123456786');
    expect(normalizeNationalId('20 12345678 6')).toBe('20123456786');
    expect(normalizeNationalId('20/12345678/6')).toBe('20123456786');
  });

  it('returns the normalized value when valid', () => {
    expect(validateNationalId('BR', '529.982.247-25')).toEqual({ ok: true, value: '52998224725' });
    expect(validateNationalId('AR', '20-12345678-6')).toEqual({ ok: true, value: '20123456786' });
  });

  it('reports format for wrong length, letters or an unknown CUIL prefix', () => {
    expect(validateNationalId('BR', '529.982.247-2')).toEqual({ ok: false, reason: 'format' });
    expect(validateNationalId('BR', '529.982.247-2X')).toEqual({ ok: false, reason: 'format' });
    expect(validateNationalId('BR', '')).toEqual({ ok: false, reason: 'format' });
    expect(validateNationalId('AR', '21-12345678-6')).toEqual({ ok: false, reason: 'format' });
  });

  it('reports check_digit for well-formed numbers that do not add up', () => {
    expect(validateNationalId('BR', '529.982.247-24')).toEqual({ ok: false, reason: 'check_digit' });
    expect(validateNationalId('BR', '111.111.111-11')).toEqual({ ok: false, reason: 'check_digit' });
    expect(validateNationalId('AR', '20-12345678-7')).toEqual({ ok: false, reason: 'check_digit' });
    // A valid CPF is not a valid CUIL and vice versa.
    expect(validateNationalId('AR', '52998224725')).toEqual({ ok: false, reason: 'format' });
    expect(validateNationalId('BR', '20123456786')).toEqual({ ok: false, reason: 'check_digit' });
  });

  it('formats for display, from raw or punctuated input', () => {
    expect(formatNationalId('BR', '52998224725')).toBe('529.982.247-25');
    expect(formatNationalId('BR', '529.982.247-25')).toBe('529.982.247-25');
    expect(formatNationalId('AR', '20123456786')).toBe('20-12345678-6');
    expect(() => formatNationalId('BR', '123')).toThrow(/11 digits/);
  });
});

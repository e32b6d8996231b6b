// National ID check digits for the countries Amparo pays in: Brazil's CPF and Argentina's CUIL/CUIT.
// Pure functions, no I/O: used by intake validation, the registry simulator and tests.

export type Country = 'BR' | 'AR';
export type Sex = 'F' | 'M';

export type NationalIdResult = { ok: true; value: string } | { ok: false; reason: 'format' | 'check_digit' };

/** Random integer source in [0, maxExclusive); callers pass a seeded one so output is reproducible. */
export type NextInt = (maxExclusive: number) => number;

/** CUIL/CUIT type prefixes: 20/23/24/27 people, 30/33/34 companies. */
const CUIL_PREFIXES = new Set(['20', '23', '24', '27', '30', '33', '34']);
const CUIL_WEIGHTS = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2] as const;
const ELEVEN_DIGITS = /^\d{11}$/;

function digitAt(s: string, i: number): number {
  return s.charCodeAt(i) - 48;
}

/** CPF check digit over the first `length` digits, weights length+1 down to 2. */
function cpfCheckDigit(digits: string, length: number): number {
  let sum = 0;
  for (let i = 0; i < length; i++) sum += digitAt(digits, i) * (length + 1 - i);
  const r = sum % 11;
  return r < 2 ? 0 : 11 - r;
}

/**
 * CUIL check digit over the first 10 digits: 11 - (weighted sum mod 11), where 11 becomes 0.
 * Returns 10 when no digit exists: ARCA (ex-AFIP) never issues such a number under that prefix
 * and reassigns prefix 23 instead (see generateCuil), so validation treats 10 as invalid.
 */
function cuilCheckDigit(digits: string): number {
  let sum = 0;
  for (let i = 0; i < 10; i++) sum += digitAt(digits, i) * CUIL_WEIGHTS[i]!;
  const v = 11 - (sum % 11);
  return v === 11 ? 0 : v;
}

/** Strips the punctuation people type into IDs: dots, dashes, slashes and whitespace. */
export function normalizeNationalId(raw: string): string {
  return raw.replace(/[.\-/\s]/g, '');
}

export function isValidCpf(digits: string): boolean {
  if (!ELEVEN_DIGITS.test(digits)) return false;
  // 000.000.000-00, 111.111.111-11, ... pass the arithmetic but are never issued.
  if (/^(\d)\1{10}$/.test(digits)) return false;
  return cpfCheckDigit(digits, 9) === digitAt(digits, 9) && cpfCheckDigit(digits, 10) === digitAt(digits, 10);
}

export function isValidCuil(digits: string): boolean {
  if (!ELEVEN_DIGITS.test(digits) || !CUIL_PREFIXES.has(digits.slice(0, 2))) return false;
  const check = cuilCheckDigit(digits);
  return check !== 10 && check === digitAt(digits, 10);
}

/**
 * 'format': not 11 digits after normalization, or (AR) an unknown type prefix.
 * 'check_digit': well-formed but the check digits do not match, including the CPF
 * repeated-digit numbers that are reserved and never issued.
 */
export function validateNationalId(country: Country, raw: string): NationalIdResult {
  const value = normalizeNationalId(raw);
  if (!ELEVEN_DIGITS.test(value)) return { ok: false, reason: 'format' };
  if (country === 'AR' && !CUIL_PREFIXES.has(value.slice(0, 2))) return { ok: false, reason: 'format' };
  const valid = country === 'BR' ? isValidCpf(value) : isValidCuil(value);
  return valid ? { ok: true, value } : { ok: false, reason: 'check_digit' };
}

/** A valid CPF: nine random base digits (never all equal) plus both check digits. */
export function generateCpf(nextInt: NextInt): string {
  for (;;) {
    let base = '';
    for (let i = 0; i < 9; i++) base += String(nextInt(10));
    if (/^(\d)\1{8}$/.test(base)) continue;
    const withFirst = base + String(cpfCheckDigit(base, 9));
    return withFirst + String(cpfCheckDigit(withFirst, 10));
  }
}

/**
 * A valid person CUIL: prefix 20 (male) or 27 (female), an 8-digit DNI between 10,000,000 and
 * 59,999,999, and the check digit. When that check digit would be 10, ARCA's rule applies: the
 * prefix becomes 23, which always yields 9 for men and 4 for women.
 */
export function generateCuil(nextInt: NextInt, sex: Sex): string {
  const dni = String(10_000_000 + nextInt(50_000_000));
  const first = (sex === 'M' ? '20' : '27') + dni;
  const check = cuilCheckDigit(first);
  if (check !== 10) return first + String(check);
  const fallback = '23' + dni;
  return fallback + String(cuilCheckDigit(fallback));
}

/** Display form: CPF 000.000.000-00, CUIL 00-00000000-0. Input must be 11 digits (normalized). */
export function formatNationalId(country: Country, value: string): string {
  const d = normalizeNationalId(value);
  if (!ELEVEN_DIGITS.test(d)) throw new Error('formatNationalId: expected 11 digits');
  return country === 'BR'
    ? `${d.slice(0, 3)}.${d.slice(3, 6)}.${d.slice(6, 9)}-${d.slice(9)}`
    : `${d.slice(0, 2)}-${d.slice(2, 10)}-${d.slice(10)}`;
}

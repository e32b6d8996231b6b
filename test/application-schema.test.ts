import { describe, expect, it } from 'vitest';
import { applicationInput } from '../schema/application';
import { parseInput } from '../schema/fields';
import { VALID_APPLICATION } from './support/application';

const valid = VALID_APPLICATION;

describe('application input', () => {
  const schema = applicationInput('BR');

  it('accepts a complete application and normalizes the national ID', () => {
    const parsed = parseInput(schema, valid);
    expect(parsed.ok && parsed.value.nationalId).toBe('52998224725');
  });

  it.each([
    ['nationalId', '529.982.247-26', 'check digits do not match'],
    ['nationalId', '1234', 'not a national ID number'],
    ['fullName', 'A', 'at least 3 characters'],
    ['dateOfBirth', '1985-02-30', 'a real date from 1900-01-01, not in the future'],
    ['dateOfBirth', '2999-01-01', 'a real date from 1900-01-01, not in the future'],
    ['dateOfBirth', '1899-12-31', 'a real date from 1900-01-01, not in the future'],
    ['phone', '11987654321', 'E.164'],
    ['householdSize', 0, ''],
    ['declaredMonthlyIncome', '850.123', 'a decimal amount'],
    ['consent', false, 'consent'],
  ])('names the field %s when it is %j', (field, value, message) => {
    const parsed = parseInput(schema, { ...valid, [field]: value });
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.fields[field]).toContain(message);
  });

  it('names nested payment fields', () => {
    const parsed = parseInput(schema, { ...valid, payment: { rail: 'BANK', bankCode: 'x', accountNumber: '12345678' } });
    expect(!parsed.ok && parsed.fields['payment.bankCode']).toBe('3 to 8 digits');
  });

  it('checks dependants against household size', () => {
    const parsed = parseInput(schema, { ...valid, householdSize: 2, dependantsUnder18: 2 });
    expect(!parsed.ok && parsed.fields.dependantsUnder18).toBe('must be fewer than the household size');
  });

  it('refuses unknown fields', () => {
    expect(parseInput(schema, { ...valid, admin: true }).ok).toBe(false);
  });

  it('uses the program country for check digits', () => {
    expect(parseInput(applicationInput('AR'), valid).ok).toBe(false);
    expect(parseInput(applicationInput('AR'), { ...valid, nationalId: '20-12345678-6' }).ok).toBe(true);
  });
});

describe('field errors', () => {
  // Found by test/fuzz.test.ts: a key named like an Object.prototype member was refused without being named.
  it.each(['constructor', 'toString', '__proto__', 'hasOwnProperty'])('name an unknown key called %s', (key) => {
    const parsed = parseInput(applicationInput('BR'), JSON.parse(`{"${key}": 1}`));
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(Object.keys(parsed.fields)).toContain(key);
    expect(JSON.parse(JSON.stringify(parsed.fields))).toMatchObject({ [key]: 'not a field of this request' });
  });
});

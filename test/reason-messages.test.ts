// Plain-language texts: every reason, event and status has a sentence in every language, facts are
// formatted the local way from exact decimal strings, and every SMS fits its budget.
import { describe, expect, it } from 'vitest';
import type { ApplicantEvent } from '../domain/applicant-events';
import { REASON_CODES, type ReasonCode } from '../domain/reason-codes';
import {
  APPLICATION_STATUSES,
  formatDate,
  formatNumber,
  LANGUAGES,
  reasonSentence,
  SMS_MAX_LENGTH,
  smsBody,
  statusExplanation,
} from '../domain/reason-messages';

// Facts as the rules record them (reason-codes.ts), large enough to need digit grouping.
const FACTS: Record<ReasonCode, Record<string, string | number>> = {
  NOT_IN_REGISTRY: {},
  DATE_OF_BIRTH_MISMATCH: {},
  NAME_MISMATCH: {},
  INCOME_ABOVE_THRESHOLD: { householdMonthlyIncome: '3038.00', householdSize: 4, perCapita: '1234.5', threshold: '759.00' },
  APPLICANT_TOO_YOUNG: { age: 16, minimum: 18 },
  APPLICANT_TOO_OLD: { age: 71, maximum: 65 },
  HOUSEHOLD_SIZE_OUT_OF_RANGE: { householdSize: 1, min: 2, max: 12 },
  NOT_ENOUGH_CHILDREN: { children: 0, required: 1, underAge: 18 },
  FORMALLY_EMPLOYED: { scope: 'household' },
  CONFLICTING_BENEFIT: { benefits: 'BPC,SEGURO_DEFESO' },
  OUTSIDE_TARGET_AREA: { municipality: '3550308' },
  VULNERABILITY_TOO_LOW: { score: '41.5', minimum: 60 },
  PHONE_NOT_VERIFIED: {},
  DUPLICATE_PERSON: {},
  DUPLICATE_HOUSEHOLD: {},
  ACCOUNT_IN_USE: {},
  PHONE_SHARED_TOO_OFTEN: { count: 4, maximum: 3 },
  ACCOUNT_HOLDER_MISMATCH: {},
  ACCOUNT_CLOSED: {},
  ACCOUNT_UNKNOWN: {},
  ACCOUNT_NAME_DIFFERS: {},
  IDENTITY_DISPUTED: {},
  HOUSEHOLD_REMOVED: {},
  REVIEW_REJECTED: {},
  APPEAL_REJECTED: {},
};

const DEADLINE = '2025-07-15T23:59:59-03:00';
const EVENTS: ApplicantEvent[] = [
  { kind: 'DECISION', status: 'ENROLLED' },
  { kind: 'DECISION', status: 'NEEDS_REVIEW' },
  { kind: 'DECISION', status: 'REJECTED', reasonCodes: ['INCOME_ABOVE_THRESHOLD'], appealDeadline: DEADLINE },
  {
    kind: 'DECISION',
    status: 'REJECTED',
    reasonCodes: ['INCOME_ABOVE_THRESHOLD', 'APPLICANT_TOO_YOUNG', 'PHONE_SHARED_TOO_OFTEN'],
    appealDeadline: DEADLINE,
  },
  { kind: 'DECISION', status: 'REJECTED', reasonCodes: [...REASON_CODES], appealDeadline: DEADLINE },
  { kind: 'APPEAL_RECEIVED' },
  { kind: 'APPEAL_DECIDED', status: 'ENROLLED' },
  { kind: 'APPEAL_DECIDED', status: 'REJECTED', reasonCodes: ['APPEAL_REJECTED', 'INCOME_ABOVE_THRESHOLD'] },
  { kind: 'APPEAL_DECIDED', status: 'REJECTED', reasonCodes: [...REASON_CODES] },
  { kind: 'IDENTITY_ATTEMPT', on: '2026-12-07' },
  { kind: 'CODE', codeId: 'c1', code: '042917' },
  { kind: 'IDENTITY_DISPUTED', disputeId: 'd1' },
  { kind: 'ACCOUNT_NOT_CONFIRMED', reasonCodes: ['ACCOUNT_HOLDER_MISMATCH'], account: 'k1' },
];
const CTX = { programName: 'Bolsa Amparo Piloto', applicationNumber: 'AMP-7K2M9Q', facts: FACTS };
const LEFTOVER = /[{}[\]|]|undefined|NaN|null/;

describe('reason sentences', () => {
  it.each(LANGUAGES)('has a sentence for every reason code in %s, with and without facts', (lang) => {
    for (const code of REASON_CODES) {
      for (const text of [reasonSentence(code, lang), reasonSentence(code, lang, FACTS[code])]) {
        expect(text, `${code} ${lang}`).toMatch(/^\S.{20,}[.]$/);
        expect(text, `${code} ${lang}`).not.toMatch(LEFTOVER);
      }
    }
  });

  it('says each reason differently in each language, and differently from every other reason', () => {
    for (const code of REASON_CODES) expect(new Set(LANGUAGES.map((l) => reasonSentence(code, l))).size).toBe(3);
    for (const lang of LANGUAGES) expect(new Set(REASON_CODES.map((c) => reasonSentence(c, lang))).size).toBe(REASON_CODES.length);
  });

  it('interpolates the facts, formatted the local way', () => {
    const facts = { perCapita: '759.5', threshold: '759.00' };
    expect(reasonSentence('INCOME_ABOVE_THRESHOLD', 'es', facts)).toBe(
      'El ingreso mensual por persona de su hogar (759,50) supera el límite del programa (759,00).',
    );
    expect(reasonSentence('INCOME_ABOVE_THRESHOLD', 'pt', { perCapita: '1234.56', threshold: '759.00' })).toContain('(1.234,56)');
    expect(reasonSentence('INCOME_ABOVE_THRESHOLD', 'en', { perCapita: '1234.56', threshold: '759' })).toBe(
      "Your household's monthly income per person (1,234.56) is above the program's limit (759.00).",
    );
    expect(reasonSentence('APPLICANT_TOO_YOUNG', 'pt', { age: 16, minimum: 18 })).toContain('(tem 16 anos e o mínimo é 18)');
    expect(reasonSentence('HOUSEHOLD_SIZE_OUT_OF_RANGE', 'en', { householdSize: 14, max: 12 })).toContain(
      '(14) is not what the program requires: at most 12 people.',
    );
    expect(reasonSentence('FORMALLY_EMPLOYED', 'es', { scope: 'applicant' })).toContain('Según el registro, usted tiene un empleo formal');
    expect(reasonSentence('FORMALLY_EMPLOYED', 'en', { scope: 'unknown' })).toContain('you or someone in your household');
    expect(reasonSentence('CONFLICTING_BENEFIT', 'pt', { benefits: 'BPC,SEGURO_DEFESO' })).toContain('(BPC, SEGURO_DEFESO)');
    expect(reasonSentence('OUTSIDE_TARGET_AREA', 'es', { municipality: '3550308' })).toContain('(3550308)');
  });

  it('formats exact decimal strings without floating point', () => {
    expect(formatNumber('12345678901234567.89', 'es', 2)).toBe('12.345.678.901.234.567,89');
    expect(formatNumber('12345678901234567.89', 'en', 2)).toBe('12,345,678,901,234,567.89');
    expect(formatNumber('0.1', 'pt', 2)).toBe('0,10');
    expect(formatNumber('1000', 'en')).toBe('1,000');
    expect(formatNumber('2.005', 'es', 2)).toBe('2,01'); // half-up on the decimal, not 2.00 as a float would
    expect(formatNumber(999, 'es')).toBe('999');
  });

  it('writes dates the local way, as the calendar date of the ISO string', () => {
    expect(formatDate(DEADLINE, 'es')).toBe('15 de julio de 2025');
    expect(formatDate(DEADLINE, 'pt')).toBe('15 de julho de 2025');
    expect(formatDate(DEADLINE, 'en')).toBe('15 July 2025');
  });
});

describe('SMS bodies', () => {
  it.each(LANGUAGES)('renders every event in %s under the SMS budget, without placeholders', (lang) => {
    for (const event of EVENTS) {
      const body = smsBody(event, lang, CTX);
      expect(body.length, JSON.stringify(event)).toBeLessThan(SMS_MAX_LENGTH);
      expect(body).not.toMatch(LEFTOVER);
      expect(body).toContain('AMP-7K2M9Q');
    }
  });

  it('differs between languages for every event', () => {
    for (const event of EVENTS) expect(new Set(LANGUAGES.map((l) => smsBody(event, l, CTX))).size).toBe(3);
  });

  it('tells a rejection with its reasons, the deadline and how to appeal', () => {
    const event = EVENTS[2]!;
    const es = smsBody(event, 'es', CTX);
    expect(es).toContain('(1.234,50) supera el límite del programa (759,00)');
    expect(es).toContain('puede apelar hasta el 15 de julio de 2025 en /status con su número de solicitud y su fecha de nacimiento');
    expect(smsBody(event, 'pt', CTX)).toContain('recorrer até 15 de julho de 2025 em /status');
    const en = smsBody(event, 'en', { ...CTX, statusUrl: 'https://amparo.example/status' });
    expect(en).toContain('(1,234.50) is above the program');
    expect(en).toContain('appeal until 15 July 2025 at https://amparo.example/status');
  });

  it('keeps every reason when they fit, and points to the status page when they do not', () => {
    const three = smsBody(EVENTS[3]!, 'es', CTX);
    for (const code of ['INCOME_ABOVE_THRESHOLD', 'APPLICANT_TOO_YOUNG', 'PHONE_SHARED_TOO_OFTEN'] as const) {
      expect(three).toContain(reasonSentence(code, 'es').slice(0, 30));
    }
    expect(smsBody(EVENTS[4]!, 'pt', CTX)).toContain('Há mais motivos em /status.');
    expect(smsBody(EVENTS[4]!, 'en', CTX)).toContain('More reasons at /status.');
  });

  it('carries no personal data and shortens an over-long program name', () => {
    const body = smsBody({ kind: 'DECISION', status: 'ENROLLED' }, 'es', { programName: 'P'.repeat(500), applicationNumber: 'AMP-1' });
    expect(body.length).toBeLessThan(SMS_MAX_LENGTH);
    expect(body).toMatch(/^P{59}…: su solicitud AMP-1 fue aprobada/);
  });
});

describe('status explanations', () => {
  it('explains every status in every language, differently per language', () => {
    for (const status of APPLICATION_STATUSES) {
      const texts = LANGUAGES.map((l) => statusExplanation(status, l));
      for (const t of texts) expect(t).toMatch(/^\S.{20,}[.]$/);
      expect(new Set(texts).size).toBe(3);
    }
  });
});

// Micro-batched intake inserts on the real database: applications arriving together share one statement,
// in arrival order; a repeat within the batch is skipped; a row the database refuses fails alone.
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../lib/config';
import { createDb } from '../lib/db';
import { insertApplication, type NewApplication } from '../web/services/application-inserts';
import { createProgram } from './support/fixtures';
import { uid } from './support/util';

const db = createDb(loadConfig().DATABASE_URL, 5);
afterAll(() => db.$disconnect());

const row = (programId: string, over: Partial<NewApplication> = {}): NewApplication => ({
  id: randomUUID(),
  number: uid('N').toUpperCase(),
  program_id: programId,
  national_id_hash: uid('h'),
  national_id: '52998224725',
  full_name: 'Maria José da Silva',
  date_of_birth: '1985-03-14',
  birth_date_hash: uid('b'),
  phone: '+5511987654321',
  phone_hash: uid('p'),
  language: 'pt',
  municipality: 'São Paulo',
  household_size: 4,
  dependants_under_18: 2,
  declared_monthly_income: '850.00',
  idempotency_key: null,
  request_hash: null,
  decision_queue: uid('insert-tq'),
  rail: 'BANK',
  bank_code: '001',
  account_number: '12345678',
  msisdn: null,
  account_key: uid('k'),
  ...over,
});

describe('micro-batched application inserts', () => {
  it('inserts applications sent together with their accounts and audit entries, in arrival order, a repeat skipped', async () => {
    const program = await createProgram(db);
    const rows = Array.from({ length: 40 }, () => row(program.id));
    const repeat = row(program.id, { national_id_hash: rows[7]!.national_id_hash });
    const results = await Promise.all([...rows, repeat].map((r) => insertApplication(db, r)));
    expect(results).toEqual([...rows.map(() => true), false]);
    const stored = await db.application.findMany({ where: { programId: program.id }, include: { paymentAccount: true } });
    const byId = new Map(stored.map((a) => [a.id, a]));
    // Arrival order is kept to the millisecond the column holds (within one, the ID decides, as for every query).
    const times = rows.map((r) => byId.get(r.id)!.createdAt.getTime());
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(stored.every((a) => a.status === 'RECEIVED' && a.paymentAccount?.accountNumber === '12345678')).toBe(true);
    expect(stored[0]!.declaredMonthlyIncome.toString()).toBe('850');
    expect(await db.auditEvent.count({ where: { action: 'application.received', entityId: { in: rows.map((r) => r.id) } } })).toBe(40);
  });

  it('fails only the row the database refuses, not the others of its batch', async () => {
    const program = await createProgram(db);
    const good = Array.from({ length: 10 }, () => row(program.id));
    const orphan = row(randomUUID()); // no such program: the foreign key refuses it
    const results = await Promise.allSettled([...good.slice(0, 5), orphan, ...good.slice(5)].map((r) => insertApplication(db, r)));
    expect(results.map((r) => r.status)).toEqual([
      ...Array<string>(5).fill('fulfilled'),
      'rejected',
      ...Array<string>(5).fill('fulfilled'),
    ]);
    expect(await db.application.count({ where: { programId: program.id } })).toBe(10);
  });
});

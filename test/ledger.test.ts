// The ledger on the real database: balanced entries, idempotent references, and the database itself
// refusing an unbalanced entry (the deferred trigger), whatever the code above it does.
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../lib/config';
import { createDb } from '../lib/db';
import { ACCOUNTS, balances, post } from '../lib/ledger';
import { createProgram } from './support/fixtures';
import { uid } from './support/util';

const db = createDb(loadConfig().DATABASE_URL, 3);
afterAll(() => db.$disconnect());

describe('ledger', () => {
  it('moves money between accounts in balanced entries, once per reference', async () => {
    const program = await createProgram(db);
    const base = { programId: program.id, currency: 'BRL' };
    expect(
      await post(db, {
        ...base,
        reference: uid('r'),
        description: 'envelope',
        movements: [{ from: ACCOUNTS.appropriation, to: ACCOUNTS.budget, amount: '1000.00' }],
      }),
    ).toBe(true);
    const sent = uid('sent');
    const send = {
      ...base,
      reference: sent,
      description: 'batch sent',
      movements: [
        { from: ACCOUNTS.budget, to: ACCOUNTS.payable, amount: '600.10' },
        { from: ACCOUNTS.payable, to: ACCOUNTS.inTransit('bank-sim'), amount: '600.10' },
      ],
    };
    expect(await post(db, send)).toBe(true);
    expect(await post(db, send)).toBe(false); // the same event again: nothing written
    await post(db, {
      ...base,
      reference: uid('r'),
      description: 'settled',
      movements: [
        { from: ACCOUNTS.inTransit('bank-sim'), to: ACCOUNTS.paid, amount: '0.10' },
        { from: ACCOUNTS.inTransit('bank-sim'), to: ACCOUNTS.payable, amount: '0' },
      ],
    });

    expect(await balances(db, program.id)).toEqual({
      appropriation: '-1000.00',
      budget: '399.90',
      payable: '0.00',
      'in_transit:bank-sim': '600.00',
      paid: '0.10',
    });
    const [sum] = await db.$queryRaw<Array<{ total: string }>>`
      SELECT sum(l.amount)::text AS total FROM journal_line l JOIN journal_entry e ON e.id = l.entry_id WHERE e.program_id = ${program.id}::uuid`;
    expect(sum!.total).toBe('0.00');
  });

  it('refuses negative movements', async () => {
    const program = await createProgram(db);
    await expect(
      post(db, {
        programId: program.id,
        currency: 'BRL',
        reference: uid('r'),
        description: 'x',
        movements: [{ from: 'a', to: 'b', amount: '-1.00' }],
      }),
    ).rejects.toThrow(/negative/);
  });

  it('refuses an unbalanced entry written by hand, and keeps its connections usable afterwards', async () => {
    const program = await createProgram(db);
    await post(db, {
      programId: program.id,
      currency: 'BRL',
      reference: uid('r'),
      description: 'accounts',
      movements: [{ from: ACCOUNTS.appropriation, to: ACCOUNTS.budget, amount: '1.00' }],
    });
    const account = await db.ledgerAccount.findFirstOrThrow({ where: { programId: program.id, code: ACCOUNTS.budget } });
    for (let i = 0; i < 4; i++) {
      // more failures than the pool has connections: none may leak
      await expect(
        db.$transaction(async (tx) => {
          const entry = await tx.journalEntry.create({ data: { programId: program.id, reference: uid('bad'), description: 'one-sided' } });
          await tx.journalLine.create({ data: { entryId: entry.id, accountId: account.id, amount: '5.00', currency: 'BRL' } });
        }),
      ).rejects.toThrow(/does not balance/);
    }
    expect(await balances(db, program.id)).toMatchObject({ budget: '1.00' });
  });

  it('is append-only: a posted line can be neither changed nor deleted', async () => {
    const program = await createProgram(db);
    await post(db, {
      programId: program.id,
      currency: 'BRL',
      reference: uid('r'),
      description: 'x',
      movements: [{ from: ACCOUNTS.appropriation, to: ACCOUNTS.budget, amount: '2.00' }],
    });
    const line = await db.journalLine.findFirstOrThrow({ where: { account: { programId: program.id } } });
    await expect(db.journalLine.update({ where: { id: line.id }, data: { amount: '3.00' } })).rejects.toThrow(/append|reversing/);
    await expect(db.journalLine.delete({ where: { id: line.id } })).rejects.toThrow(/append|reversing/);
  });
});

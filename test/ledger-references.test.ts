// A ledger reference names one event. Posting it again with the same movements is the same event told
// twice (a retried activity) and writes nothing; posting it with other movements is two events under one
// name, and must fail loudly rather than drop the second one's money silently.
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../lib/config';
import { createDb } from '../lib/db';
import { ACCOUNTS, balances, post, type Posting } from '../lib/ledger';
import { createProgram } from './support/fixtures';
import { uid } from './support/util';

const db = createDb(loadConfig().DATABASE_URL, 3);
afterAll(() => db.$disconnect());

describe('a ledger reference already posted', () => {
  it('with the same movements is a no-op; with other movements it throws and changes nothing', async () => {
    const program = await createProgram(db);
    const sent: Posting = {
      programId: program.id,
      currency: 'BRL',
      reference: uid('batch-sent'),
      description: 'batch sent',
      movements: [
        { from: ACCOUNTS.budget, to: ACCOUNTS.payable, amount: '600.10' },
        { from: ACCOUNTS.payable, to: ACCOUNTS.inTransit('bank-sim'), amount: '600.10' },
      ],
    };
    expect(await post(db, sent)).toBe(true);
    const after = await balances(db, program.id);

    // The same event told again, its movements in another order and written another way: nothing written.
    expect(await post(db, { ...sent, movements: [{ ...sent.movements[1]!, amount: '600.1' }, sent.movements[0]!] })).toBe(false);
    // Zero movements are not movements.
    expect(await post(db, { ...sent, movements: [...sent.movements, { from: ACCOUNTS.payable, to: ACCOUNTS.paid, amount: '0' }] })).toBe(
      false,
    );

    await expect(
      post(db, { ...sent, movements: [{ from: ACCOUNTS.payable, to: ACCOUNTS.inTransit('bank-sim'), amount: '600.00' }] }),
    ).rejects.toThrow(/already posted with other movements/);
    await expect(
      post(db, { ...sent, movements: [...sent.movements, { from: ACCOUNTS.inTransit('bank-sim'), to: ACCOUNTS.paid, amount: '1.00' }] }),
    ).rejects.toThrow(/already posted with other movements/);
    await expect(post(db, { ...sent, currency: 'USD' })).rejects.toThrow(/already posted with other movements/);
    expect(await balances(db, program.id)).toEqual(after);
  });

  it('throws inside a transaction, so the state change it belongs to is not committed either', async () => {
    const program = await createProgram(db);
    const reference = uid('batch-report');
    const base = { programId: program.id, currency: 'BRL', reference, description: 'statuses' };
    await post(db, { ...base, movements: [{ from: ACCOUNTS.appropriation, to: ACCOUNTS.budget, amount: '10.00' }] });
    const changed = uid('Changed');
    await expect(
      db.$transaction(async (tx) => {
        await tx.program.update({ where: { id: program.id }, data: { name: changed } });
        await post(tx, { ...base, movements: [{ from: ACCOUNTS.appropriation, to: ACCOUNTS.budget, amount: '20.00' }] });
      }),
    ).rejects.toThrow(/already posted with other movements/);
    expect((await db.program.findUniqueOrThrow({ where: { id: program.id } })).name).not.toBe(changed);
  });
});

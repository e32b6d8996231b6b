// Personal fields sealed under data keys wrapped by a master key: a value opens only with its key and as
// its own column's, rotation re-wraps and everything stays readable, and an unknown key is refused by name.
import { createSecretKey, randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../lib/config';
import { createDb, type Prisma } from '../lib/db';
import { addDataKey, rewrapDataKeys } from '../lib/data-key-rotation';
import { ConfiguredMasterKeys, FieldCipher, newDataKey, SealedValueError } from '../lib/field-encryption';
import { dataKeys, personalDataWith } from '../lib/personal-data';

const config = loadConfig();
const db = createDb(config.DATABASE_URL, 2);
afterAll(() => db.$disconnect());

const master = (...ids: string[]) => new ConfiguredMasterKeys(ids.map((id) => ({ id, key: createSecretKey(keyBytes(id)) })));
const keys = new Map<string, Buffer>();
const keyBytes = (id: string) => keys.get(id) ?? keys.set(id, randomBytes(32)).get(id)!;

describe('sealing a field', () => {
  const m1 = master('m1');
  const pd = personalDataWith(new FieldCipher([newDataKey('dk1', m1)], m1));

  it('opens what it sealed; the stored value holds neither the value nor a repeat of another sealing', () => {
    const sealed = pd.seal('application.national_id', '52998224725');
    expect(sealed).toMatch(/^v1\.dk1\.[\w-]+$/);
    expect(sealed).not.toContain('52998224725');
    expect(pd.seal('application.national_id', '52998224725')).not.toBe(sealed);
    expect(pd.open('application.national_id', sealed)).toBe('52998224725');
    expect(pd.openJson('application.registry_facts', pd.sealJson('application.registry_facts', { a: [1, 'é'] }))).toEqual({ a: [1, 'é'] });
  });

  it('refuses a value moved to another column, altered, not sealed, or under a key it does not hold, naming the key', () => {
    const sealed = pd.seal('application.national_id', '52998224725');
    expect(() => pd.open('application.phone', sealed)).toThrow(SealedValueError);
    const altered = sealed.slice(0, -2) + (sealed.endsWith('AA') ? 'BA' : 'AA');
    expect(() => pd.open('application.national_id', altered)).toThrow(/does not authenticate/);
    expect(() => pd.open('application.national_id', '52998224725')).toThrow('application.national_id holds a value that is not sealed');
    expect(() => pd.open('application.national_id', sealed.replace('v1.dk1.', 'v1.dk9.'))).toThrow(
      'application.national_id is sealed under data key dk9, which is unknown here',
    );
    expect(() => new FieldCipher([newDataKey('dk1', m1)], master('m2'))).toThrow(
      'data key wrapped under master key m1, which is not configured (PII_MASTER_KEYS)',
    );
  });
});

/** Runs `work` in a transaction that is always rolled back: other test files share the key table. */
async function rolledBack(work: (tx: Prisma.TransactionClient) => Promise<void>): Promise<void> {
  const rollback = new Error('rollback');
  await expect(
    db.$transaction(async (tx) => {
      await work(tx);
      throw rollback;
    }),
  ).rejects.toBe(rollback);
}

describe('rotation, on the real key table', () => {
  it('re-wraps every data key under a new master key; with the old one gone, everything stays readable', async () => {
    await rolledBack(async (tx) => {
      // A key table of our own keys (in this transaction only) under a master key only this test knows.
      await tx.dataKey.deleteMany({});
      const created = await tx.dataKey.create({ data: newDataKey('dk-rotation-test', master('old')) });
      const sealedBefore = new FieldCipher([created], master('old')).seal('application.full_name', 'Maria José da Silva');
      const rotated = await rewrapDataKeys(tx, master('new', 'old'));
      expect(rotated).toEqual(['dk-rotation-test']);
      const stored = await tx.dataKey.findUniqueOrThrow({ where: { id: 'dk-rotation-test' } });
      expect(stored).toMatchObject({ masterKeyId: 'new', rewrappedAt: expect.any(Date) as Date });
      // Only the new master key now: the value sealed before rotation opens.
      const after = new FieldCipher([stored], master('new'));
      expect(after.open('application.full_name', sealedBefore)).toBe('Maria José da Silva');
      expect(await rewrapDataKeys(tx, master('new'))).toEqual([]); // nothing left to re-wrap
    });
  });

  it('adds a data key that seals from then on, while values under the old one still open', async () => {
    await rolledBack(async (tx) => {
      const m = master('only');
      await tx.dataKey.deleteMany({});
      const first = personalDataWith(new FieldCipher(await dataKeys(tx, m), m));
      const old = first.seal('application.phone', '+5511987654321');
      const added = await addDataKey(tx, m);
      expect(added).toBe('dk2');
      const second = personalDataWith(new FieldCipher(await dataKeys(tx, m), m));
      expect(second.seal('application.phone', '+5511987654321')).toMatch(/^v1\.dk2\./);
      expect(second.open('application.phone', old)).toBe('+5511987654321');
    });
  });
});

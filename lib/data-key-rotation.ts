// Key rotation for personal fields. Rotating the master key re-wraps the data keys (a few rows), not the
// data: after `rewrapDataKeys`, the old master key can be removed from PII_MASTER_KEYS. A new data key
// seals what is written from then on (processes load keys at start: restart them); values sealed under
// the old one stay readable. `sealClearValues` seals what was stored before fields were sealed.
import type { Db, Prisma } from './db';
import { FieldCipher, newDataKey, rewrapDataKey, type MasterKeys } from './field-encryption';
import { birthDateHash, type HashKeys } from './pii';
import { dataKeys, personalDataWith, SEALED_FIELDS } from './personal-data';

type Tx = Db | Prisma.TransactionClient;

/** Wraps every data key not yet under the current master key with it; returns the ids re-wrapped. */
export async function rewrapDataKeys(db: Tx, master: MasterKeys): Promise<string[]> {
  const keys = await db.dataKey.findMany({ where: { masterKeyId: { not: master.currentId } } });
  for (const key of keys) {
    const { masterKeyId, wrapped } = rewrapDataKey(key, master);
    await db.dataKey.update({ where: { id: key.id }, data: { masterKeyId, wrapped, rewrappedAt: new Date() } });
  }
  return keys.map((k) => k.id);
}

/** A new data key, which seals from now on ("dk2" after "dk1"). */
export async function addDataKey(db: Tx, master: MasterKeys): Promise<string> {
  const ids = (await db.dataKey.findMany({ select: { id: true } })).map((k) => Number(k.id.replace(/^dk/, '')) || 0);
  const id = `dk${Math.max(0, ...ids) + 1}`;
  await db.dataKey.create({ data: newDataKey(id, master) });
  return id;
}

/** Rows sealed per statement. */
const BATCH = 1000;

/**
 * Seals every personal value still in clear (stored before fields were sealed), and gives those
 * applications the birth-date hash the status page and deduplication compare. Returns how many values.
 */
export async function sealClearValues(db: Db, master: MasterKeys, hashes: HashKeys): Promise<number> {
  const pd = personalDataWith(new FieldCipher(await dataKeys(db, master), master));
  let sealed = 0;
  for (const field of SEALED_FIELDS) {
    const [table, column] = field.split('.') as [string, string];
    for (;;) {
      // Identifiers come from SEALED_FIELDS, our own constant list, never from input.
      const rows = await db.$queryRawUnsafe<Array<{ id: string; value: string }>>(
        `SELECT id::text, "${column}" AS value FROM "${table}" WHERE "${column}" IS NOT NULL AND "${column}" NOT LIKE 'v1.%' LIMIT ${BATCH}`,
      );
      if (rows.length === 0) break;
      const updates = rows.map((r) => ({
        id: r.id,
        value: pd.seal(field, r.value),
        // A birth date in clear is the last chance to compute its hash.
        hash: field === 'application.date_of_birth' ? hashes.current(birthDateHash, r.value) : null,
      }));
      await db.$executeRawUnsafe(
        `UPDATE "${table}" t SET "${column}" = v.value${field === 'application.date_of_birth' ? ', birth_date_hash = v.hash' : ''}
           FROM jsonb_to_recordset($1::jsonb) AS v(id uuid, value text, hash text) WHERE t.id = v.id`,
        JSON.stringify(updates),
      );
      sealed += rows.length;
    }
  }
  return sealed;
}

// Rotates the keys of personal fields (lib/data-key-rotation.ts), on the database of DATABASE_URL.
//   npm run keys:rotate                      re-wraps every data key under the first of PII_MASTER_KEYS
//   npm run keys:rotate -- --new-data-key    also adds a data key that seals from now on (restart the processes)
//   npm run keys:rotate -- --seal-clear      also seals values stored in clear before fields were sealed
//   npm run keys:rotate -- --rehash          also moves look-up hashes to the first of PII_HASH_KEYS (lib/hash-rotation.ts)
// Prints what it did, never a key.
import { parseArgs } from 'node:util';
import { loadConfig } from '../lib/config';
import { createDb } from '../lib/db';
import { addDataKey, rewrapDataKeys, sealClearValues } from '../lib/data-key-rotation';
import { rehash } from '../lib/hash-rotation';
import { masterKeys, personalData } from '../lib/personal-data';
import { hashKeys } from '../lib/pii';

const { values } = parseArgs({
  options: { 'new-data-key': { type: 'boolean' }, 'seal-clear': { type: 'boolean' }, rehash: { type: 'boolean' } },
});
const config = loadConfig();
const db = createDb(config.DATABASE_URL, 2);
const master = masterKeys(config);
try {
  const rewrapped = await db.$transaction((tx) => rewrapDataKeys(tx, master));
  console.log(
    `[keys] ${rewrapped.length ? `re-wrapped ${rewrapped.join(', ')}` : 'every data key already'} under master key ${master.currentId}`,
  );
  if (values['new-data-key']) console.log(`[keys] added data key ${await addDataKey(db, master)}: it seals from the processes' next start`);
  const hashes = hashKeys(config);
  if (values['seal-clear']) console.log(`[keys] sealed ${await sealClearValues(db, master, hashes)} values stored in clear`);
  if (values.rehash) {
    const { rehashed, remaining } = await rehash(db, hashes, await personalData({ db, config }));
    console.log(`[keys] re-hashed ${rehashed} rows under hash key ${hashes.currentId}`);
    const old = Object.entries(remaining);
    if (old.length === 0) console.log(`[keys] no row is under another hash key: PII_HASH_KEYS needs only ${hashes.currentId}`);
    for (const [id, rows] of old)
      console.log(
        `[keys] ${rows} rows remain under hash key ${id} (erased: nothing left to re-hash): keep ${id} listed while they must be found`,
      );
  }
} finally {
  await db.$disconnect();
}

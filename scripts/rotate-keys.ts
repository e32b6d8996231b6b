// Rotates the keys of personal fields (lib/data-key-rotation.ts), on the database of DATABASE_URL.
//   npm run keys:rotate                      re-wraps every data key under the first of PII_MASTER_KEYS
//   npm run keys:rotate -- --new-data-key    also adds a data key that seals from now on (restart the processes)
//   npm run keys:rotate -- --seal-clear      also seals values stored in clear before fields were sealed
// Prints what it did, never a key.
import { parseArgs } from 'node:util';
import { loadConfig } from '../lib/config';
import { createDb } from '../lib/db';
import { addDataKey, rewrapDataKeys, sealClearValues } from '../lib/data-key-rotation';
import { masterKeys } from '../lib/personal-data';

const { values } = parseArgs({ options: { 'new-data-key': { type: 'boolean' }, 'seal-clear': { type: 'boolean' } } });
const config = loadConfig();
const db = createDb(config.DATABASE_URL, 2);
const master = masterKeys(config);
try {
  const rewrapped = await db.$transaction((tx) => rewrapDataKeys(tx, master));
  console.log(
    `[keys] ${rewrapped.length ? `re-wrapped ${rewrapped.join(', ')}` : 'every data key already'} under master key ${master.currentId}`,
  );
  if (values['new-data-key']) console.log(`[keys] added data key ${await addDataKey(db, master)}: it seals from the processes' next start`);
  if (values['seal-clear']) console.log(`[keys] sealed ${await sealClearValues(db, master, config.PII_HASH_KEY)} values stored in clear`);
} finally {
  await db.$disconnect();
}

// Creates a user of the admin API and prints the bearer token (shown once; only its hash is stored).
// Usage: npm run create-user -- <username> <ADMIN|APPROVER|REVIEWER|FINANCE>
import { z } from 'zod';
import { loadConfig } from '../lib/config';
import { createDb } from '../lib/db';
import { createUser } from '../lib/users';

const [username, role] = z
  .tuple([z.string().regex(/^[\w.@-]{3,64}$/, 'username: 3 to 64 letters, digits, . @ - _'), z.enum(['ADMIN', 'APPROVER', 'REVIEWER', 'FINANCE'])])
  .parse(process.argv.slice(2));
const db = createDb(loadConfig().DATABASE_URL, 1);
try {
  const user = await createUser(db, username, role);
  console.log(`user ${username} (${role}) id ${user.id}\ntoken (store it now, it is not kept): ${user.token}`);
} finally {
  await db.$disconnect();
}

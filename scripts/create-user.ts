// Creates a user of the admin API and prints the bearer token (shown once; only its hash is stored).
// Usage: npm run create-user -- <username> <ADMIN|APPROVER|REVIEWER|FINANCE>
// For the admin pages, give a password (at least 12 characters) in AMPARO_PASSWORD, never as an
// argument (it would land in the shell history and in `ps`):
//   read -rs PW && AMPARO_PASSWORD="$PW" npm run create-user -- maria REVIEWER; unset PW
import { z } from 'zod';
import { loadConfig } from '../lib/config';
import { createDb } from '../lib/db';
import { passwordProblem } from '../lib/passwords';
import { createUser } from '../lib/users';

const [username, role] = z
  .tuple([
    z.string().regex(/^[\w.@-]{3,64}$/, 'username: 3 to 64 letters, digits, . @ - _'),
    z.enum(['ADMIN', 'APPROVER', 'REVIEWER', 'FINANCE']),
  ])
  .parse(process.argv.slice(2));
const password = process.env.AMPARO_PASSWORD || undefined;
const problem = password === undefined ? undefined : passwordProblem(password);
if (problem) {
  console.error(`AMPARO_PASSWORD: ${problem}; nobody was created`);
  process.exit(2);
}
const db = createDb(loadConfig().DATABASE_URL, 1);
try {
  const user = await createUser(db, username, role, password);
  console.log(`user ${username} (${role}) id ${user.id}\ntoken (store it now, it is not kept): ${user.token}`);
  console.log(
    password
      ? 'password set: this user can sign in to the admin pages at /admin/sign-in'
      : 'no password (API token only). To sign in to the admin pages, create the user with a password of at least 12 characters in the\n' +
          'AMPARO_PASSWORD environment variable, not as an argument: read -rs PW && AMPARO_PASSWORD="$PW" npm run create-user -- ...; unset PW',
  );
} finally {
  await db.$disconnect();
}

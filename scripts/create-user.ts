// Creates a user of the admin API and prints a first bearer token (shown once; only its hash is stored).
// The token expires after 90 days unless --days says otherwise (at most 366); more tokens, a list and
// revocation: npm run tokens (scripts/tokens.ts).
// Usage: npm run create-user -- <username> <ADMIN|APPROVER|REVIEWER|FINANCE> [--days <n>]
// For the admin pages, give a password (at least 12 characters) in AMPARO_PASSWORD, never as an
// argument (it would land in the shell history and in `ps`):
//   read -rs PW && AMPARO_PASSWORD="$PW" npm run create-user -- maria REVIEWER; unset PW
// A second factor for the admin pages (required in production for ADMIN, APPROVER and FINANCE):
//   npm run totp -- enroll maria
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { MAX_TOKEN_DAYS } from '../lib/api-tokens';
import { loadConfig } from '../lib/config';
import { createDb } from '../lib/db';
import { passwordProblem } from '../lib/passwords';
import { SECOND_FACTOR_ROLES } from '../lib/totp';
import { createUser } from '../lib/users';

const { positionals, values } = parseArgs({ allowPositionals: true, options: { days: { type: 'string' } } });
const [username, role] = z
  .tuple([
    z.string().regex(/^[\w.@-]{3,64}$/, 'username: 3 to 64 letters, digits, . @ - _'),
    z.enum(['ADMIN', 'APPROVER', 'REVIEWER', 'FINANCE']),
  ])
  .parse(positionals);
const days = values.days === undefined ? undefined : Number(values.days);
if (days !== undefined && !(Number.isInteger(days) && days >= 1 && days <= MAX_TOKEN_DAYS)) {
  console.error(`--days: a whole number of days from 1 to ${MAX_TOKEN_DAYS}; nobody was created`);
  process.exit(2);
}
const password = process.env.AMPARO_PASSWORD || undefined;
const problem = password === undefined ? undefined : passwordProblem(password);
if (problem) {
  console.error(`AMPARO_PASSWORD: ${problem}; nobody was created`);
  process.exit(2);
}
const config = loadConfig();
const db = createDb(config.DATABASE_URL, 1);
try {
  const user = await createUser(db, username, role, password, { days });
  console.log(`user ${username} (${role}) id ${user.id}`);
  console.log(`token (store it now, it is not kept), expires ${user.tokenExpiresAt.toISOString().slice(0, 10)}: ${user.token}`);
  console.log(
    password
      ? 'password set: this user can sign in to the admin pages at /admin/sign-in'
      : 'no password (API token only). To sign in to the admin pages, create the user with a password of at least 12 characters in the\n' +
          'AMPARO_PASSWORD environment variable, not as an argument: read -rs PW && AMPARO_PASSWORD="$PW" npm run create-user -- ...; unset PW',
  );
  if (password && SECOND_FACTOR_ROLES.includes(role))
    console.log(
      `${config.AMPARO_ENV === 'production' ? 'required here' : 'recommended'}: a second factor, with npm run totp -- enroll ${username}`,
    );
} finally {
  await db.$disconnect();
}

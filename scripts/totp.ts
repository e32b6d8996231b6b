// The TOTP second factor of the admin pages (lib/totp.ts): enrol a user, or remove their second factor.
// `enroll` prints the secret and its otpauth:// URI once (turn the URI into a QR code, or type the secret
// into the authenticator app); enrolling again replaces the secret. From then on the user signs in with
// the password and the app's current code. In production (AMPARO_ENV=production) ADMIN, APPROVER and
// FINANCE users cannot sign in to the admin pages until enrolled.
// Usage:
//   npm run totp -- enroll <username>
//   npm run totp -- remove <username>      a lost phone: the password alone until enrolled again
import { loadConfig } from '../lib/config';
import { createDb } from '../lib/db';
import { enrollTotp, removeTotp } from '../lib/totp';

const [command, username] = process.argv.slice(2);
if (!username || (command !== 'enroll' && command !== 'remove')) {
  console.error('usage: npm run totp -- enroll <username> | remove <username>');
  process.exit(2);
}
const db = createDb(loadConfig().DATABASE_URL, 1);
try {
  if (command === 'enroll') {
    const { secret, uri } = await enrollTotp(db, username);
    console.log(`second factor enrolled for ${username}: add it to an authenticator app now, it is not shown again.`);
    console.log(`secret: ${secret}\nURI:    ${uri}`);
  } else {
    console.log((await removeTotp(db, username)) ? `second factor of ${username} removed` : `${username} had no second factor`);
  }
} catch (err) {
  console.error(err instanceof Error ? err.message : String(err));
  process.exitCode = 2;
} finally {
  await db.$disconnect();
}

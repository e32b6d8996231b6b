// API tokens: list, create and revoke them (lib/api-tokens.ts). A token is printed once, when created,
// and only its SHA-256 is kept; every token expires (90 days unless --days says otherwise, at most 366).
// Usage:
//   npm run tokens -- list [<username>]                         every token (of one user), newest last
//   npm run tokens -- create <username> [--label <text>] [--days <n>]
//   npm run tokens -- revoke <token id>                         the id is in the list
//   npm run tokens -- revoke --user <username>                  every live token of a user (someone left)
// Exit status: 0 done, 1 nothing to do (no such token), 2 a wrong command.
import { parseArgs } from 'node:util';
import { createApiToken, listApiTokens, MAX_TOKEN_DAYS, revokeApiToken, revokeUserApiTokens, type ListedToken } from '../lib/api-tokens';
import { loadConfig } from '../lib/config';
import { createDb, type Db } from '../lib/db';

const USAGE =
  'usage: npm run tokens -- list [<username>] | create <username> [--label <text>] [--days <n>] | revoke <token id> | revoke --user <username>';

const day = (d: Date | null) => (d ? d.toISOString().slice(0, 16).replace('T', ' ') : '-');
function state(t: ListedToken, now: Date): string {
  if (t.revokedAt) return `revoked ${day(t.revokedAt)}`;
  return t.expiresAt <= now ? `expired ${day(t.expiresAt)}` : `live until ${day(t.expiresAt)}`;
}

async function run(db: Db, argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { label: { type: 'string' }, days: { type: 'string' }, user: { type: 'string' } },
  });
  const [command, arg] = positionals;
  if (command === 'list') {
    const now = new Date();
    const tokens = await listApiTokens(db, { username: arg });
    console.log(['id', 'user', 'role', 'label', 'created', 'state', 'last used'].join('\t'));
    for (const t of tokens) console.log([t.id, t.username, t.role, t.label, day(t.createdAt), state(t, now), day(t.lastUsedAt)].join('\t'));
    console.log(`${tokens.length} token${tokens.length === 1 ? '' : 's'}`);
    return 0;
  }
  if (command === 'create' && arg) {
    const days = values.days === undefined ? undefined : /^\d+$/.test(values.days) ? Number(values.days) : NaN;
    if (Number.isNaN(days)) throw new Error(`--days: a whole number of days from 1 to ${MAX_TOKEN_DAYS}`);
    const issued = await createApiToken(db, arg, { label: values.label, days });
    console.log(`token ${issued.id} for ${arg}, expires ${day(issued.expiresAt)} UTC`);
    console.log(`token (store it now, it is not kept): ${issued.token}`);
    return 0;
  }
  if (command === 'revoke' && values.user) {
    const count = await revokeUserApiTokens(db, values.user);
    console.log(`${count} live token${count === 1 ? '' : 's'} of ${values.user} revoked`);
    return 0;
  }
  if (command === 'revoke' && arg) {
    if (await revokeApiToken(db, arg)) {
      console.log(`token ${arg} revoked`);
      return 0;
    }
    console.error(`no active token ${arg}: see npm run tokens -- list`);
    return 1;
  }
  throw new Error(USAGE);
}

const db = createDb(loadConfig().DATABASE_URL, 1);
try {
  process.exitCode = await run(db, process.argv.slice(2));
} catch (err) {
  // Wrong input (a usage, an unknown user, a lifetime out of range) is a sentence, not a stack trace.
  console.error(err instanceof Error ? err.message : String(err));
  process.exitCode = 2;
} finally {
  await db.$disconnect();
}

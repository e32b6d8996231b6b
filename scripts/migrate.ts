// Applies pending migrations (prisma migrate deploy) to the dev or test database, as the tables' owner
// (DATABASE_OWNER_URL), then grants the application's role (DATABASE_URL's user) what it may do on every
// table, those the migrations just added included (scripts/database-roles.ts).
// Skips the Prisma CLI when every migration folder is already recorded as applied: the CLI's
// WebAssembly schema engine holds the process open for ~10 s even when there is nothing to do.
// Usage: node --import tsx scripts/migrate.ts dev|test
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import pg from 'pg';
import { loadConfig } from '../lib/config';
import { testDatabaseUrl } from '../lib/test-databases';
import { grantApplicationAccess, loginOf } from './database-roles';

const target = process.argv[2] ?? 'dev';
if (target !== 'dev' && target !== 'test') throw new Error('usage: migrate.ts dev|test');
const config = loadConfig();
const url = target === 'test' ? testDatabaseUrl(config.DATABASE_OWNER_URL) : config.DATABASE_OWNER_URL;
const dbName = new URL(url).pathname.slice(1);
const owner = loginOf(url).role;
const app = loginOf(config.DATABASE_URL).role;

const folders = readdirSync(new URL('../schema/migrations/', import.meta.url), { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name);

async function connect(): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
  } catch (err) {
    throw new Error(
      `cannot connect to ${dbName} as its owner ${owner} (run "bash scripts/services.sh up", which creates the roles): ${String(err)}`,
    );
  }
  return client;
}

async function grantApplication(): Promise<void> {
  const client = await connect();
  try {
    await grantApplicationAccess(client, owner, app);
  } finally {
    await client.end();
  }
}

async function appliedMigrations(): Promise<Set<string>> {
  const client = await connect();
  try {
    const table = await client.query(`SELECT to_regclass('public._prisma_migrations') AS t`);
    if (!(table.rows[0] as { t: string | null }).t) return new Set();
    const rows = await client.query(
      `SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
    );
    return new Set(rows.rows.map((r: { migration_name: string }) => r.migration_name));
  } finally {
    await client.end();
  }
}

const applied = await appliedMigrations();
const pending = folders.filter((f) => !applied.has(f));
if (pending.length === 0) {
  await grantApplication();
  console.log(`[migrate] ${dbName}: up to date (${folders.length} migrations)`);
} else {
  console.log(`[migrate] ${dbName}: applying ${pending.join(', ')}`);
  const result = spawnSync('npx', ['prisma', 'migrate', 'deploy'], {
    stdio: 'inherit',
    env: {
      ...process.env,
      // prisma.config.ts connects with DATABASE_OWNER_URL; schema.prisma's datasource still names DATABASE_URL.
      DATABASE_OWNER_URL: url,
      DATABASE_URL: url,
      PRISMA_QUERY_ENGINE_LIBRARY: '/bin/false',
      PRISMA_SCHEMA_ENGINE_BINARY: '/bin/false',
      CHECKPOINT_DISABLE: '1',
    },
  });
  if (result.status === 0) await grantApplication();
  process.exit(result.status ?? 1);
}

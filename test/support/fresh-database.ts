// A database of its own, for a test that looks at everything a run leaves in it (the end-to-end test's
// dump): created by the administrator, owned by the owner role, built by the migrations' SQL in order,
// and granted to the application's role as scripts/migrate.ts grants it. Dropped at the end.
import { readdirSync, readFileSync } from 'node:fs';
import pg from 'pg';
import { loadConfig } from '../../lib/config';
import { databaseOf, ensureDatabase, grantApplicationAccess, loginOf, onDatabase } from '../../scripts/database-roles';
import { uid } from './util';

const MIGRATIONS = new URL('../../schema/migrations/', import.meta.url);

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export interface FreshDatabase {
  /** As the application connects (DATABASE_URL). */
  url: string;
  ownerUrl: string;
  drop(): Promise<void>;
}

export async function freshDatabase(purpose: string): Promise<FreshDatabase> {
  const config = loadConfig();
  const name = `${databaseOf(config.DATABASE_URL)}_${uid(purpose)
    .toLowerCase()
    .replace(/[^a-z0-9_]/g, '_')}`;
  const owner = loginOf(config.DATABASE_OWNER_URL).role;
  const ownerUrl = onDatabase(config.DATABASE_OWNER_URL, name);
  await withClient(config.DATABASE_ADMIN_URL, (admin) => ensureDatabase(admin, name, owner));
  const folders = readdirSync(MIGRATIONS, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
  await withClient(ownerUrl, async (client) => {
    for (const folder of folders) await client.query(readFileSync(new URL(`${folder}/migration.sql`, MIGRATIONS), 'utf8'));
    await grantApplicationAccess(client, owner, loginOf(config.DATABASE_URL).role);
  });
  return {
    url: onDatabase(config.DATABASE_URL, name),
    ownerUrl,
    drop: () =>
      withClient(config.DATABASE_ADMIN_URL, (admin) =>
        admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`),
      ).then(() => undefined),
  };
}

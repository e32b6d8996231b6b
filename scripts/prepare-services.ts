// Second half of `scripts/services.sh up`: with the servers reachable, create Amparo's roles and databases
// (dev and test, for Amparo and for each simulator with a database) and wait until the Temporal namespace answers.
// Connects as DATABASE_ADMIN_URL (a superuser): the only process that does. See scripts/database-roles.ts.
import pg from 'pg';
import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common';
import { loadConfig } from '../lib/config';
import { testDatabaseUrl } from '../lib/test-databases';
import {
  databaseOf,
  ensureDatabase,
  ensureLoginRole,
  grantApplicationAccess,
  loginOf,
  onDatabase,
  takeOwnership,
  type Login,
} from './database-roles';

const config = loadConfig();

/** Connects as the administrator to `database`, runs `work`, disconnects. */
async function asAdmin<T>(database: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: onDatabase(config.DATABASE_ADMIN_URL, database) });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * The roles, then each database owned by its role. Databases (and their tables) that an earlier version
 * created as the administrator are handed over to their role, once; a second run changes nothing.
 */
async function prepareDatabases(): Promise<void> {
  const owner = loginOf(config.DATABASE_OWNER_URL);
  const app = loginOf(config.DATABASE_URL);
  const amparo = databaseOf(config.DATABASE_URL);
  if (databaseOf(config.DATABASE_OWNER_URL) !== amparo) {
    throw new Error(
      `DATABASE_OWNER_URL names database ${databaseOf(config.DATABASE_OWNER_URL)}, DATABASE_URL ${amparo}: they must be the same`,
    );
  }
  const withTest = (url: string) => [databaseOf(url), databaseOf(testDatabaseUrl(url))];
  const sims = [config.BANK_SIM_DATABASE_URL, config.SMS_SIM_DATABASE_URL, config.WALLET_SIM_DATABASE_URL].map((url) => ({
    login: loginOf(url),
    databases: withTest(url),
  }));
  const databases: Array<{ name: string; owner: string; app?: string }> = [
    ...withTest(config.DATABASE_URL).map((name) => ({ name, owner: owner.role, app: app.role })),
    ...sims.flatMap((s) => s.databases.map((name) => ({ name, owner: s.login.role }))),
  ];
  const admin = loginOf(config.DATABASE_ADMIN_URL).role;
  await asAdmin(databaseOf(config.DATABASE_ADMIN_URL), async (client) => {
    // Two `services.sh up` at once (two checkouts' test runs) would update the same roles' rows; held until disconnect.
    await client.query(`SELECT pg_advisory_lock(hashtext('amparo_database_roles'))`);
    const logins = new Map<string, Login>([owner, app, ...sims.map((s) => s.login)].map((l) => [l.role, l]));
    for (const login of logins.values()) {
      const outcome = await ensureLoginRole(client, login);
      if (outcome === 'created') console.log(`[services] created role ${login.role}`);
      if (outcome === 'superuser' && login.role !== owner.role) {
        console.warn(`[services] WARNING: ${login.role} is a superuser: what connects as it is not confined (README: database roles)`);
      }
    }
    if (owner.role === app.role)
      console.warn(`[services] WARNING: DATABASE_URL connects as the owner ${owner.role}: it may alter tables and disable triggers`);
    for (const db of databases) {
      if ((await ensureDatabase(client, db.name, db.owner)) === 'created')
        console.log(`[services] created database ${db.name} (owner ${db.owner})`);
    }
  });
  for (const db of databases) {
    await asAdmin(db.name, async (client) => {
      const moved = await takeOwnership(client, db.owner);
      if (moved > 0) console.log(`[services] ${db.name}: handed ${moved} objects created as ${admin} over to ${db.owner}`);
      if (db.app) await grantApplicationAccess(client, db.owner, db.app);
    });
  }
}

async function waitForNamespace(deadlineMs: number): Promise<void> {
  const started = Date.now();
  let lastError: unknown;
  while (Date.now() - started < deadlineMs) {
    try {
      const connection = await Connection.connect({ address: config.TEMPORAL_ADDRESS, connectTimeout: 2000 });
      try {
        await connection.workflowService.describeNamespace({ namespace: config.TEMPORAL_NAMESPACE });
        return;
      } catch (err) {
        if ((err as { code?: number }).code === 5 /* NOT_FOUND */) {
          await connection.workflowService.registerNamespace({
            namespace: config.TEMPORAL_NAMESPACE,
            workflowExecutionRetentionPeriod: msToTs('3 days'),
          });
          console.log(`[services] registered Temporal namespace ${config.TEMPORAL_NAMESPACE}`);
        }
        lastError = err;
      } finally {
        await connection.close();
      }
    } catch (err) {
      lastError = err;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`Temporal namespace ${config.TEMPORAL_NAMESPACE} at ${config.TEMPORAL_ADDRESS} not ready: ${String(lastError)}`);
}

await prepareDatabases();
await waitForNamespace(90_000);
console.log('[services] PostgreSQL roles and databases ready, Temporal namespace ready');

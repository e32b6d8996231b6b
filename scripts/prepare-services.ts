// Second half of `scripts/services.sh up`: with the servers reachable, create Amparo's databases
// (dev and test, for Amparo and for each simulator with a database) and wait until the Temporal namespace answers.
import pg from 'pg';
import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common';
import { loadConfig } from '../lib/config';
import { testDatabaseUrl } from '../lib/test-databases';

const config = loadConfig();

async function ensureDatabase(url: string): Promise<void> {
  const target = new URL(url);
  const name = target.pathname.slice(1);
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) {
      // Identifiers cannot be bound as parameters; the name comes from our own configuration.
      await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
      console.log(`[services] created database ${name}`);
    }
  } finally {
    await client.end();
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

for (const url of [config.DATABASE_URL, config.BANK_SIM_DATABASE_URL, config.SMS_SIM_DATABASE_URL, config.WALLET_SIM_DATABASE_URL]) {
  await ensureDatabase(url);
  await ensureDatabase(testDatabaseUrl(url));
}
await waitForNamespace(90_000);
console.log('[services] PostgreSQL databases ready, Temporal namespace ready');

// Each simulator creates its own tables at start. The DDL runs only when it changed since the last start:
// re-running ALTER TABLE takes an exclusive lock even when there is nothing to do, and that deadlocks with
// another instance of the same simulator (tests run several) that is busy settling on those tables.
import { createHash } from 'node:crypto';
import type { Pool } from 'pg';
import { inTransaction } from './pg-transaction';

export async function migrateSchema(pool: Pool, name: string, ddl: string): Promise<void> {
  const hash = createHash('sha256').update(ddl).digest('hex');
  await inTransaction(pool, async (c) => {
    // Serialises concurrent starts; the version table tells whether this DDL already ran.
    await c.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`amparo_${name}_migrate`]);
    await c.query(
      'CREATE TABLE IF NOT EXISTS simulator_schema (name text PRIMARY KEY, hash text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())',
    );
    const { rows } = await c.query<{ hash: string }>('SELECT hash FROM simulator_schema WHERE name = $1', [name]);
    if (rows[0]?.hash !== hash) {
      await c.query(ddl);
      await c.query(
        'INSERT INTO simulator_schema (name, hash) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET hash = EXCLUDED.hash, applied_at = now()',
        [name, hash],
      );
    }
  });
}

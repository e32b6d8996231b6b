// What every simulator's store has: its own pool, the simulated instance it serves, its tables and
// transactions. Subclasses add the queries of their rail.
import type { Pool, PoolClient } from 'pg';
import { inTransaction } from './pg-transaction';
import { migrateSchema } from './schema-migration';

export interface SimulatorStoreOptions {
  /** Name of this simulated instance: parallel test files share one database, and each sees only its own rows. */
  instanceId?: string;
}

export class SimulatorStore {
  readonly instanceId: string;

  constructor(
    readonly pool: Pool,
    private readonly schema: { name: string; ddl: string },
    options: SimulatorStoreOptions = {},
  ) {
    this.instanceId = options.instanceId ?? 'default';
  }

  /** Creates or updates the simulator's tables (shared/schema-migration.ts). */
  migrate(): Promise<void> {
    return migrateSchema(this.pool, this.schema.name, this.schema.ddl);
  }

  tx<T>(work: (c: PoolClient) => Promise<T>): Promise<T> {
    return inTransaction(this.pool, work);
  }
}

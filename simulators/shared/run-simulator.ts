// Start-up and graceful shutdown of a simulator process: its own pool on its own database, its tables,
// its HTTP server on 127.0.0.1 and its back office if it has one; SIGTERM / SIGINT close them in order.
import pg from 'pg';
import type { FastifyInstance } from 'fastify';
import type { Logger } from '../../lib/logger';

export interface SimulatorParts {
  app: FastifyInstance;
  processor?: { start(): void; stop(): Promise<void> };
  /** Added to the "listening" log line: settings, never personal data. */
  listening?: Record<string, unknown>;
}

export interface SimulatorProcess {
  /** "bank" logs "bank simulator listening", "bank simulator stopping". */
  name: string;
  log: Logger;
  databaseUrl: string;
  port: number;
}

/** Opens the store on the pool and migrates it, then serves what `assemble` builds on it. */
export async function runSimulator<S extends { migrate(): Promise<void> }>(
  sim: SimulatorProcess,
  openStore: (pool: pg.Pool) => S,
  assemble: (store: S) => SimulatorParts,
): Promise<void> {
  const { name, log, port } = sim;
  const pool = new pg.Pool({ connectionString: sim.databaseUrl });
  pool.on('error', (err) => log.error('idle database connection failed', { error: err.message }));
  const store = openStore(pool);
  await store.migrate();
  const { app, processor, listening } = assemble(store);
  processor?.start();
  await app.listen({ host: '127.0.0.1', port });
  log.info(`${name} simulator listening`, { port, ...listening });

  let stopping = false;
  async function shutdown(signal: string): Promise<void> {
    if (stopping) return;
    stopping = true;
    log.info(`${name} simulator stopping`, { signal });
    try {
      await app.close(); // stop taking requests first; what was received is processed after a restart
      await processor?.stop();
      await pool.end();
      process.exit(0);
    } catch (err) {
      log.error('unclean shutdown', { error: err instanceof Error ? err.message : String(err) });
      process.exit(1);
    }
  }
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

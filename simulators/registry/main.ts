// Registry simulator entry point: generate the synthetic population, serve it on 127.0.0.1.
import { z } from 'zod';
import { loadConfig } from '../../lib/config';
import { createLogger } from '../../lib/logger';
import { DEFAULT_DIRTY_SHARE, generatePopulation } from './population';
import { buildRegistryServer } from './server';

// Simulator-only settings, so they live here rather than in lib/config.ts.
const SimEnv = z.object({
  // A million persons take about 450 MB of heap; several million may need a larger --max-old-space-size.
  REGISTRY_POPULATION: z.coerce.number().int().min(1).max(5_000_000).default(1000),
  REGISTRY_SEED: z.coerce.number().int().min(0).max(0xffff_ffff).default(42),
  REGISTRY_COUNTRY: z.enum(['BR', 'AR']).default('BR'),
  // Share of persons whose registry record is dirty (typo, surnames first, no accents, registered twice).
  REGISTRY_DIRTY_SHARE: z.coerce.number().min(0).max(1).default(DEFAULT_DIRTY_SHARE),
});

const log = createLogger('registry-sim');

async function main(): Promise<void> {
  const { REGISTRY_SIM_PORT: port } = loadConfig();
  const parsed = SimEnv.safeParse(process.env);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((i) => `${i.path.map(String).join('.')}: ${i.message}`).join('; ');
    throw new Error(`Invalid configuration: ${fields}`);
  }
  const { REGISTRY_POPULATION: size, REGISTRY_SEED: seed, REGISTRY_COUNTRY: country, REGISTRY_DIRTY_SHARE: dirtyShare } = parsed.data;

  const started = performance.now();
  const population = generatePopulation({ seed, size, country, dirtyShare });
  const generationMs = Math.round(performance.now() - started);

  const app = buildRegistryServer(population);
  await app.listen({ host: '127.0.0.1', port });
  log.info('registry simulator listening', {
    url: `http://127.0.0.1:${port}`,
    country,
    seed,
    dirtyShare,
    persons: population.persons.length,
    dirtyRecords: population.truth.size,
    households: population.households.length,
    generationMs,
    heapUsedMb: Math.round(process.memoryUsage().heapUsed / 1_048_576),
  });

  let closing = false;
  const shutdown = (signal: NodeJS.Signals): void => {
    if (closing) return;
    closing = true;
    log.info('registry simulator stopping', { signal });
    app.close().then(
      () => log.info('registry simulator stopped'),
      (err: unknown) => {
        log.error('registry simulator failed to close', { error: err instanceof Error ? err.message : String(err) });
        process.exitCode = 1;
      },
    );
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

main().catch((err: unknown) => {
  log.error('registry simulator failed to start', { error: err instanceof Error ? err.message : String(err) });
  process.exit(1);
});

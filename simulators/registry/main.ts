// Registry simulator entry point: generate the synthetic population, serve it on 127.0.0.1.
import { loadConfig } from '../../lib/config';
import { createLogger } from '../../lib/logger';
import { populationOptionsFromEnv } from '../shared/population-env';
import { generatePopulation } from './population';
import { buildRegistryServer } from './server';

const log = createLogger('registry-sim');

async function main(): Promise<void> {
  const { REGISTRY_SIM_PORT: port } = loadConfig();
  // Simulator-only settings, so they live beside the simulators rather than in lib/config.ts.
  const { size, seed, country, dirtyShare } = populationOptionsFromEnv(process.env);

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

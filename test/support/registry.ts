// The registry simulator in-process, listening on a free port, over a small seeded population.
import { generatePopulation, type Population } from '../../simulators/registry/population';
import { buildRegistryServer } from '../../simulators/registry/server';

export async function startRegistry(
  size = 300,
  seed = 7,
  dirtyShare = 0,
): Promise<{ url: string; population: Population; requests: Map<string, number>; close(): Promise<void> }> {
  const population = generatePopulation({ seed, size, country: 'BR', dirtyShare });
  // Requests served, by route pattern (the access log's own line): tests count how the rail asks.
  const requests = new Map<string, number>();
  const count = (msg: string, fields?: Record<string, unknown>) => {
    if (msg === 'request') requests.set(String(fields?.route), (requests.get(String(fields?.route)) ?? 0) + 1);
  };
  const logger = { debug: count, info: count, warn: count, error: count };
  const app = buildRegistryServer(population, { logger });
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  return { url: address, population, requests, close: () => app.close() };
}

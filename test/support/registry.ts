// The registry simulator in-process, listening on a free port, over a small seeded population.
import { generatePopulation, type Population } from '../../simulators/registry/population';
import { buildRegistryServer } from '../../simulators/registry/server';

export async function startRegistry(
  size = 300,
  seed = 7,
  dirtyShare = 0,
): Promise<{ url: string; population: Population; close(): Promise<void> }> {
  const population = generatePopulation({ seed, size, country: 'BR', dirtyShare });
  const app = buildRegistryServer(population);
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  return { url: address, population, close: () => app.close() };
}

// Which synthetic population the simulators share: the registry serves it, and the bank (and later the
// wallet) derive their account holders from it (account-holders.ts). One schema, so the same environment
// gives every simulator the same people; its defaults are the registry's.
import { z } from 'zod';
import { DEFAULT_DIRTY_SHARE, type PopulationOptions } from '../registry/population';

export const PopulationEnvSchema = z.object({
  // A million persons take about 450 MB of heap; several million may need a larger --max-old-space-size.
  REGISTRY_POPULATION: z.coerce.number().int().min(1).max(5_000_000).default(1000),
  REGISTRY_SEED: z.coerce.number().int().min(0).max(0xffff_ffff).default(42),
  REGISTRY_COUNTRY: z.enum(['BR', 'AR']).default('BR'),
  // Share of persons whose registry record is dirty (typo, surnames first, no accents, registered twice).
  REGISTRY_DIRTY_SHARE: z.coerce.number().min(0).max(1).default(DEFAULT_DIRTY_SHARE),
});

/** The population's options from the environment; throws naming every wrong variable (a bad setting stops the start). */
export function populationOptionsFromEnv(env: NodeJS.ProcessEnv): Required<PopulationOptions> {
  const parsed = PopulationEnvSchema.safeParse(env);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((i) => `${i.path.map(String).join('.')}: ${i.message}`).join('; ');
    throw new Error(`Invalid configuration: ${fields}`);
  }
  const { REGISTRY_POPULATION: size, REGISTRY_SEED: seed, REGISTRY_COUNTRY: country, REGISTRY_DIRTY_SHARE: dirtyShare } = parsed.data;
  return { size, seed, country, dirtyShare };
}

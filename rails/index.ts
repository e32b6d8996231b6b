// Every rail Amparo pays through, registered here once: a rail is a folder (rails/<name>/) and a line in
// this list. Callers ask the registry, by the account's rail or by the provider a batch was recorded under.
import { bankRail } from './bank';
import type { RailId, RailPlugin } from './rail';
import { walletRail } from './wallet';

export const RAILS: readonly RailPlugin[] = [bankRail, walletRail];

/** The rail that pays accounts of this kind. */
export function railFor(rail: RailId): RailPlugin {
  const found = RAILS.find((r) => r.rail === rail);
  if (!found) throw new Error(`no rail is registered for ${rail} accounts`);
  return found;
}

/** The rail a batch, event or statement line was recorded under, if it is one of ours. */
export const railByProvider = (provider: string): RailPlugin | undefined => RAILS.find((r) => r.provider === provider);

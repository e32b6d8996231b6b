// Who holds which wallet at the provider, by MSISDN: the registry population's account holders
// (simulators/shared/account-holders.ts), so a look-up agrees with the registry person by person.
// Built on the first look-up, not at start: a million persons take seconds to generate, and most runs
// never ask. Tests inject their own holders.
import type { Logger } from '../../lib/logger';
import { generatePopulation, type PopulationOptions } from '../registry/population';
import { accountHolders, type AccountHolder } from '../shared/account-holders';

export type WalletHolders = ReadonlyMap<string, AccountHolder>;

export class WalletAccounts {
  private holders: WalletHolders | null = null;

  /** `source` is the holders themselves, or what builds them when first needed. */
  constructor(private readonly source: WalletHolders | (() => WalletHolders)) {}

  /** The wallets of the population the registry simulator generates with these options. */
  static fromPopulation(options: PopulationOptions, log?: Logger): WalletAccounts {
    return new WalletAccounts(() => {
      const started = performance.now();
      const population = generatePopulation(options);
      const holders = accountHolders(population, 'wallet');
      // Counts only: the map holds phone numbers and names. The population itself is dropped here.
      log?.info('wallet account holders generated', {
        persons: population.persons.length,
        wallets: holders.size,
        generationMs: Math.round(performance.now() - started),
      });
      return holders;
    });
  }

  /** The holder of a wallet, or undefined when the provider has no such wallet. */
  holder(msisdn: string): AccountHolder | undefined {
    this.holders ??= typeof this.source === 'function' ? this.source() : this.source;
    return this.holders.get(msisdn);
  }
}

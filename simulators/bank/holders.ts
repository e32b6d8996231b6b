// Who holds the bank's accounts: derived from the same synthetic population the registry serves (same
// REGISTRY_* settings, shared/population-env.ts), so an applicant's account number, the registry's person
// and the bank's holder agree (shared/account-holders.ts). Generated on first use, not at start: a
// million persons take about 9 s (during which the process answers nothing else), and a bank that is
// never asked about holders (every payment without a creditor identity) never pays for them.
import type { Logger } from '../../lib/logger';
import { accountHolders, type AccountHolder } from '../shared/account-holders';
import { populationOptionsFromEnv } from '../shared/population-env';
import { generatePopulation } from '../registry/population';

export type HolderMap = ReadonlyMap<string, AccountHolder>;

/** The bank's holders by account number, loaded once on first use (a failed load is tried again next time). */
export class AccountHolderBook {
  private loading: Promise<HolderMap> | null = null;

  constructor(private readonly load: () => HolderMap) {}

  /** Holders given outright (tests). */
  static of(holders: HolderMap): AccountHolderBook {
    return new AccountHolderBook(() => holders);
  }

  /**
   * From the environment's population. The settings are read now, so a wrong one stops the start; the
   * population is generated at the first get(), and only the holders are kept (the persons are dropped).
   */
  static fromEnv(env: NodeJS.ProcessEnv, log?: Logger): AccountHolderBook {
    const options = populationOptionsFromEnv(env);
    return new AccountHolderBook(() => {
      const started = performance.now();
      const holders = accountHolders(generatePopulation(options), 'bank');
      log?.info('account holders generated', { accounts: holders.size, ms: Math.round(performance.now() - started) });
      return holders;
    });
  }

  get(): Promise<HolderMap> {
    this.loading ??= Promise.resolve()
      .then(this.load)
      .catch((err: unknown) => {
        this.loading = null;
        throw err;
      });
    return this.loading;
  }
}

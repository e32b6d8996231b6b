// All activities, built from their dependencies (the samples' createActivities(deps) pattern).
// Workflows import only the type of this factory and call activities through proxyActivities.
import type { Queue } from 'bullmq';
import type { Config } from '../lib/config';
import type { Db } from '../lib/db';
import type { NotificationJob } from '../lib/queues';
import { createAccountCheckActivities } from './account-checks';
import { createApplicationActivities } from './application';
import { RAILS, railByProvider } from '../rails';
import type { FullRailClient, RailId } from '../rails/rail';
import { createRegistryClient } from './clients/registry-client';
import { createCycleActivities } from './cycle';
import { createDecisionBatchActivities } from './decision-batch';
import { createDisbursementActivities } from './disbursement';
import { createNotificationActivities } from './notification';
import { createPrePaymentCheckActivities } from './pre-payment-check';
import { createRailReportActivities } from './rail-reports';
import { createReconciliationActivities } from './reconciliation';
import { createRetentionActivities } from './retention';
import { createReviewActivities } from './review';
import { createStatementActivities } from './statements';

export interface ActivityDeps {
  db: Db;
  config: Pick<Config, 'REGISTRY_SIM_URL' | 'BANK_SIM_URL' | 'WALLET_SIM_URL' | 'PUBLIC_URL' | 'PII_MASTER_KEYS' | 'PII_HASH_KEYS'> &
    Partial<Pick<Config, 'RAIL_TIMEOUT_MS' | 'PRE_PAYMENT_ACCOUNT_CHECK'>>;
  /** Where applicant notifications are queued for the SMS gateway. */
  notifications: Queue<NotificationJob>;
  /** Today's date (YYYY-MM-DD) for age rules; injectable so tests can pin it. */
  today?: () => string;
}

export function createActivities(deps: ActivityDeps) {
  const registry = createRegistryClient(deps.config.REGISTRY_SIM_URL);
  // Every registered rail's client, by the provider its batches are recorded under.
  const rails = Object.fromEntries(RAILS.map((r) => [r.provider, r.client(deps.config)]));
  // The same clients by the kind of account they pay, for account checks.
  const byRail = Object.fromEntries(RAILS.map((r) => [r.rail, rails[r.provider]!])) as Record<RailId, FullRailClient>;
  const today = deps.today ?? (() => new Date().toISOString().slice(0, 10));
  const statusUrl = `${deps.config.PUBLIC_URL}/status`;
  return {
    ...createDecisionBatchActivities({ db: deps.db, config: deps.config, registry, notifications: deps.notifications, today, statusUrl }),
    ...createApplicationActivities({ db: deps.db, config: deps.config, today }),
    ...createAccountCheckActivities({ db: deps.db, config: deps.config, verifiers: byRail, today }),
    ...createReviewActivities({ db: deps.db, config: deps.config }),
    ...createNotificationActivities({ db: deps.db, config: deps.config, notifications: deps.notifications, statusUrl }),
    ...createCycleActivities({ db: deps.db }),
    ...createDisbursementActivities({
      db: deps.db,
      config: deps.config,
      rails,
      // Where a rail sends its notifications (they only make the batch workflow pull the rail's report).
      callbackUrl: (provider) => `${deps.config.PUBLIC_URL}/callbacks/${railByProvider(provider)?.callbackPath ?? provider}`,
    }),
    ...createPrePaymentCheckActivities({
      db: deps.db,
      config: deps.config,
      rails,
      enabled: deps.config.PRE_PAYMENT_ACCOUNT_CHECK !== 'off',
    }),
    ...createStatementActivities({ db: deps.db, rails }),
    ...createRailReportActivities({ db: deps.db, rails }),
    ...createReconciliationActivities({ db: deps.db }),
    ...createRetentionActivities({ db: deps.db }),
  };
}

export type Activities = ReturnType<typeof createActivities>;

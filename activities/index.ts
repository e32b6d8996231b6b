// All activities, built from their dependencies (the samples' createActivities(deps) pattern).
// Workflows import only the type of this factory and call activities through proxyActivities.
import type { Queue } from 'bullmq';
import type { Config } from '../lib/config';
import type { Db } from '../lib/db';
import type { NotificationJob } from '../workers/queues';
import { createApplicationActivities } from './application';
import { createBankClient } from './clients/bank-client';
import { createRegistryClient } from './clients/registry-client';
import { createCycleActivities } from './cycle';
import { createDisbursementActivities } from './disbursement';
import { createNotificationActivities } from './notification';
import { createReconciliationActivities } from './reconciliation';
import { createReviewActivities } from './review';

export interface ActivityDeps {
  db: Db;
  config: Pick<Config, 'REGISTRY_SIM_URL' | 'BANK_SIM_URL' | 'PUBLIC_URL'>;
  /** Where applicant notifications are queued for the SMS gateway. */
  notifications: Queue<NotificationJob>;
  /** Today's date (YYYY-MM-DD) for age rules; injectable so tests can pin it. */
  today?: () => string;
}

export function createActivities(deps: ActivityDeps) {
  const registry = createRegistryClient(deps.config.REGISTRY_SIM_URL);
  const bank = createBankClient(deps.config.BANK_SIM_URL);
  const today = deps.today ?? (() => new Date().toISOString().slice(0, 10));
  return {
    ...createApplicationActivities({ db: deps.db, registry, today }),
    ...createReviewActivities({ db: deps.db }),
    ...createNotificationActivities({ db: deps.db, notifications: deps.notifications, statusUrl: `${deps.config.PUBLIC_URL}/status` }),
    ...createCycleActivities({ db: deps.db }),
    ...createDisbursementActivities({ db: deps.db, bank, callbackUrl: `${deps.config.PUBLIC_URL}/callbacks/bank` }),
    ...createReconciliationActivities({ db: deps.db, bank }),
  };
}

export type Activities = ReturnType<typeof createActivities>;

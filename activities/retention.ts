// Activities of the RetentionWorkflow: one batch of the daily erasure (lib/erasure.ts). A batch is one
// transaction and touches only applications not erased yet, so a retried attempt erases what is left.
import type { Db } from '../lib/db';
import { eraseExpired } from '../lib/erasure';

export function createRetentionActivities(deps: { db: Db }) {
  return {
    /** Erases up to `limit` applications past their program's retention; fewer than `limit`: none is left. */
    async eraseExpiredPersonalData(limit: number): Promise<number> {
      return eraseExpired(deps.db, { limit });
    },
  };
}

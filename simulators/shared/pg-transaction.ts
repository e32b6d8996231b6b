// One PostgreSQL transaction on a pooled connection: committed when `work` resolves, rolled back
// when it throws (the error is rethrown), and the connection always goes back to the pool.
import type { Pool, PoolClient } from 'pg';

export async function inTransaction<T>(pool: Pool, work: (c: PoolClient) => Promise<T>): Promise<T> {
  const c = await pool.connect();
  try {
    await c.query('BEGIN');
    const result = await work(c);
    await c.query('COMMIT');
    return result;
  } catch (err) {
    // A failed ROLLBACK (connection gone) must not hide the error that caused it.
    await c.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    c.release();
  }
}

/**
 * A read-only REPEATABLE READ transaction: every query of `work` sees one snapshot, so a statement page's
 * entries and its balances or totals agree with each other even while bookings go on.
 */
export function inSnapshot<T>(pool: Pool, work: (c: PoolClient) => Promise<T>): Promise<T> {
  return inTransaction(pool, async (c) => {
    await c.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
    return work(c);
  });
}

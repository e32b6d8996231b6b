// For the cycle benchmark: breaks at scale. Reverses `count` paid bank credits at the bank simulator (as a
// bank returns a payment after it was made), then reconciles the cycle again and reports what it found.
import pg from 'pg';
import type { Client } from '@temporalio/client';
import type { ReconciliationSummary } from '../activities/reconciliation';
import { reconciliationWorkflowId } from '../workflows/ids';
import type { ReconciliationWorkflow } from '../workflows/reconciliation';

export async function reverseAndReconcile(opts: {
  client: Client;
  taskQueue: string;
  databaseUrl: string;
  bankUrl: string;
  cycleId: string;
  count: number;
}): Promise<{ seconds: number; summary: ReconciliationSummary | null }> {
  const db = new pg.Client({ connectionString: opts.databaseUrl });
  await db.connect();
  try {
    const { rows } = await db.query<{ payment_key: string }>(
      `SELECT pi.payment_key FROM payment_instruction pi JOIN payment_batch pb ON pb.id = pi.batch_id
        WHERE pb.cycle_id = $1 AND pb.provider = 'bank-sim' AND pi.status = 'PAID' ORDER BY pi.payment_key LIMIT $2`,
      [opts.cycleId, opts.count],
    );
    for (const { payment_key: endToEndId } of rows) {
      const res = await fetch(`${opts.bankUrl}/v1/admin/reversals`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ endToEndId }),
      });
      if (res.status !== 201 && res.status !== 200) throw new Error(`bank refused a reversal: HTTP ${res.status}`);
    }
  } finally {
    await db.end();
  }
  const start = performance.now();
  const summary = await opts.client.workflow.execute<typeof ReconciliationWorkflow>('ReconciliationWorkflow', {
    workflowId: reconciliationWorkflowId(opts.cycleId, 'bench-reversals'),
    taskQueue: opts.taskQueue,
    args: [{ cycleId: opts.cycleId, trigger: 'statement' }],
  });
  return { seconds: (performance.now() - start) / 1000, summary };
}

// The wallet provider's persistent state in PostgreSQL: batches, transactions, ledger and notification
// outbox. Amounts stay decimal strings end to end (numeric(18,2) in SQL), always beside their currency.
import type { Pool, PoolClient } from 'pg';
import type { BatchRequest, BatchStatus, Completion, LedgerSummary, ReceiveResult, Rejection, RejectionReason, RequestState, WalletBatch } from './messages';
import { settlement, summary, transaction, type SettlementResult, type WalletTransactionView } from './reports';
import { claimNotifications, markDelivered, markFailed, type Notification } from './outbox';
import { receiveBatch } from './receive';
import { WALLET_SCHEMA } from './schema';
import { settleBatch, type SettleOutcome, type SettleRules } from './settle';
import { migrateSchema } from '../shared/schema-migration';

interface BatchRow {
  batch_id: string;
  server_correlation_id: string;
  batch_title: string;
  batch_description: string | null;
  scheduled_start_date: string | null;
  status: BatchStatus;
  parsing_success_count: number;
  created_at: Date;
  approved_at: Date | null;
  completed_at: Date | null;
  completed: string;
  rejected: string;
}

const BATCH_SELECT = `
  SELECT b.*, (SELECT count(*) FROM wallet_txn t WHERE t.batch_id = b.batch_id AND t.status = 'completed') AS completed,
              (SELECT count(*) FROM wallet_txn t WHERE t.batch_id = b.batch_id AND t.status = 'rejected') AS rejected
    FROM wallet_batch b`;

const requestState = (b: BatchRow): RequestState => ({
  serverCorrelationId: b.server_correlation_id,
  // Failed: nothing of the request could be accepted; completed: the batch is fully processed.
  status: b.parsing_success_count === 0 ? 'failed' : b.status === 'completed' ? 'completed' : 'pending',
  objectReference: b.batch_id,
});

export class WalletStore {
  readonly instanceId: string;

  constructor(
    readonly pool: Pool,
    options: { instanceId?: string } = {},
  ) {
    this.instanceId = options.instanceId ?? 'default';
  }

  /** Creates the wallet_ tables; an advisory lock keeps concurrent starts from racing on the DDL. */
  async migrate(): Promise<void> {
    await migrateSchema(this.pool, 'wallet', WALLET_SCHEMA);
  }

  async tx<T>(work: (c: PoolClient) => Promise<T>): Promise<T> {
    const c = await this.pool.connect();
    try {
      await c.query('BEGIN');
      const result = await work(c);
      await c.query('COMMIT');
      return result;
    } catch (err) {
      await c.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      c.release();
    }
  }

  receive(req: BatchRequest, refused: (reference: string) => boolean): Promise<ReceiveResult> {
    return this.tx((c) => receiveBatch(c, this.instanceId, req, refused));
  }

  async dueBatches(olderThanMs: number, limit: number): Promise<string[]> {
    const { rows } = await this.pool.query<{ batch_id: string }>(
      `SELECT batch_id FROM wallet_batch
        WHERE instance_id = $1 AND status <> 'completed' AND created_at <= now() - make_interval(secs => $2::double precision / 1000)
        ORDER BY created_at LIMIT $3`,
      [this.instanceId, olderThanMs, limit],
    );
    return rows.map((r) => r.batch_id);
  }

  settle(batchId: string, rules: SettleRules): Promise<SettleOutcome> {
    return this.tx((c) => settleBatch(c, batchId, rules));
  }

  private async batchRow(where: 'batch_id' | 'server_correlation_id' | 'correlation_id', value: string): Promise<BatchRow | null> {
    const { rows } = await this.pool.query<BatchRow>(`${BATCH_SELECT} WHERE b.instance_id = $1 AND b.${where} = $2`, [this.instanceId, value]);
    return rows[0] ?? null;
  }

  async requestState(serverCorrelationId: string): Promise<RequestState | null> {
    const b = await this.batchRow('server_correlation_id', serverCorrelationId);
    return b && requestState(b);
  }

  /** "Did you get batch X?": the request state of the batch sent under this X-CorrelationID. */
  async requestStateByCorrelationId(correlationId: string): Promise<RequestState | null> {
    const b = await this.batchRow('correlation_id', correlationId);
    return b && requestState(b);
  }

  async batch(batchId: string): Promise<WalletBatch | null> {
    const b = await this.batchRow('batch_id', batchId);
    if (!b) return null;
    return {
      batchId: b.batch_id,
      batchTitle: b.batch_title,
      ...(b.batch_description === null ? {} : { batchDescription: b.batch_description }),
      ...(b.scheduled_start_date === null ? {} : { scheduledStartDate: b.scheduled_start_date }),
      batchStatus: b.status,
      creationDate: b.created_at.toISOString(),
      ...(b.approved_at ? { approvalDate: b.approved_at.toISOString() } : {}),
      ...(b.completed_at ? { completionDate: b.completed_at.toISOString() } : {}),
      processingFlag: b.status === 'approved',
      completedCount: Number(b.completed),
      rejectionCount: Number(b.rejected),
      parsingSuccessCount: b.parsing_success_count,
    };
  }

  /** Completed transactions of a batch, a resend reporting its original's transaction; null if no such batch. */
  async completions(batchId: string): Promise<Completion[] | null> {
    if (!(await this.batchRow('batch_id', batchId))) return null;
    const { rows } = await this.pool.query<{ transaction_reference: string; reference: string; amount: string; currency: string; completed_at: Date }>(
      `SELECT transaction_reference, reference, amount, currency, completed_at FROM wallet_txn
        WHERE batch_id = $1 AND status = 'completed' ORDER BY position`,
      [batchId],
    );
    return rows.map((r) => ({
      transactionReference: r.transaction_reference,
      requestingOrganisationTransactionReference: r.reference,
      amount: r.amount,
      currency: r.currency,
      completionDate: r.completed_at.toISOString(),
      link: `/v1/transactions/${r.transaction_reference}`,
    }));
  }

  async rejections(batchId: string): Promise<Rejection[] | null> {
    if (!(await this.batchRow('batch_id', batchId))) return null;
    const { rows } = await this.pool.query<{ reference: string; amount: string; currency: string; rejection_reason: RejectionReason; rejected_at: Date }>(
      `SELECT reference, amount, currency, rejection_reason, rejected_at FROM wallet_txn
        WHERE batch_id = $1 AND status = 'rejected' ORDER BY position`,
      [batchId],
    );
    return rows.map((r) => ({
      requestingOrganisationTransactionReference: r.reference,
      amount: r.amount,
      currency: r.currency,
      rejectionReason: r.rejection_reason,
      rejectionDate: r.rejected_at.toISOString(),
    }));
  }

  transaction(transactionReference: string): Promise<WalletTransactionView | null> {
    return transaction(this.pool, this.instanceId, transactionReference);
  }

  settlement(account: string, date: string, currency: string | undefined): Promise<SettlementResult> {
    return settlement(this.pool, this.instanceId, account, date, currency);
  }

  summary(account: string): Promise<LedgerSummary> {
    return summary(this.pool, this.instanceId, account);
  }

  claimNotifications(limit: number, leaseMs: number): Promise<Notification[]> {
    return claimNotifications(this.pool, this.instanceId, limit, leaseMs);
  }

  notificationDelivered(id: string): Promise<void> {
    return markDelivered(this.pool, id);
  }

  notificationFailed(id: string, error: string, retryInMs: number | null): Promise<void> {
    return markFailed(this.pool, id, error, retryInMs);
  }
}

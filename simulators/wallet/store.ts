// The wallet provider's persistent state in PostgreSQL: batches, transactions, ledger and notification
// outbox. Amounts stay decimal strings end to end (numeric(18,2) in SQL), always beside their currency.
import type { Pool } from 'pg';
import type {
  BatchRequest,
  BatchStatus,
  Completion,
  LedgerSummary,
  ReceiveResult,
  Rejection,
  RejectionReason,
  RequestState,
  WalletBatch,
} from './messages';
import { summary, transaction, type WalletTransactionView } from './reports';
import { reverseTransfer, type WalletReversalResult } from './reversal';
import { settlement, type SettlementResult } from './settlement';
import { notificationOutbox, type Notification } from './outbox';
import { receiveBatch, type RecipientJudge } from './receive';
import { WALLET_SCHEMA } from './schema';
import { settleBatch, type SettleOutcome, type SettleRules } from './settle';
import type { Outbox } from '../shared/outbox-table';
import { inSnapshot } from '../shared/pg-transaction';
import { SimulatorStore, type SimulatorStoreOptions } from '../shared/simulator-store';

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

/** A completed or rejected transaction; the columns of the other outcome are null and never read. */
interface FinalTxnRow {
  transaction_reference: string;
  reference: string;
  amount: string;
  currency: string;
  rejection_reason: RejectionReason;
  completed_at: Date;
  rejected_at: Date;
}

/** What completions and rejections both report of a transaction. */
const payment = (r: FinalTxnRow) => ({ requestingOrganisationTransactionReference: r.reference, amount: r.amount, currency: r.currency });

const requestState = (b: BatchRow): RequestState => ({
  serverCorrelationId: b.server_correlation_id,
  // Failed: nothing of the request could be accepted; completed: the batch is fully processed.
  status: b.parsing_success_count === 0 ? 'failed' : b.status === 'completed' ? 'completed' : 'pending',
  objectReference: b.batch_id,
});

/** The wallet_ tables; every query is scoped to this store's instance. */
export class WalletStore extends SimulatorStore {
  /** Batch notifications to deliver (WalletProcessor). */
  readonly outbox: Outbox<Notification>;

  constructor(pool: Pool, options: SimulatorStoreOptions = {}) {
    super(pool, { name: 'wallet', ddl: WALLET_SCHEMA }, options);
    this.outbox = notificationOutbox(pool, this.instanceId);
  }

  receive(req: BatchRequest, refused: (reference: string) => boolean, judge?: RecipientJudge): Promise<ReceiveResult> {
    return this.tx((c) => receiveBatch(c, this.instanceId, req, refused, judge));
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
    const { rows } = await this.pool.query<BatchRow>(`${BATCH_SELECT} WHERE b.instance_id = $1 AND b.${where} = $2`, [
      this.instanceId,
      value,
    ]);
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

  /** Transactions of a batch in one final status, in request order; null if no such batch. */
  private async finalTxns(batchId: string, status: 'completed' | 'rejected'): Promise<FinalTxnRow[] | null> {
    if (!(await this.batchRow('batch_id', batchId))) return null;
    const { rows } = await this.pool.query<FinalTxnRow>(
      `SELECT transaction_reference, reference, amount, currency, rejection_reason, completed_at, rejected_at FROM wallet_txn
        WHERE batch_id = $1 AND status = $2 ORDER BY position`,
      [batchId, status],
    );
    return rows;
  }

  /** Completed transactions of a batch, a resend reporting its original's transaction; null if no such batch. */
  async completions(batchId: string): Promise<Completion[] | null> {
    const rows = await this.finalTxns(batchId, 'completed');
    return (
      rows &&
      rows.map((r) => ({
        transactionReference: r.transaction_reference,
        ...payment(r),
        completionDate: r.completed_at.toISOString(),
        link: `/v1/transactions/${r.transaction_reference}`,
      }))
    );
  }

  async rejections(batchId: string): Promise<Rejection[] | null> {
    const rows = await this.finalTxns(batchId, 'rejected');
    return rows && rows.map((r) => ({ ...payment(r), rejectionReason: r.rejection_reason, rejectionDate: r.rejected_at.toISOString() }));
  }

  transaction(transactionReference: string): Promise<WalletTransactionView | null> {
    return transaction(this.pool, this.instanceId, transactionReference);
  }

  settlement(account: string, date: string, currency: string | undefined, page = 1): Promise<SettlementResult> {
    return inSnapshot(this.pool, (c) => settlement(c, this.instanceId, account, date, currency, page));
  }

  /** Takes a completed transfer back to its debit account, once (a repeat answers the first reversal). */
  reverse(reference: string): Promise<WalletReversalResult> {
    return this.tx((c) => reverseTransfer(c, this.instanceId, reference));
  }

  summary(account: string): Promise<LedgerSummary> {
    return summary(this.pool, this.instanceId, account);
  }
}

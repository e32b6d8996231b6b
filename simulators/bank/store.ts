// The bank's persistent state in PostgreSQL: messages, items, ledger and callback outbox.
// Amounts stay decimal strings end to end (numeric(18,2) in SQL), always beside their currency.
import type { Pool, PoolClient } from 'pg';
import type { Camt053 } from '../../lib/iso20022/camt053';
import type { FaultInjector } from './faults';
import type { CreditTransferRequest, ItemLookup, LedgerSummary, ReceiveResult, Statement, StatusReport } from './messages';
import { claimCallbacks, markDelivered, markFailed, type Callback } from './outbox';
import { receiveMessage } from './receive';
import { ITEM_SELECT, itemReport, loadReport, pain002Xml, type ItemRow } from './reports';
import { BANK_SCHEMA } from './schema';
import { settleMessage, type SettleOutcome } from './settle';
import { dailyStatement } from './statement';
import { migrateSchema } from '../shared/schema-migration';

export interface BankStoreOptions {
  /** Name of this simulated bank; processors settle only messages received by their instance. */
  instanceId?: string;
}

export class BankStore {
  readonly instanceId: string;

  constructor(
    readonly pool: Pool,
    options: BankStoreOptions = {},
  ) {
    this.instanceId = options.instanceId ?? 'default';
  }

  /** Creates or updates the bank_ tables (simulators/shared/schema-migration.ts). */
  async migrate(): Promise<void> {
    await migrateSchema(this.pool, 'bank', BANK_SCHEMA);
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

  /** Persists a new message and its items in one transaction, or answers a resend. */
  receive(req: CreditTransferRequest, faults: FaultInjector): Promise<ReceiveResult> {
    return this.tx((c) => receiveMessage(c, this.instanceId, req, faults));
  }

  async dueMessages(olderThanMs: number, limit: number): Promise<string[]> {
    const { rows } = await this.pool.query<{ message_id: string }>(
      `SELECT message_id FROM bank_message
        WHERE instance_id = $1 AND status = 'RCVD' AND received_at <= now() - make_interval(secs => $2::double precision / 1000)
        ORDER BY received_at LIMIT $3`,
      [this.instanceId, olderThanMs, limit],
    );
    return rows.map((r) => r.message_id);
  }

  settle(messageId: string, faults: FaultInjector): Promise<SettleOutcome> {
    return this.tx((c) => settleMessage(c, messageId, faults));
  }

  report(messageId: string): Promise<StatusReport | null> {
    return loadReport(this.pool, messageId);
  }

  /** The current pain.002 of a message (every item with its TxSts), or null if never received. */
  async pain002(messageId: string): Promise<string | null> {
    const report = await loadReport(this.pool, messageId);
    return report && pain002Xml(report, 'status');
  }

  /** The original item with this endToEndId: "did you pay this?". */
  async item(endToEndId: string): Promise<ItemLookup | null> {
    const { rows } = await this.pool.query<ItemRow>(`${ITEM_SELECT} WHERE i.end_to_end_id = $1 AND i.is_original`, [endToEndId]);
    const row = rows[0];
    return row ? { messageId: row.message_id, ...itemReport(row) } : null;
  }

  camt053(account: string, date: string): Promise<Camt053> {
    return dailyStatement(this.pool, account, date);
  }

  /** JSON debits of an account in booking order; the cursor is the last seq seen (opaque to clients). */
  async statement(debtorAccount: string, after: string | undefined, limit: number): Promise<Statement> {
    const { rows } = await this.pool.query<{
      seq: string;
      entry_ref: string;
      end_to_end_id: string;
      message_id: string;
      amount: string;
      currency: string;
      creditor_bank_code: string;
      creditor_account: string;
      booked_at: Date;
    }>(
      `SELECT seq, entry_ref, end_to_end_id, message_id, amount, currency, creditor_bank_code, creditor_account, booked_at
         FROM bank_ledger_entry WHERE debtor_account = $1 AND seq > $2::bigint ORDER BY seq LIMIT $3`,
      [debtorAccount, after ?? '0', limit + 1],
    );
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      entries: page.map((r) => ({
        entryRef: r.entry_ref,
        endToEndId: r.end_to_end_id,
        messageId: r.message_id,
        amount: r.amount,
        currency: r.currency,
        creditor: { bankCode: r.creditor_bank_code, accountNumber: r.creditor_account },
        bookedAt: r.booked_at.toISOString(),
      })),
      nextCursor: rows.length > limit && last ? last.seq : null,
    };
  }

  async summary(debtorAccount: string): Promise<LedgerSummary> {
    const counts = await this.pool.query<{ entries: string; distinct_e2e: string }>(
      `SELECT count(*) AS entries, count(DISTINCT end_to_end_id) AS distinct_e2e FROM bank_ledger_entry WHERE debtor_account = $1`,
      [debtorAccount],
    );
    const totals = await this.pool.query<{ currency: string; amount: string }>(
      `SELECT currency, sum(amount)::text AS amount FROM bank_ledger_entry
        WHERE debtor_account = $1 GROUP BY currency ORDER BY currency`,
      [debtorAccount],
    );
    const c = counts.rows[0];
    return {
      debtorAccount,
      entries: Number(c?.entries ?? 0),
      distinctEndToEndIds: Number(c?.distinct_e2e ?? 0),
      totals: totals.rows,
    };
  }

  claimCallbacks(limit: number, leaseMs: number): Promise<Callback[]> {
    return claimCallbacks(this.pool, this.instanceId, limit, leaseMs);
  }

  callbackDelivered(id: string): Promise<void> {
    return markDelivered(this.pool, id);
  }

  callbackFailed(id: string, error: string, retryInMs: number | null): Promise<void> {
    return markFailed(this.pool, id, error, retryInMs);
  }
}

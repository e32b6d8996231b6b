// The bank's persistent state in PostgreSQL: messages, items, ledger and callback outbox.
// Amounts stay decimal strings end to end (numeric(18,2) in SQL), always beside their currency.
import type { Pool, PoolClient } from 'pg';
import type {
  BankFaults,
  CreditTransferRequest,
  ItemLookup,
  ItemReport,
  ItemStatus,
  LedgerSummary,
  MessageStatus,
  ReceiveResult,
  Statement,
  StatusReport,
} from './messages';
import { claimCallbacks, markDelivered, markFailed, type Callback } from './outbox';
import { receiveMessage } from './receive';
import { BANK_SCHEMA } from './schema';
import { settleMessage, type SettleOutcome } from './settle';

export interface BankStoreOptions {
  /** Name of this simulated bank; processors settle only messages received by their instance. */
  instanceId?: string;
}

interface ItemRow {
  end_to_end_id: string;
  message_id: string;
  status: ItemStatus;
  reason_code: string | null;
  amount: string;
  currency: string;
  booked_at: Date | null;
  duplicate_of: string | null;
}

// A duplicate that repeats its original exactly reports the original's (live) outcome.
const ITEM_SELECT = `
  SELECT i.end_to_end_id, i.message_id, i.amount, i.currency,
         CASE WHEN o.id IS NULL THEN i.status ELSE o.status END AS status,
         CASE WHEN o.id IS NULL THEN i.reason_code ELSE o.reason_code END AS reason_code,
         CASE WHEN o.id IS NULL THEN i.booked_at ELSE o.booked_at END AS booked_at,
         o.message_id AS duplicate_of
    FROM bank_item i LEFT JOIN bank_item o ON o.id = i.duplicate_of_item AND NOT i.conflicts_original`;

function itemReport(r: ItemRow): ItemReport {
  return {
    endToEndId: r.end_to_end_id,
    status: r.status,
    ...(r.reason_code ? { reasonCode: r.reason_code } : {}),
    amount: r.amount,
    currency: r.currency,
    ...(r.booked_at ? { bookedAt: r.booked_at.toISOString() } : {}),
    ...(r.duplicate_of ? { duplicateOf: r.duplicate_of } : {}),
  };
}

export class BankStore {
  readonly instanceId: string;

  constructor(
    readonly pool: Pool,
    options: BankStoreOptions = {},
  ) {
    this.instanceId = options.instanceId ?? 'default';
  }

  /** Creates the bank_ tables; an advisory lock keeps concurrent starts from racing on the DDL. */
  async migrate(): Promise<void> {
    await this.tx(async (c) => {
      await c.query(`SELECT pg_advisory_xact_lock(hashtextextended('amparo_bank_migrate', 0))`);
      await c.query(BANK_SCHEMA);
    });
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
  receive(req: CreditTransferRequest): Promise<ReceiveResult> {
    return this.tx((c) => receiveMessage(c, this.instanceId, req));
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

  settle(messageId: string, closedAccounts: readonly string[], faults: BankFaults): Promise<SettleOutcome> {
    return this.tx((c) => settleMessage(c, messageId, closedAccounts, faults));
  }

  async report(messageId: string): Promise<StatusReport | null> {
    const { rows } = await this.pool.query<{ status: MessageStatus; received_at: Date }>(
      'SELECT status, received_at FROM bank_message WHERE message_id = $1',
      [messageId],
    );
    const message = rows[0];
    if (!message) return null;
    const items = await this.pool.query<ItemRow>(`${ITEM_SELECT} WHERE i.message_id = $1 ORDER BY i.position`, [messageId]);
    return { messageId, status: message.status, receivedAt: message.received_at.toISOString(), items: items.rows.map(itemReport) };
  }

  /** The original item with this endToEndId: "did you pay this?". */
  async item(endToEndId: string): Promise<ItemLookup | null> {
    const { rows } = await this.pool.query<ItemRow>(`${ITEM_SELECT} WHERE i.end_to_end_id = $1 AND i.is_original`, [endToEndId]);
    const row = rows[0];
    return row ? { messageId: row.message_id, ...itemReport(row) } : null;
  }

  /** Debits of an account in booking order; the cursor is the last seq seen (opaque to clients). */
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

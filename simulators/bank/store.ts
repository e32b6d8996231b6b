// The bank's persistent state in PostgreSQL: messages, items, ledger and callback outbox.
// Amounts stay decimal strings end to end (numeric(18,2) in SQL), always beside their currency.
import type { Pool } from 'pg';
import type { Camt053 } from '../../lib/iso20022/camt053';
import type { FaultInjector } from './faults';
import type { CreditTransferRequest, ItemLookup, LedgerSummary, ReceiveResult, StatusReport } from './messages';
import { callbackOutbox, type Callback } from './outbox';
import { receiveMessage } from './receive';
import { ITEM_SELECT, itemReport, loadReport, pain002Xml, type ItemRow } from './reports';
import { reverseCredit, type ReversalResult } from './reversal';
import { BANK_SCHEMA } from './schema';
import { settleMessage, type SettleOutcome } from './settle';
import { dailyStatement } from './statement';
import type { Outbox } from '../shared/outbox-table';
import { inSnapshot } from '../shared/pg-transaction';
import { SimulatorStore, type SimulatorStoreOptions } from '../shared/simulator-store';

/** The bank_ tables; processors settle only messages received by their instance. */
export class BankStore extends SimulatorStore {
  /** pain.002 callbacks to deliver (BankProcessor). */
  readonly outbox: Outbox<Callback>;

  constructor(pool: Pool, options: SimulatorStoreOptions = {}) {
    super(pool, { name: 'bank', ddl: BANK_SCHEMA }, options);
    this.outbox = callbackOutbox(pool, this.instanceId);
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

  /** One page of an account's camt.053 for a business day (pages of STATEMENT_PAGE_SIZE entries). */
  camt053(account: string, date: string, page: number): Promise<Camt053> {
    return inSnapshot(this.pool, (c) => dailyStatement(c, account, date, page));
  }

  /** Returns the credit booked for this EndToEndId to its debtor account, once (a repeat answers the first). */
  reverse(endToEndId: string): Promise<ReversalResult> {
    return this.tx((c) => reverseCredit(c, endToEndId));
  }

  /** Credits (entries per endToEndId, never reversals) and the net amount out of the account per currency. */
  async summary(debtorAccount: string): Promise<LedgerSummary> {
    const counts = await this.pool.query<{ entries: string; distinct_e2e: string; reversals: string }>(
      `SELECT count(*) AS entries, count(DISTINCT end_to_end_id) AS distinct_e2e,
              (SELECT count(*) FROM bank_reversal WHERE debtor_account = $1) AS reversals
         FROM bank_ledger_entry WHERE debtor_account = $1`,
      [debtorAccount],
    );
    // The same totals the statements' balances come from: credits paid minus reversals returned.
    const totals = await this.pool.query<{ currency: string; amount: string }>(
      `SELECT currency, sum(debits - credits)::text AS amount FROM bank_statement_total
        WHERE account = $1 GROUP BY currency ORDER BY currency`,
      [debtorAccount],
    );
    const c = counts.rows[0];
    return {
      debtorAccount,
      entries: Number(c?.entries ?? 0),
      distinctEndToEndIds: Number(c?.distinct_e2e ?? 0),
      reversals: Number(c?.reversals ?? 0),
      totals: totals.rows,
    };
  }
}

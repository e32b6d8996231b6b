// What Amparo needs from a payment rail, whatever its message standard (the bank speaks ISO 20022 XML,
// the wallet provider a GSMA-style bulk API): one client per rail, each rail a folder under rails/ and a
// line in rails/index.ts.
import type { AccountCheckOutcome } from '../domain/account-check';
import type { Config } from '../lib/config';
import type { StatementFile, StatementSource } from './statement-lines';

export type RailItemStatus = 'PENDING' | 'PAID' | 'FAILED';

export interface RailItemReport {
  /** The payment key (ISO EndToEndId / the wallet transaction's requesting-organisation reference). */
  key: string;
  status: RailItemStatus;
  /** The rail's own reason code for a failure (e.g. AC04, UNKNOWN_WALLET), kept as the rail said it. */
  reasonCode?: string;
  amount: string;
  currency: string;
}

export interface RailBatchReport {
  /** The rail's status of the whole message or batch (e.g. ACSC, PART, RJCT / completed), for display. */
  batchStatus: string;
  /** Items the rail reports on; an item it does not mention is still pending. */
  items: RailItemReport[];
}

export type RailAccount = { rail: 'BANK'; bankCode: string; accountNumber: string } | { rail: 'WALLET'; msisdn: string };
/** The kinds of account (PaymentRail): each is paid by one registered rail (rails/index.ts). */
export type RailId = RailAccount['rail'];

export interface RailOutgoingItem {
  key: string;
  amount: string; // exact decimal with the currency's minor units
  currency: string;
  account: RailAccount;
  /**
   * Who should hold the account: the beneficiary as enrolled (their application's full name and national
   * ID), for the rail to check against the account's holder. Personal data: it goes to the rail and
   * nowhere else (never in logs, errors or workflow payloads).
   */
  holder: { nationalId: string; name: string };
}

export interface RailBatch {
  /** The batch's idempotency reference at the rail: pain.001 MsgId / the wallet's X-CorrelationID. */
  ref: string;
  debtorAccount: string;
  callbackUrl: string;
  /** Control totals the rail checks against the items (pain.001 NbOfTxs / CtrlSum). */
  count: number;
  controlSum: string;
  currency: string;
  /** Requested execution date (YYYY-MM-DD). */
  executionDate: string;
  items: RailOutgoingItem[];
}

export interface RailClient {
  /** Name under which batches, events and statement lines are recorded ('bank-sim', 'wallet-sim'). */
  readonly provider: string;
  /** The rail's report on a batch we may have sent, or null if it never received it (ask before sending). */
  findBatch(ref: string): Promise<RailBatchReport | null>;
  /** Sends the batch. Throws a retryable error on network errors, timeouts and 5xx; non-retryable on 4xx. */
  submitBatch(batch: RailBatch): Promise<void>;
}

/** An account to check with its rail before money goes to it, and the person who should hold it. */
export interface AccountCheck {
  /** The caller's reference (an application or a payment instruction), reported back. */
  ref: string;
  account: RailAccount;
  holder: { nationalId: string; name: string };
}

export type { AccountCheckOutcome };

export interface AccountCheckResult {
  ref: string;
  outcome: AccountCheckOutcome;
  /** The rail's own code, kept as it said it (acmt.024 Rsn/Cd, the wallet's sub-status). */
  railReason?: string;
}

/** A rail that can check accounts before paying them, many per call. */
export interface AccountVerifier {
  verifyAccounts(checks: AccountCheck[]): Promise<AccountCheckResult[]>;
}

/** What the registry knows of a rail (rails/index.ts): one per folder under rails/. */
/** Everything Amparo asks of a rail's client: batches, account checks, statements. */
export type FullRailClient = RailClient & AccountVerifier & StatementSource;

export interface RailPlugin<C extends FullRailClient = FullRailClient> {
  /** The kind of account it pays. */
  readonly rail: RailId;
  /** Name its batches, events and statement lines are recorded under. */
  readonly provider: string;
  /** Where it sends its notifications: /callbacks/<callbackPath>. */
  readonly callbackPath: string;
  /** Its client, from the settings. */
  client(config: RailSettings): C;
  /** Reads a statement file finance uploaded (its own format: a camt.053, a settlement report). */
  readStatementFile(body: unknown): StatementFile;
  /** How its notifications arrive at /callbacks/<callbackPath>, and how one is read (once its signature is checked). */
  readonly callback: RailCallback;
}

/** A rail's notification as kept (provider_event): it only ever makes the batch workflow ask the rail again. */
export interface RailNotification {
  eventId: string;
  kind: string;
  /** The batch's reference at the rail (pain.001 MsgId, X-CorrelationID). */
  messageId: string;
  /** What the notification claims, kept for the record only. */
  payload: Record<string, string | number | null | undefined>;
}

export interface RailCallback {
  methods: ReadonlyArray<'POST' | 'PUT'>;
  contentTypes: string[];
  /** How the signed body is decoded before `read`: kept as text (XML read as a stream) or parsed as JSON. */
  body: 'text' | 'json';
  /** The setting holding the key it signs with. */
  secret: 'BANK_CALLBACK_SECRET' | 'WALLET_CALLBACK_SECRET';
  read(
    headers: Record<string, unknown>,
    body: unknown,
  ): { ok: true; notification: RailNotification } | { ok: false; fields: Record<string, string> };
}

/** The settings a rail's client reads. */
export type RailSettings = Pick<Config, 'BANK_SIM_URL' | 'WALLET_SIM_URL'> & Partial<Pick<Config, 'RAIL_TIMEOUT_MS'>>;

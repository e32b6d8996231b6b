// Client of the mobile-wallet provider's bulk API (the wallet simulator's; GSMA Mobile Money API shapes).
// The batch's X-CorrelationID is its ref (our messageId) and every transaction's
// requestingOrganisationTransactionReference is the payment key, so a resend is recognised by the provider.
import { ApplicationFailure } from '@temporalio/activity';
import Decimal from 'decimal.js';
import { requestJson } from '../../lib/http-client';
import type { AccountVerifier, RailBatch, RailBatchReport, RailClient, RailItemReport } from '../rail';
import type { StatementSource } from '../statement-lines';
import { walletSettlementLines } from './statement';
import { verifyWallets } from './verification';

/** The provider name this wallet's batches, events and settlement lines are recorded under. */
export const WALLET_PROVIDER = 'wallet-sim';

interface RequestState {
  serverCorrelationId: string;
  status: 'pending' | 'completed' | 'failed';
  objectReference: string;
}

interface Completion {
  transactionReference: string;
  requestingOrganisationTransactionReference: string;
  amount: string;
  currency: string;
}

interface Rejection {
  requestingOrganisationTransactionReference: string;
  amount: string;
  currency: string;
  rejectionReason: string;
}

interface GsmaError {
  errorCategory?: string;
  errorCode?: string;
  errorParameters?: Array<{ key: string; value: string }>;
}

export interface WalletSettlementReport {
  account: string;
  date: string;
  currency: string | null;
  page: number;
  lastPage: boolean;
  /**
   * 'transfer' credited the wallet; 'reversal' took a transfer back (its own transactionReference, the
   * transfer's requestingOrganisationTransactionReference). Amounts are unsigned.
   */
  entries: Array<{
    type: 'transfer' | 'reversal';
    transactionReference: string;
    requestingOrganisationTransactionReference: string;
    msisdn: string;
    amount: string;
    currency: string;
    completedAt: string;
  }>;
  /** The whole day's transfers minus reversals (exact decimal text), on every page. */
  total: string;
}

export interface WalletClient extends RailClient, AccountVerifier, StatementSource {
  /** One page (from 1) of the provider's settlement report: credits from `account` completed on `date` (YYYY-MM-DD, UTC). */
  settlement(account: string, date: string, page: number): Promise<WalletSettlementReport>;
}

/** GSMA ID Types: the national registration number (CPF, CUIL) Amparo knows its beneficiaries by. */
const RECIPIENT_ID_TYPE = 'nationalregistration';

/** Non-retryable: sending the same batch again cannot succeed; a person must look at it. */
const rejected = (ref: string, why: string) => ApplicationFailure.nonRetryable(`wallet batch ${ref}: ${why}`, 'WalletRejectedBatch');

export function createWalletClient(baseUrl: string, opts: { timeoutMs?: number } = {}): WalletClient {
  const readTimeoutMs = opts.timeoutMs ?? 10_000;
  const submitTimeoutMs = opts.timeoutMs ?? 30_000;

  /** A GET whose 404 is an answer (null); other statuses than 200 are errors, 4xx not worth retrying. */
  async function get<T>(path: string, what: string): Promise<T | null> {
    const res = await requestJson<T & GsmaError>(`${baseUrl}${path}`, { timeoutMs: readTimeoutMs });
    if (res.status === 404) return null;
    if (res.status === 200) return res.body;
    throw ApplicationFailure.nonRetryable(
      `wallet answered HTTP ${res.status} ${res.body?.errorCode ?? ''} to ${what}`,
      'WalletRefusedRequest',
    );
  }

  async function settlement(account: string, date: string, page: number): Promise<WalletSettlementReport> {
    const query = new URLSearchParams({ account, date, page: String(page) });
    const report = await get<WalletSettlementReport>(`/v1/settlement?${query.toString()}`, 'a settlement request');
    if (!report) throw new Error('wallet has no settlement endpoint');
    return report;
  }

  return {
    provider: WALLET_PROVIDER,

    verifyAccounts: (checks) => verifyWallets(baseUrl, checks, readTimeoutMs),

    async statementLines(account: string, date: string, page: number) {
      const report = await settlement(account, date, page);
      return { lines: walletSettlementLines(WALLET_PROVIDER, report), entries: report.entries.length, lastPage: report.lastPage };
    },

    async findBatch(ref: string): Promise<RailBatchReport | null> {
      const state = await get<RequestState>(`/v1/requeststates?correlationId=${encodeURIComponent(ref)}`, 'a request-state lookup');
      if (!state) return null;
      const id = encodeURIComponent(state.objectReference);
      // The batch first: its status never claims more than the lists read after it show.
      const batch = await get<{ batchStatus: string }>(`/v1/batchtransactions/${id}`, 'a batch lookup');
      const [completions, rejections] = await Promise.all([
        get<Completion[]>(`/v1/batchtransactions/${id}/completions`, 'a completions lookup'),
        get<Rejection[]>(`/v1/batchtransactions/${id}/rejections`, 'a rejections lookup'),
      ]);
      // The request state named this batch: losing it afterwards is the provider's fault, worth a retry.
      if (!batch || !completions || !rejections) throw new Error(`wallet lost batch ${state.objectReference} of request ${ref}`);
      // A transaction is final in one list or the other; anything in neither is still pending.
      const items: RailItemReport[] = [
        ...completions.map((c) => ({
          key: c.requestingOrganisationTransactionReference,
          status: 'PAID' as const,
          amount: c.amount,
          currency: c.currency,
        })),
        ...rejections.map((r) => ({
          key: r.requestingOrganisationTransactionReference,
          status: 'FAILED' as const,
          reasonCode: r.rejectionReason,
          amount: r.amount,
          currency: r.currency,
        })),
      ];
      return { batchStatus: batch.batchStatus, items };
    },

    async submitBatch(batch: RailBatch): Promise<void> {
      const transactions = batch.items.map((item) => {
        if (item.account.rail !== 'WALLET')
          throw rejected(batch.ref, `payment ${item.key} has a ${item.account.rail} account; the wallet credits msisdns only`);
        return {
          amount: item.amount,
          currency: item.currency,
          type: 'disbursement',
          debitParty: [{ key: 'accountid', value: batch.debtorAccount }],
          creditParty: [{ key: 'msisdn', value: item.account.msisdn }],
          // GSMA's KYC of the recipient: the beneficiary as enrolled, for the provider to check against the
          // wallet's holder (a national ID is a 'nationalregistration' idDocument).
          recipientKyc: {
            subjectName: { fullName: item.holder.name },
            idDocument: [{ idType: RECIPIENT_ID_TYPE, idNumber: item.holder.nationalId }],
          },
          requestingOrganisationTransactionReference: item.key,
        };
      });
      // GSMA batches carry no control totals, so they are checked here, before anything leaves.
      const sum = batch.items.reduce((s, i) => s.plus(i.amount), new Decimal(0));
      if (batch.items.length !== batch.count || !sum.eq(batch.controlSum) || batch.items.some((i) => i.currency !== batch.currency)) {
        throw rejected(
          batch.ref,
          `items (${batch.items.length}, ${sum.toString()}) do not match the control totals (${batch.count}, ${batch.controlSum} ${batch.currency})`,
        );
      }
      const res = await requestJson<GsmaError>(`${baseUrl}/v1/batchtransactions`, {
        method: 'POST',
        headers: { 'X-CorrelationID': batch.ref, 'X-Callback-URL': batch.callbackUrl },
        body: {
          batchTitle: `Amparo ${batch.ref}`,
          batchDescription: `${batch.count} disbursements, ${batch.controlSum} ${batch.currency}`,
          scheduledStartDate: batch.executionDate,
          transactions,
        },
        timeoutMs: submitTimeoutMs,
      });
      if (res.status === 200 || res.status === 202) return;
      // 409: the X-CorrelationID holds another batch (an identical resend gets the original answer instead).
      // Parameter names only: their values may echo what was sent (a phone, a name) into an error Temporal keeps.
      const params = (res.body?.errorParameters ?? []).map((p) => p.key).join(', ');
      throw rejected(batch.ref, `HTTP ${res.status} ${res.body?.errorCategory ?? ''}/${res.body?.errorCode ?? ''} ${params}`.trim());
    },

    settlement,
  };
}

// Client of the bank's credit-transfer API (the bank simulator's; ISO 20022 names and statuses).
import { ApplicationFailure } from '@temporalio/activity';
import { requestJson } from './http';

/** The provider name this bank's batches, events and statement lines are recorded under. */
export const BANK_PROVIDER = 'bank-sim';

export interface CreditTransferItem {
  endToEndId: string;
  amount: string;
  currency: string;
  creditor: { bankCode: string; accountNumber: string };
}

export interface CreditTransferMessage {
  messageId: string;
  debtorAccount: string;
  callbackUrl?: string;
  items: CreditTransferItem[];
}

export type ItemStatus = 'RCVD' | 'ACSC' | 'RJCT';

export interface StatusReport {
  messageId: string;
  status: string;
  items: Array<{ endToEndId: string; status: ItemStatus; reasonCode?: string; amount: string; currency: string; bookedAt?: string; duplicateOf?: string }>;
}

export interface StatementPage {
  entries: Array<{ entryRef: string; endToEndId: string; messageId: string; amount: string; currency: string; bookedAt: string }>;
  nextCursor: string | null;
}

export function createBankClient(baseUrl: string) {
  return {
    /** pain.002-like status report of a message, or null if the bank never received it. */
    async getStatusReport(messageId: string): Promise<StatusReport | null> {
      const res = await requestJson<StatusReport>(`${baseUrl}/v1/credit-transfers/${encodeURIComponent(messageId)}`);
      if (res.status === 404) return null;
      if (res.status !== 200) throw new Error(`bank answered HTTP ${res.status} to a status request`);
      return res.body;
    },

    async submit(message: CreditTransferMessage): Promise<void> {
      const res = await requestJson<{ error?: string; fields?: Record<string, string> }>(`${baseUrl}/v1/credit-transfers`, {
        method: 'POST',
        body: message,
        timeoutMs: 30_000,
      });
      if (res.status === 200 || res.status === 202) return;
      // 4xx: resending the same message cannot succeed; a person must look at it.
      throw ApplicationFailure.nonRetryable(
        `bank refused message ${message.messageId}: HTTP ${res.status} ${res.body?.error ?? ''} ${JSON.stringify(res.body?.fields ?? {})}`,
        'BankRejectedMessage',
      );
    },

    async getStatementPage(debtorAccount: string, after: string | null, limit = 1000): Promise<StatementPage> {
      const query = new URLSearchParams({ debtorAccount, limit: String(limit), ...(after ? { after } : {}) });
      const res = await requestJson<StatementPage>(`${baseUrl}/v1/statement?${query.toString()}`);
      if (res.status !== 200) throw new Error(`bank answered HTTP ${res.status} to a statement request`);
      return res.body;
    },
  };
}
export type BankClient = ReturnType<typeof createBankClient>;

// Client of the bank (the bank simulator's ISO 20022 API): pain.001 out, pain.002 back, camt.053
// statements. The batch ref is the pain.001 MsgId and every payment key its EndToEndId, so the bank
// recognises a resend; still, after any ambiguous failure the rail asks (findBatch) before sending again.
import { ApplicationFailure } from '@temporalio/activity';
import { parseCamt053, type Camt053Statement } from '../../lib/iso20022/camt053';
import { buildPain001, type Pain001Transaction } from '../../lib/iso20022/pain001';
import { NATIONAL_ID_SCHEME } from '../../lib/iso20022/person-identifier';
import { parsePain002, type Pain002 } from '../../lib/iso20022/pain002';
import { requestXml } from '../../lib/http-client';
import type { StatementSource } from '../statement-lines';
import { bankStatementLines, statementEntries, type BankStatementEntry } from './statement';
import { verifyBankAccounts } from './verification';
import type { AccountVerifier, RailBatch, RailBatchReport, RailClient, RailItemStatus } from '../rail';

/** The provider name this bank's batches, events and statement lines are recorded under. */
export const BANK_PROVIDER = 'bank-sim';

export interface BankClientOptions {
  /** Per request; a submit that times out may still have been committed (ask before resending). */
  timeoutMs?: number;
  /** DbtrAgt/FinInstnId/Othr/Id: the bank holding the funding account. */
  debtorAgent?: string;
}

export interface BankStatement {
  entries: BankStatementEntry[];
  /** False while the bank has more pages of this day (GrpHdr/MsgPgntn/LastPgInd). */
  lastPage: boolean;
  /** The statements as the bank sent them (one per currency), with their OPBD / CLBD balances. */
  statements: Camt053Statement[];
}

/**
 * Cdtr/Nm is Max140Text and an application's name may be longer: cut rather than refused (the national ID
 * decides who is paid). Counted as the bank's parser counts, in UTF-16 units, never splitting a character.
 */
function creditorName(name: string): string {
  let cut = '';
  for (const ch of name) {
    if (cut.length + ch.length > 140) break;
    cut += ch;
  }
  return cut;
}

/** ACSC / ACCC: the creditor is paid; RJCT: it will not be; everything else is still on its way. */
function itemStatus(txSts: string): RailItemStatus {
  if (txSts === 'ACSC' || txSts === 'ACCC') return 'PAID';
  return txSts === 'RJCT' ? 'FAILED' : 'PENDING';
}

export function toRailReport(report: Pain002): RailBatchReport {
  // A message rejected as a whole fails every item it lists, with the group's reason when they have none.
  const wholeRejected = report.groupStatus === 'RJCT';
  return {
    batchStatus: report.groupStatus ?? 'PDNG',
    items: report.transactions.map((t) => {
      const status = wholeRejected ? 'FAILED' : itemStatus(t.status);
      const reasonCode = status === 'FAILED' ? (t.reason?.code ?? report.groupReason?.code) : undefined;
      return { key: t.originalEndToEndId, status, ...(reasonCode ? { reasonCode } : {}), amount: t.amount, currency: t.currency };
    }),
  };
}

export function toPain001(batch: RailBatch, debtorAgent: string): string {
  const transactions = batch.items.map((item): Pain001Transaction => {
    if (item.account.rail !== 'BANK')
      throw ApplicationFailure.nonRetryable(`payment ${item.key} is not to a bank account`, 'BankRejectedMessage');
    return {
      endToEndId: item.key,
      amount: item.amount,
      currency: item.currency,
      creditorAgent: item.account.bankCode,
      // The beneficiary as enrolled, for the bank to check against the account's holder (BE01 if not theirs).
      creditorName: creditorName(item.holder.name),
      creditorId: { id: item.holder.nationalId, scheme: NATIONAL_ID_SCHEME },
      creditorAccount: item.account.accountNumber,
    };
  });
  const controlSum = batch.controlSum; // exact decimal text, as approved
  return buildPain001({
    messageId: batch.ref,
    createdAt: new Date().toISOString(),
    numberOfTransactions: batch.count,
    controlSum,
    initiatingParty: 'AMPARO',
    paymentInformation: {
      paymentInformationId: batch.ref,
      paymentMethod: 'TRF',
      numberOfTransactions: batch.count,
      controlSum,
      requestedExecutionDate: batch.executionDate,
      debtorName: 'AMPARO',
      debtorAccount: batch.debtorAccount,
      debtorAgent,
      transactions,
    },
  });
}

export interface BankClient extends RailClient, AccountVerifier, StatementSource {
  /** One page (from 1) of the camt.053 of an account for one business day (YYYY-MM-DD), entries in booking order. */
  statement(account: string, date: string, page: number): Promise<BankStatement>;
}

export function createBankClient(baseUrl: string, opts: BankClientOptions = {}): BankClient {
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const debtorAgent = opts.debtorAgent ?? 'SIMBANK';

  async function statement(account: string, date: string, page: number): Promise<BankStatement> {
    const query = new URLSearchParams({ account, date, page: String(page) });
    const res = await requestXml(`${baseUrl}/v1/camt053?${query.toString()}`, { timeoutMs });
    if (res.status !== 200) throw new Error(`bank answered HTTP ${res.status} to a statement request`);
    const { statements, pagination } = parseCamt053(res.body);
    const entries = statements.flatMap(statementEntries);
    // A statement without MsgPgntn is complete in one message.
    return { entries, statements, lastPage: pagination?.lastPage ?? true };
  }

  return {
    provider: BANK_PROVIDER,

    /** The bank's pain.002 for the message, or null if it never received it. */
    async findBatch(ref: string): Promise<RailBatchReport | null> {
      const res = await requestXml(`${baseUrl}/v1/pain002/${encodeURIComponent(ref)}`, { timeoutMs });
      if (res.status === 404) return null;
      if (res.status !== 200) throw new Error(`bank answered HTTP ${res.status} to a status request`);
      return toRailReport(parsePain002(res.body));
    },

    async submitBatch(batch: RailBatch): Promise<void> {
      const res = await requestXml(`${baseUrl}/v1/pain001`, {
        method: 'POST',
        body: toPain001(batch, debtorAgent),
        headers: { 'x-callback-url': batch.callbackUrl },
        timeoutMs,
      });
      if (res.status === 200 || res.status === 202) return;
      // 4xx: resending the same message cannot succeed (control totals, DU01, invalid content): a person must look.
      throw ApplicationFailure.nonRetryable(
        `bank refused message ${batch.ref}: HTTP ${res.status} ${refusal(res.body)}`,
        'BankRejectedMessage',
      );
    },

    verifyAccounts: (checks) => verifyBankAccounts(baseUrl, debtorAgent, checks, timeoutMs),

    // Each line keeps the account of the statement that carried it: one of another account than the one
    // asked for is refused by the import, not booked to ours.
    async statementLines(account: string, date: string, page: number) {
      const { entries, lastPage } = await statement(account, date, page);
      return { lines: bankStatementLines(BANK_PROVIDER, date, entries), entries: entries.length, lastPage };
    },

    statement,
  };
}

/** The reason of a refusal: the pain.002's group reason when the bank sent one, else the JSON error. */
/**
 * The bank's refusal as codes: its status and reason code. Never its free text (AddtlInf) or its body, which
 * may echo what was sent (a creditor's name or account) into an error that Temporal keeps and shows.
 */
function refusal(body: string): string {
  try {
    const report = parsePain002(body);
    return `${report.groupStatus ?? ''} ${report.groupReason?.code ?? ''}`.trim() || 'a pain.002 without a status';
  } catch {
    return 'an answer that is not a pain.002';
  }
}

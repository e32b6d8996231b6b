// The program's double-entry ledger. Money moves between accounts, never appears or vanishes:
//   appropriation → budget (the approved envelope) → payable (instructed) → in_transit:<provider> (sent)
//   → paid (confirmed by the rail); a failure moves in_transit back to payable, a cancellation payable
//   back to budget. Reconciliation's resolutions move a payment between in transit, paid and payable
//   (confirm, re-issue), or record money that left without an instruction as returns_receivable:<provider>
//   (request return) or written_off (write-off), both out of the appropriation. Every entry balances (a
//   database trigger refuses one that does not), and each posting happens in the same transaction as the
//   state change that causes it.
import Decimal from 'decimal.js';
import type { Db, Prisma } from './db';
import { movement, type InstructionStatus, type LedgerRole } from '../domain/payment-transitions';

export const ACCOUNTS = {
  appropriation: 'appropriation',
  budget: 'budget',
  payable: 'payable',
  inTransit: (provider: string) => `in_transit:${provider}`,
  paid: 'paid',
  returnsReceivable: (provider: string) => `returns_receivable:${provider}`,
  writtenOff: 'written_off',
} as const;

type Tx = Prisma.TransactionClient | Db;

/** The account of a ledger role (domain/payment-transitions.ts names roles; in transit and returns are per rail). */
export const accountFor = (role: LedgerRole, provider: string): string =>
  role === 'inTransit'
    ? ACCOUNTS.inTransit(provider)
    : role === 'returnsReceivable'
      ? ACCOUNTS.returnsReceivable(provider)
      : ACCOUNTS[role];

/** The movement of a payment's amount when its status changes, as the table derives it (none: same account). */
export function statusMovement(from: InstructionStatus, to: InstructionStatus, provider: string, amount: string): Movement[] {
  const m = movement(from, to);
  return m ? [{ from: accountFor(m.from, provider), to: accountFor(m.to, provider), amount }] : [];
}

export interface Movement {
  from: string;
  to: string;
  /** Exact decimal string, >= 0; zero movements are skipped. */
  amount: string;
}

export interface Posting {
  /**
   * Unique per event: posting the same reference again with the same movements writes nothing (a retried
   * step); with other movements it throws LedgerReferenceConflict.
   */
  reference: string;
  description: string;
  programId: string;
  currency: string;
  cycleId?: string;
  batchId?: string;
  movements: Movement[];
}

/**
 * A reference already posted with other movements (program, accounts, amounts or currency). Either two
 * events were given one name, or one event is being posted with a different amount: skipping it would drop
 * money from the ledger without a trace, so it fails, and the transaction of the change it belongs to with it.
 */
export class LedgerReferenceConflict extends Error {
  constructor(readonly reference: string) {
    super(`ledger reference ${reference} was already posted with other movements`);
    this.name = 'LedgerReferenceConflict';
  }
}

/** The journal's scale (numeric(18,2)): an amount compared as the database stores it. */
const stored = (amount: Decimal.Value) => new Decimal(amount).toFixed(2, Decimal.ROUND_HALF_UP);

/** A line as comparable text: program, account, currency and signed amount. */
const lineKey = (programId: string, code: string, currency: string, amount: Decimal.Value) =>
  `${programId}|${code}|${currency}|${stored(amount)}`;

/** The lines a posting writes: debit the destination, credit the source, one pair per movement. */
const linesOf = (moves: Movement[]) =>
  moves.flatMap((m) => [
    { code: m.to, amount: m.amount },
    { code: m.from, amount: new Decimal(m.amount).negated().toString() },
  ]);

/** Throws LedgerReferenceConflict unless the entry already posted under the reference has exactly these lines. */
async function checkSamePosting(tx: Tx, p: Posting, moves: Movement[]): Promise<void> {
  const entry = await tx.journalEntry.findUniqueOrThrow({
    where: { reference: p.reference },
    select: { programId: true, lines: { select: { amount: true, currency: true, account: { select: { code: true } } } } },
  });
  const before = entry.lines.map((l) => lineKey(entry.programId, l.account.code, l.currency, l.amount.toString())).sort();
  const now = linesOf(moves)
    .map((l) => lineKey(p.programId, l.code, p.currency, l.amount))
    .sort();
  if (before.length !== now.length || before.some((line, i) => line !== now[i])) throw new LedgerReferenceConflict(p.reference);
}

/**
 * Writes a balanced entry (debit the destination, credit the source). False if the reference was already
 * posted with the same movements; LedgerReferenceConflict if it was posted with others.
 */
export async function post(tx: Tx, p: Posting): Promise<boolean> {
  const moves = p.movements.filter((m) => !new Decimal(m.amount).isZero());
  for (const m of moves) if (new Decimal(m.amount).isNegative()) throw new Error(`negative movement in ${p.reference}`);
  if (moves.length === 0) {
    // Nothing to write, unless the reference names an entry that did move money: then this is another event.
    if (await tx.journalEntry.findUnique({ where: { reference: p.reference }, select: { id: true } }))
      throw new LedgerReferenceConflict(p.reference);
    return false;
  }
  const entry = await tx.journalEntry.createManyAndReturn({
    data: [
      {
        programId: p.programId,
        reference: p.reference,
        description: p.description,
        cycleId: p.cycleId ?? null,
        batchId: p.batchId ?? null,
      },
    ],
    skipDuplicates: true,
    select: { id: true },
  });
  if (entry.length === 0) {
    await checkSamePosting(tx, p, moves);
    return false;
  }
  const codes = [...new Set(moves.flatMap((m) => [m.from, m.to]))];
  await tx.ledgerAccount.createMany({
    data: codes.map((code) => ({ programId: p.programId, code, currency: p.currency })),
    skipDuplicates: true,
  });
  const accounts = await tx.ledgerAccount.findMany({
    where: { programId: p.programId, code: { in: codes } },
    select: { id: true, code: true },
  });
  const id = new Map(accounts.map((a) => [a.code, a.id]));
  await tx.journalLine.createMany({
    data: linesOf(moves).map((l) => ({ entryId: entry[0]!.id, accountId: id.get(l.code)!, amount: l.amount, currency: p.currency })),
  });
  return true;
}

/** Balances of a program's accounts (exact decimal strings), e.g. for reports and the invariant checks. */
export async function balances(db: Tx, programId: string): Promise<Record<string, string>> {
  const rows = await db.$queryRaw<Array<{ code: string; balance: string }>>`
    SELECT a.code, coalesce(sum(l.amount), 0.00)::text AS balance
      FROM ledger_account a LEFT JOIN journal_line l ON l.account_id = a.id
     WHERE a.program_id = ${programId}::uuid
     GROUP BY a.code`;
  return Object.fromEntries(rows.map((r) => [r.code, r.balance]));
}

// Imports what the rails say they paid for a cycle (each rail reads its own statements into lines:
// rails/<rail>/statement.ts), one business day at a time, from the day the cycle's first batch left
// to today. Lines are keyed by the rail's own entry reference, so importing a day again adds nothing.
// statement_day remembers how far each day was read: today's next import starts at its last page, and a
// past day read to its end is final and not read again.
import { Context, heartbeat, log } from '@temporalio/activity';
import type { Db } from '../lib/db';
import type { ReceivedLine, StatementLine, StatementSource } from '../rails/statement-lines';
import { checkStatementLines, type FundingAccounts } from './statement-line-rules';

/** The accounts statement lines may be of, with the currencies of the programs paying from each. */
export async function fundingAccounts(db: Db, accounts: string[]): Promise<FundingAccounts> {
  const programs = await db.program.findMany({
    where: { fundingAccount: { in: accounts } },
    select: { fundingAccount: true, currency: true },
  });
  const map = new Map<string, Set<string>>();
  for (const p of programs) map.set(p.fundingAccount, (map.get(p.fundingAccount) ?? new Set()).add(p.currency));
  return map;
}

/**
 * Stores statement lines, one statement per page (Prisma's createMany is ten times slower at 5,000 rows).
 * The rail's own lines are evidence at once; a hand upload's (`upload`) only once a second finance user
 * confirms it. A line already stored is skipped, except an unconfirmed uploaded one the rail now serves
 * itself: the rail's line replaces it, and is evidence.
 */
export async function storeStatementLines(
  db: Pick<Db, '$executeRaw'>,
  lines: StatementLine[],
  source: 'RAIL' | { upload: string },
): Promise<number> {
  if (lines.length === 0) return 0;
  const col = <K extends keyof StatementLine>(k: K) => lines.map((l) => l[k]);
  const fromRail = source === 'RAIL';
  const uploadId = fromRail ? null : source.upload;
  return db.$executeRaw`
    INSERT INTO statement_entry AS se (id, provider, entry_ref, account, end_to_end_id, kind, source, amount, currency, booked_at, upload_id, evidence_since)
    SELECT gen_random_uuid(), p, r, a, e, k, ${fromRail ? 'RAIL' : 'UPLOAD'}, amt, c, b, ${uploadId}::uuid, ${fromRail ? new Date() : null}::timestamp
      FROM unnest(${col('provider')}::text[], ${col('entryRef')}::text[], ${col('account')}::text[], ${col('endToEndId')}::text[],
                  ${col('kind')}::text[], ${col('amount')}::numeric[], ${col('currency')}::text[], ${col('bookedAt')}::timestamptz[]) AS t(p, r, a, e, k, amt, c, b)
    ON CONFLICT (provider, entry_ref) DO UPDATE
       SET account = excluded.account, end_to_end_id = excluded.end_to_end_id, kind = excluded.kind, source = excluded.source,
           amount = excluded.amount, currency = excluded.currency, booked_at = excluded.booked_at, upload_id = NULL,
           evidence_since = excluded.evidence_since
     WHERE se.evidence_since IS NULL AND excluded.evidence_since IS NOT NULL`;
}

/** Where an import stands, as heartbeat details: a retried attempt resumes there. */
interface ImportProgress {
  provider: string;
  date: string;
  nextPage: number;
  imported: number;
  refused: number;
}

const DAY_MS = 86_400_000;
/** A cycle's payments settle within days; a longer span means a stuck cycle, not more statements. */
const MAX_DAYS = 31;

/** Business days (UTC) from `from` to `to`, inclusive, at most MAX_DAYS (the most recent ones). */
export function statementDays(from: Date, to: Date): string[] {
  const first = Date.parse(from.toISOString().slice(0, 10));
  const last = Date.parse(to.toISOString().slice(0, 10));
  const days: string[] = [];
  for (let t = Math.max(first, last - (MAX_DAYS - 1) * DAY_MS); t <= last; t += DAY_MS) days.push(new Date(t).toISOString().slice(0, 10));
  return days;
}

/** `rails`: each registered rail's statements, by the provider its batches are recorded under. */
export function createStatementActivities(deps: { db: Db; rails: Readonly<Record<string, StatementSource>> }) {
  const { db } = deps;

  /**
   * A rail's line that breaks the rules of statement-line-rules.ts is not stored, so it can raise no break;
   * it is logged with where it is and why, and counted in the import's result. Its day stays open from
   * that page on, so a statement the rail corrects is read again and its line taken then.
   */
  function keepRailLines(lines: ReceivedLine[], accounts: FundingAccounts, where: { cycleId: string; date: string; page: number }) {
    const { accepted, refused } = checkStatementLines(lines, accounts);
    for (const r of refused)
      log.warn('statement line refused', {
        ...where,
        provider: r.line.provider,
        entryRef: r.line.entryRef,
        field: r.field,
        problem: r.problem,
      });
    return { accepted, refused: new Set(refused.map((r) => r.line)).size };
  }

  return {
    /**
     * Copies every new statement and settlement line of the cycle's days and rails into statement_entry;
     * returns how many, and how many lines were refused (see keepRailLines).
     */
    async importStatements(cycleId: string): Promise<{ imported: number; days: number; refused: number }> {
      const cycle = await db.paymentCycle.findUniqueOrThrow({ where: { id: cycleId }, include: { program: true } });
      const batches = await db.paymentBatch.groupBy({
        by: ['provider'],
        where: { cycleId, submittedAt: { not: null } },
        _min: { submittedAt: true },
      });
      const account = cycle.program.fundingAccount;
      // The rail was asked for this account's lines, in the program's currency: nothing else is ours.
      const accounts: FundingAccounts = new Map([[account, new Set([cycle.program.currency])]]);
      // A retried attempt (a rail's 5xx, a crashed worker) goes on from the page the last one had reached.
      const resume = Context.current().info.heartbeatDetails as ImportProgress | undefined;
      let imported = resume?.imported ?? 0;
      let refused = resume?.refused ?? 0;
      let days = 0;
      const today = new Date().toISOString().slice(0, 10);
      const known = new Map(
        (await db.statementDay.findMany({ where: { account, provider: { in: batches.map((b) => b.provider) } } })).map((d) => [
          `${d.provider}|${d.day.toISOString().slice(0, 10)}`,
          d,
        ]),
      );
      for (const { provider, _min } of batches.sort((a, b) => a.provider.localeCompare(b.provider))) {
        const rail = deps.rails[provider];
        if (!rail || !_min.submittedAt) continue;
        if (resume && provider < resume.provider) continue;
        for (const date of statementDays(_min.submittedAt, new Date())) {
          if (resume && provider === resume.provider && date < resume.date) continue;
          const before = known.get(`${provider}|${date}`);
          if (before?.complete) continue;
          // Page by page, with a heartbeat each: memory stays at one page; lines already stored are skipped
          // by their entry reference. Pages before the last one read are full: start at that one.
          const resumed = resume && provider === resume.provider && date === resume.date;
          let page = resumed ? resume.nextPage : (before?.fullPages ?? 0) + 1;
          let fullPages = page - 1;
          let firstRefusedPage: number | null = null;
          for (;;) {
            const { lines, entries, lastPage } = await rail.statementLines(account, date, page);
            const kept = keepRailLines(lines, accounts, { cycleId, date, page });
            imported += await storeStatementLines(db, kept.accepted, 'RAIL');
            refused += kept.refused;
            if (kept.refused > 0) firstRefusedPage ??= page;
            heartbeat({ provider, date, nextPage: page + 1, imported, refused } satisfies ImportProgress);
            if (lastPage) {
              // An empty last page (a resumed read past the end): the page before it may not be full either.
              fullPages = entries > 0 ? page - 1 : Math.max(0, page - 2);
              break;
            }
            page += 1;
          }
          const day = new Date(`${date}T00:00:00Z`);
          // Read to its end after the day was over: that day's statement is final, unless a line was refused:
          // then the next import reads it again from that page.
          const progress =
            firstRefusedPage === null
              ? { fullPages, complete: date < today }
              : { fullPages: Math.min(fullPages, firstRefusedPage - 1), complete: false };
          await db.statementDay.upsert({
            where: { provider_account_day: { provider, account, day } },
            create: { provider, account, day, ...progress },
            update: progress,
          });
          days += 1;
        }
      }
      return { imported, days, refused };
    },
  };
}

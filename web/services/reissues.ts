// Re-issue: failed payments of a cycle paid again (to a corrected account, or through the other rail)
// in a follow-up cycle that is approved like any other. Exactly once per entitlement: only FAILED
// payments qualify, each at most once, and the database refuses a second live instruction anyway.
import { audit } from '../../lib/audit';
import { Prisma } from '../../lib/db';
import { accountKey } from '../../lib/pii';
import type { ReissueInput } from '../../schema/cycle';
import type { ServiceContext } from './context';
import { findCycle, totalOf, type RailTotals } from './cycles';
import { invalid, refuse } from './refusal';

type Ctx = Pick<ServiceContext, 'db' | 'config'>;

export async function prepareReissue(ctx: Ctx, parentCycleId: string, userId: string, input: ReissueInput) {
  const parent = await findCycle(ctx, parentCycleId);
  const ids = input.items.map((i) => i.instructionId);
  if (new Set(ids).size !== ids.length) throw invalid({ items: 'each payment at most once' });
  const originals = await ctx.db.paymentInstruction.findMany({
    where: { id: { in: ids }, batch: { cycleId: parent.id } },
    include: { reissue: true, paymentAccount: { select: { rail: true } }, beneficiary: { select: { paymentAccountId: true } } },
  });
  const fields: Record<string, string> = {};
  input.items.forEach((item, i) => {
    const original = originals.find((o) => o.id === item.instructionId);
    if (!original) fields[`items.${i}.instructionId`] = 'not a payment of this cycle';
    else if (original.status !== 'FAILED')
      fields[`items.${i}.instructionId`] = `only failed payments are re-issued (this one is ${original.status})`;
    else if (original.reissue) fields[`items.${i}.instructionId`] = 'already chosen for a re-issue';
  });
  if (Object.keys(fields).length) throw refuse('not_reissuable', fields);

  try {
    return await ctx.db.$transaction(async (tx) => {
      const last = await tx.paymentCycle.findFirst({
        where: { programId: parent.programId },
        orderBy: { number: 'desc' },
        select: { number: true },
      });
      const byRail: RailTotals[] = [];
      const items: Prisma.ReissueItemCreateManyInput[] = [];
      const cycle = await tx.paymentCycle.create({
        data: {
          programId: parent.programId,
          number: (last?.number ?? 0) + 1,
          kind: 'REISSUE',
          parentCycleId: parent.id,
          currency: parent.currency,
          preparedBy: userId,
          previewCount: 0,
          previewAmount: '0',
        },
      });
      for (const item of input.items) {
        const original = originals.find((o) => o.id === item.instructionId)!;
        // A corrected account is a new account of the household; it becomes current when the re-issue is approved.
        const accountId = item.account
          ? (await tx.paymentAccount.create({ data: { ...item.account, accountKey: accountKey(ctx.config.PII_HASH_KEY, item.account) } }))
              .id
          : original.beneficiary.paymentAccountId;
        const rail = item.account?.rail ?? original.paymentAccount.rail;
        items.push({ reissueCycleId: cycle.id, originalInstructionId: original.id, paymentAccountId: accountId, createdBy: userId });
        const totals = byRail.find((r) => r.rail === rail) ?? byRail[byRail.push({ rail, count: 0, amount: '0' }) - 1]!;
        totals.count += 1;
        totals.amount = totalOf([totals, { rail, count: 0, amount: original.amount.toString() }], parent.currency).amount;
      }
      await tx.reissueItem.createMany({ data: items });
      const total = totalOf(byRail, parent.currency);
      await tx.paymentCycle.update({
        where: { id: cycle.id },
        data: { previewCount: total.count, previewAmount: total.amount, previewByRail: byRail as unknown as Prisma.InputJsonArray },
      });
      await audit(tx, {
        actor: userId,
        action: 'cycle.reissue_prepared',
        entityType: 'payment_cycle',
        entityId: cycle.id,
        details: { parentCycleId: parent.id, items: items.length },
      });
      return { id: cycle.id, number: cycle.number, preview: { ...total, byRail } };
    });
  } catch (err) {
    // Two preparers chose the same payment at once: the unique original-instruction row decides.
    if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002')
      throw refuse('not_reissuable', { items: 'already chosen for a re-issue' });
    throw err;
  }
}

// Re-issue: failed payments of a cycle, and payments held back before their batch left, paid again (to a
// corrected account, or through the other rail) in a follow-up cycle that is approved like any other.
// Exactly once per entitlement: only FAILED and HELD payments qualify (domain/payment-transitions.ts),
// each at most once, and the database refuses a second live instruction anyway.
// A corrected account is an account change of the household: proposed here for a second person
// (web/services/account-changes.ts), who must approve it before the re-issue cycle can be approved.
import { audit } from '../../lib/audit';
import { personalData, type PersonalData } from '../../lib/personal-data';
import { TRANSITIONS } from '../../domain/payment-transitions';
import { Prisma } from '../../lib/db';
import { accountKey, hashKeys, type AccountDetails } from '../../lib/pii';
import type { ReissueInput } from '../../schema/cycle';
import { proposeAccountChanges } from './account-changes';
import type { ServiceContext } from './context';
import { findCycle, totalOf, type RailTotals } from './cycles';
import { invalid, refuse } from './refusal';

type Ctx = Pick<ServiceContext, 'db' | 'config'>;
const REISSUABLE = TRANSITIONS.reissue.from;

export async function prepareReissue(ctx: Ctx, parentCycleId: string, userId: string, input: ReissueInput) {
  const parent = await findCycle(ctx, parentCycleId);
  const ids = input.items.map((i) => i.instructionId);
  if (new Set(ids).size !== ids.length) throw invalid({ items: 'each payment at most once' });
  const originals = await ctx.db.paymentInstruction.findMany({
    where: { id: { in: ids }, batch: { cycleId: parent.id } },
    include: {
      reissue: true,
      beneficiary: { select: { id: true, paymentAccountId: true, paymentAccount: true } },
    },
  });
  const fields: Record<string, string> = {};
  input.items.forEach((item, i) => {
    const original = originals.find((o) => o.id === item.instructionId);
    if (!original) fields[`items.${i}.instructionId`] = 'not a payment of this cycle';
    else if (!(REISSUABLE as readonly string[]).includes(original.status))
      fields[`items.${i}.instructionId`] = `only failed or held payments are re-issued (this one is ${original.status})`;
    else if (original.reissue) fields[`items.${i}.instructionId`] = 'already chosen for a re-issue';
  });
  if (Object.keys(fields).length) throw refuse('not_reissuable', fields);
  const pd = await personalData(ctx);
  const changes = await accountChanges(ctx, pd, parent.programId, input, originals);
  if (Object.keys(changes.fields).length) throw refuse('not_reissuable', changes.fields);

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
      for (const [i, item] of input.items.entries()) {
        const original = originals.find((o) => o.id === item.instructionId)!;
        // A corrected account is a new account of the household; it becomes current when a second person
        // approves the re-issue's account changes, and replaces the account the household has now.
        const change = changes.byItem.get(i);
        const accountId = change
          ? (await tx.paymentAccount.create({ data: { ...sealedAccount(pd, change.account), accountKey: change.key } })).id
          : original.beneficiary.paymentAccountId;
        const rail = change?.account.rail ?? original.beneficiary.paymentAccount.rail;
        items.push({
          reissueCycleId: cycle.id,
          originalInstructionId: original.id,
          paymentAccountId: accountId,
          replacesAccountId: change ? original.beneficiary.paymentAccountId : null,
          createdBy: userId,
        });
        const totals = byRail.find((r) => r.rail === rail) ?? byRail[byRail.push({ rail, count: 0, amount: '0' }) - 1]!;
        totals.count += 1;
        totals.amount = totalOf([totals, { rail, count: 0, amount: original.amount.toString() }], parent.currency).amount;
      }
      await tx.reissueItem.createMany({ data: items });
      if (changes.byItem.size) await proposeAccountChanges(tx, cycle.id, userId, changes.byItem.size);
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
        details: { parentCycleId: parent.id, items: items.length, accountChanges: changes.byItem.size },
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

type Original = { beneficiary: { id: string; paymentAccount: AccountRow } };
type AccountRow = { rail: 'BANK' | 'WALLET'; bankCode: string | null; accountNumber: string | null; msisdn: string | null };

const sealedAccount = (pd: PersonalData, a: AccountDetails) => ({
  rail: a.rail,
  bankCode: a.rail === 'BANK' ? a.bankCode : null,
  ...pd.sealAccount(a),
});

/**
 * The items that change a household's account, by item index: a corrected account that is not the one the
 * household has now. Refused by field: two households given the same new account, or an account that is
 * another household's in the program (each household has its own).
 */
async function accountChanges(
  ctx: Ctx,
  pd: PersonalData,
  programId: string,
  input: ReissueInput,
  originals: Array<Original & { id: string }>,
): Promise<{ byItem: Map<number, { account: AccountDetails; key: string }>; fields: Record<string, string> }> {
  const byItem = new Map<number, { account: AccountDetails; key: string }>();
  const fields: Record<string, string> = {};
  const hashes = hashKeys(ctx.config);
  const keyOf = (a: AccountDetails) => hashes.current(accountKey, a);
  /** The account's key under every hash key listed: another household's may be stored under an older one. */
  const everyKey = new Map<number, string[]>();
  input.items.forEach((item, i) => {
    const original = originals.find((o) => o.id === item.instructionId)!;
    if (!item.account) return;
    const key = keyOf(item.account);
    if (key === keyOf(pd.openAccount(original.beneficiary.paymentAccount))) return; // the household's own: no change
    const twin = [...byItem.entries()].find(([, c]) => c.key === key);
    if (twin) fields[`items.${i}.account`] = `the same new account as items.${twin[0]}: each household has its own account`;
    byItem.set(i, { account: item.account, key });
    everyKey.set(i, hashes.all(accountKey, item.account));
  });
  const owners = await ctx.db.beneficiary.findMany({
    where: { programId, accountKey: { in: [...everyKey.values()].flat() } },
    select: { id: true, accountKey: true },
  });
  for (const [i] of byItem) {
    const household = originals.find((o) => o.id === input.items[i]!.instructionId)!.beneficiary.id;
    if (owners.some((o) => everyKey.get(i)!.includes(o.accountKey) && o.id !== household))
      fields[`items.${i}.account`] = 'the account of another household of this program: each household has its own account';
  }
  return { byItem, fields };
}

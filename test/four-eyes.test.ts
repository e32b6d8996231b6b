// Four eyes (web/services/four-eyes.ts): a proposal takes effect only when a second person approves it;
// the proposer is refused with a sentence, by the service and by the database; one open proposal per
// subject; a decided decision never changes.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type Db } from '../lib/db';
import { loadConfig } from '../lib/config';
import { approve, decline, propose } from '../web/services/four-eyes';
import { Refusal } from '../web/services/refusal';

let db: Db;
const alice = randomUUID();
const bob = randomUUID();
beforeAll(() => {
  db = createDb(loadConfig().DATABASE_URL, 2);
});
afterAll(() => db.$disconnect());

const proposal = (subjectId = randomUUID()) => ({
  kind: 'BREAK_RESOLUTION' as const,
  subjectId,
  cycleId: null,
  details: { resolution: 'CONFIRM' },
  actor: alice,
});

describe('four eyes', () => {
  it('refuses the proposer as the approver, with a sentence, and carries out nothing', async () => {
    const decision = await db.$transaction((tx) => propose(tx, proposal()));
    let applied = 0;
    const refused = await db
      .$transaction((tx) => approve(tx, decision.id, alice, () => Promise.resolve(applied++)))
      .catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(Refusal);
    expect(refused).toMatchObject({ code: 'proposer_cannot_approve', kind: 'forbidden' });
    expect((refused as Refusal).message).toMatch(/another person must check and approve it/);
    expect(applied).toBe(0);
    expect(await db.moneyDecision.findUniqueOrThrow({ where: { id: decision.id } })).toMatchObject({ status: 'PROPOSED', decidedBy: null });

    await db.$transaction((tx) => approve(tx, decision.id, bob, () => Promise.resolve(applied++)));
    expect(applied).toBe(1);
    expect(await db.moneyDecision.findUniqueOrThrow({ where: { id: decision.id } })).toMatchObject({ status: 'APPROVED', decidedBy: bob });
    const audits = await db.auditEvent.findMany({ where: { entityId: decision.id }, orderBy: { id: 'asc' } });
    expect(audits.map((a) => [a.actor, a.action])).toEqual([
      [alice, 'break.resolution_proposed'],
      [bob, 'break.resolution_approved'],
    ]);
  });

  it('is held by the database too: an approval by the proposer is refused however it is written', async () => {
    const decision = await db.$transaction((tx) => propose(tx, proposal()));
    await expect(
      db.$executeRaw`UPDATE money_decision SET status = 'APPROVED', decided_by = proposed_by WHERE id = ${decision.id}::uuid`,
    ).rejects.toThrow(/money_decision_four_eyes/);
  });

  it('keeps one open proposal per subject, and a decided one as it was', async () => {
    const subject = randomUUID();
    const first = await db.$transaction((tx) => propose(tx, proposal(subject)));
    await expect(db.$transaction((tx) => propose(tx, { ...proposal(subject), actor: bob }))).rejects.toMatchObject({
      code: 'decision_pending',
    });
    await db.$transaction((tx) => decline(tx, first.id, alice, 'proposed the wrong resolution'));
    await expect(db.$transaction((tx) => approve(tx, first.id, bob, () => Promise.resolve()))).rejects.toMatchObject({
      code: 'decision_not_open',
    });
    await expect(db.$executeRaw`UPDATE money_decision SET status = 'PROPOSED' WHERE id = ${first.id}::uuid`).rejects.toThrow(
      /decided decision/,
    );
    await expect(db.$executeRaw`DELETE FROM money_decision WHERE id = ${first.id}::uuid`).rejects.toThrow(/decided decision/);
    // Once declined, the subject may be proposed again.
    expect((await db.$transaction((tx) => propose(tx, { ...proposal(subject), actor: bob }))).status).toBe('PROPOSED');
  });
});

// Rotating the hash key: with a new key first, the re-hash (npm run keys:rotate -- --rehash) opens each row's
// sealed values and stores their hashes under the new key, in batches and idempotently; then the old key can
// leave the list and look-ups still find everything. An erased application has nothing left to hash from: it
// stays under the old key, and is counted as such.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEV_PII_HASH_KEY, loadConfig } from '../lib/config';
import { eraseOnRequest } from '../lib/erasure';
import { rehash } from '../lib/hash-rotation';
import { personalData } from '../lib/personal-data';
import { hashKeys } from '../lib/pii';
import { application, randomCpf } from './support/application';
import { createProgram } from './support/fixtures';
import { uid } from './support/util';
import { startTestWeb, type TestWeb } from './support/web';

const NEW_KEY = `hk-next-${uid('t').slice(-6)}`;
const NEW_KEYS = `${NEW_KEY}:${randomBytes(32).toString('base64')}`;
/** A rotation under way: the new key first, the development key (hk1) still listed. */
const ROTATING = { PII_HASH_KEYS: NEW_KEYS, PII_HASH_KEY: DEV_PII_HASH_KEY };
const UNDER_NEW = new RegExp(`^${NEW_KEY}\\.[0-9a-f]{64}$`);
const UNDER_OLD = /^hk1\.[0-9a-f]{64}$/;

let before: TestWeb;
const webs: TestWeb[] = [];
beforeAll(async () => {
  before = await startTestWeb();
  webs.push(before);
});
afterAll(async () => {
  for (const w of webs) await w.close();
});

const submit = (web: TestWeb, code: string, body: unknown) =>
  web.app.inject({ method: 'POST', url: `/api/v1/programs/${code}/applications`, payload: body as object });
const status = (web: TestWeb, applicationNumber: string, dateOfBirth: string) =>
  web.app.inject({ method: 'POST', url: '/api/v1/applications/status', payload: { applicationNumber, dateOfBirth } });
const stored = (db: TestWeb['db'], number: string) =>
  db.application.findUniqueOrThrow({ where: { number }, include: { paymentAccount: true, beneficiary: true } });

describe('re-hashing under a new hash key', () => {
  it('moves every row it can open to the new key, after which the old key can go; an erased row stays and is counted', async () => {
    const program = await createProgram(before.db);
    const dateOfBirth = String(application().dateOfBirth);
    const [kept, erased] = [randomCpf(), randomCpf()];
    const numberOf = async (nationalId: string, account: string) => {
      const body = application({ nationalId, payment: { rail: 'BANK', bankCode: '001', accountNumber: account } });
      return (await submit(before, program.code, body)).json<{ applicationNumber: string }>().applicationNumber;
    };
    const keptNumber = await numberOf(kept, String((randomBytes(4).readUInt32BE() % 90_000_000) + 10_000_000));
    const erasedNumber = await numberOf(erased, String((randomBytes(4).readUInt32BE() % 90_000_000) + 10_000_000));
    // The kept one is an enrolled household: its beneficiary row carries the same hashes.
    const keptApp = await stored(before.db, keptNumber);
    await before.db.application.update({ where: { id: keptApp.id }, data: { status: 'ENROLLED' } });
    await before.db.beneficiary.create({
      data: {
        programId: program.id,
        applicationId: keptApp.id,
        nationalIdHash: keptApp.nationalIdHash,
        householdId: uid('HH'),
        paymentAccountId: keptApp.paymentAccount!.id,
        accountKey: keptApp.paymentAccount!.accountKey,
      },
    });
    // The other one was rejected and its data erased on request.
    const erasedApp = await stored(before.db, erasedNumber);
    await before.db.application.update({ where: { id: erasedApp.id }, data: { status: 'REJECTED', reasonCodes: ['TEST_CLEANUP'] } });
    expect(await eraseOnRequest(before.db, { applicationId: erasedApp.id, actor: 'test', reason: 'DATA_SUBJECT_REQUEST' })).toMatchObject({
      kind: 'erased',
    });

    const config = loadConfig({ ...process.env, ...ROTATING });
    const pd = await personalData({ db: before.db, config });
    const run = () => rehash(before.db, hashKeys(config), pd, { programIds: [program.id], batchSize: 1 });
    const first = await run();
    // The kept application, its account and its beneficiary: three rows.
    expect(first).toEqual({ rehashed: 3, remaining: { hk1: 2 } });
    // Idempotent: nothing left to do but what cannot be done.
    expect(await run()).toEqual({ rehashed: 0, remaining: { hk1: 2 } });

    const moved = await stored(before.db, keptNumber);
    for (const hash of [moved.nationalIdHash, moved.birthDateHash, moved.phoneHash, moved.paymentAccount!.accountKey])
      expect(hash).toMatch(UNDER_NEW);
    expect(moved.beneficiary).toMatchObject({ nationalIdHash: moved.nationalIdHash, accountKey: moved.paymentAccount!.accountKey });
    // Erased: nothing to hash from, so still under the old key (which must stay listed while such rows need it).
    const left = await stored(before.db, erasedNumber);
    expect(left.nationalId).toBeNull();
    for (const hash of [left.nationalIdHash, left.birthDateHash, left.phoneHash, left.paymentAccount!.accountKey])
      expect(hash).toMatch(UNDER_OLD);

    // The old key gone: the moved application is still found as the same person and proven by its birth date.
    const after = await startTestWeb({ env: { PII_HASH_KEYS: NEW_KEYS } });
    webs.push(after);
    const again = await submit(after, program.code, application({ nationalId: kept, fullName: 'Maria J. da Silva' }));
    expect(again.statusCode).toBe(201);
    expect(await after.db.application.count({ where: { programId: program.id } })).toBe(2);
    expect((await status(after, keptNumber, dateOfBirth)).statusCode).toBe(200);
    expect((await status(after, keptNumber, '1986-03-14')).statusCode).toBe(404);
  });
});

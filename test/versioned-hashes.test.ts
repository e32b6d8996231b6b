// Look-ups of personal data use keyed hashes that name their key: a stored hash is "<key id>.<hex>". With a
// new hash key put first (PII_HASH_KEYS) and the old one still listed, what was stored under the old key is
// still found: a second application by the same national ID is refused, and the status page still proves its
// applicant by the date of birth; a decision batch's deduplication still finds the account, the phone and the
// birth date stored under the old key; what is written from then on is under the new key.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEV_PII_HASH_KEY, loadConfig } from '../lib/config';
import { personalData } from '../lib/personal-data';
import { hashKeys } from '../lib/pii';
import { duplicateCandidates, exactDuplicates, hashVersions } from '../activities/deduplication';
import { application, randomCpf } from './support/application';
import { createProgram } from './support/fixtures';
import { uid } from './support/util';
import { startTestWeb, type TestWeb } from './support/web';

const HEX_HASH = /^[0-9a-f]{64}$/;
const NEW_KEY = `hk-new-${uid('t').slice(-6)}`;
/** The hash keys after a rotation began: a new key first, the development key (hk1) still listed. */
const ROTATING = { PII_HASH_KEYS: `${NEW_KEY}:${randomBytes(32).toString('base64')}`, PII_HASH_KEY: DEV_PII_HASH_KEY };

let before: TestWeb;
let during: TestWeb;
const programIds: string[] = [];
beforeAll(async () => {
  // The keys every process had until now (the development default), and the keys of a rotation under way.
  before = await startTestWeb();
  during = await startTestWeb({ env: ROTATING });
});
afterAll(async () => {
  // Nothing decides these applications: set aside, as test/support/intake-web.ts does.
  await before?.db.application.updateMany({
    where: { programId: { in: programIds }, status: { in: ['RECEIVED', 'VERIFYING'] } },
    data: { status: 'REJECTED', reasonCodes: ['TEST_CLEANUP'] },
  });
  await Promise.all([before?.close(), during?.close()]);
});

const newProgram = async () => {
  const program = await createProgram(before.db);
  programIds.push(program.id);
  return program;
};
const submit = (web: TestWeb, code: string, body: unknown) =>
  web.app.inject({ method: 'POST', url: `/api/v1/programs/${code}/applications`, payload: body as object });
const status = (web: TestWeb, applicationNumber: string, dateOfBirth: string) =>
  web.app.inject({ method: 'POST', url: '/api/v1/applications/status', payload: { applicationNumber, dateOfBirth } });
const storedHashes = async (db: TestWeb['db'], applicationNumber: string) => {
  const app = await db.application.findUniqueOrThrow({ where: { number: applicationNumber }, include: { paymentAccount: true } });
  return [app.nationalIdHash, app.birthDateHash, app.phoneHash, app.paymentAccount!.accountKey];
};

describe('versioned hashes', () => {
  it('lists PII_HASH_KEYS first and PII_HASH_KEY as hk1 after them, alone when nothing else is set', () => {
    const ids = (env: Record<string, string>) => loadConfig(env).PII_HASH_KEYS.map((k) => k.id);
    expect(ids({})).toEqual(['hk1']);
    expect(ids(ROTATING)).toEqual([NEW_KEY, 'hk1']);
    expect(ids({ PII_HASH_KEYS: ROTATING.PII_HASH_KEYS })).toEqual([NEW_KEY]);
    expect(() => loadConfig({ PII_HASH_KEYS: `hk1:${randomBytes(32).toString('base64')}` })).toThrow("key id hk1 is PII_HASH_KEY's");
  });

  it('stores every look-up hash with the id of the key it was made under', async () => {
    const program = await newProgram();
    const res = await submit(before, program.code, application({ nationalId: randomCpf() }));
    expect(res.statusCode).toBe(201);
    const hashes = await storedHashes(before.db, res.json<{ applicationNumber: string }>().applicationNumber);
    for (const hash of hashes) {
      const [id, hex] = hash!.split('.');
      expect(id).toBe('hk1');
      expect(hex).toMatch(HEX_HASH);
    }
  });

  it('with a new key first and the old one listed, still finds what the old key stored, and writes under the new one', async () => {
    const program = await newProgram();
    const nationalId = randomCpf();
    const dateOfBirth = String(application().dateOfBirth);
    const first = (await submit(before, program.code, application({ nationalId }))).json<{ applicationNumber: string }>();

    // The same person again, to a process holding the new key: refused as the same national ID (one application).
    const again = await submit(during, program.code, application({ nationalId, fullName: 'Maria J. da Silva' }));
    expect(again.statusCode).toBe(201);
    expect(again.json<{ applicationNumber: string }>().applicationNumber).not.toBe(first.applicationNumber);
    expect(await during.db.application.count({ where: { programId: program.id } })).toBe(1);

    // The status page still proves the applicant by the date of birth, and only by it.
    const proven = await status(during, first.applicationNumber, dateOfBirth);
    expect(proven.statusCode).toBe(200);
    expect(proven.json()).toMatchObject({ applicationNumber: first.applicationNumber, status: 'RECEIVED' });
    expect((await status(during, first.applicationNumber, '1986-03-14')).statusCode).toBe(404);

    // Someone new is stored under the new key only.
    const other = await submit(during, program.code, application({ nationalId: randomCpf() }));
    expect(other.statusCode).toBe(201);
    const hashes = await storedHashes(during.db, other.json<{ applicationNumber: string }>().applicationNumber);
    for (const hash of hashes) expect(hash).toMatch(new RegExp(`^${NEW_KEY}\\.[0-9a-f]{64}$`));
  });

  it("with a new key first, a batch's deduplication still finds an account, a phone and a birth date stored under the old key", async () => {
    const program = await newProgram();
    await before.db.program.update({ where: { id: program.id }, data: { maxApplicationsPerPhone: 1 } });
    const account = { rail: 'BANK', bankCode: '001', accountNumber: String((randomBytes(4).readUInt32BE() % 90_000_000) + 10_000_000) };
    const numberOf = async (web: TestWeb) =>
      (await submit(web, program.code, application({ nationalId: randomCpf(), payment: account }))).json<{ applicationNumber: string }>()
        .applicationNumber;
    // Enrolled before the rotation: stored under hk1, with its household's row.
    const enrolled = await before.db.application.update({
      where: { number: await numberOf(before) },
      data: { status: 'ENROLLED', municipalityCode: 'M-1' },
      include: { paymentAccount: true },
    });
    await before.db.beneficiary.create({
      data: {
        programId: program.id,
        applicationId: enrolled.id,
        nationalIdHash: enrolled.nationalIdHash,
        householdId: uid('HH'),
        paymentAccountId: enrolled.paymentAccount!.id,
        accountKey: enrolled.paymentAccount!.accountKey,
      },
    });
    // Another national ID, with the same name, birth date, place, phone and account, after the new key came first.
    const { id } = await during.db.application.update({
      where: { number: await numberOf(during) },
      data: { status: 'VERIFYING', municipalityCode: 'M-1' },
    });
    const config = loadConfig({ ...process.env, ...ROTATING });
    const pd = await personalData({ db: during.db, config });
    const versions = await hashVersions(during.db, pd, hashKeys(config), [id]);

    expect((await exactDuplicates(during.db, [id], versions)).get(id)).toEqual(['ACCOUNT_IN_USE', 'PHONE_SHARED_TOO_OFTEN']);
    expect(await duplicateCandidates(during.db, pd, [id], new Set(), versions)).toContainEqual(
      expect.objectContaining({ applicationId: id, candidateApplicationId: enrolled.id, kind: 'PROBABLE_PERSON' }),
    );
  });
});

// Temporal sees no personal data (issue 14): every payload and failure message is sealed by the processes'
// codec (lib/payload-codec.ts) before it reaches the server, so a history read without the keys (the server's
// database, the Temporal UI, tctl) holds none of it; staff read it through the codec endpoint, administrators
// only, every decode audited.
import { createSecretKey } from 'node:crypto';
import { inspect } from 'node:util';
import { Client, Connection, WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure, defaultPayloadConverter, type Payload } from '@temporalio/common';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../lib/config';
import { createUser } from '../lib/users';
import { PayloadEncryption } from '../lib/payload-codec';
import { DecisionBatchWorkflow } from '../workflows';
import { startTestWorker, testDataConverter, type TestTemporal } from './support/temporal';
import { uid } from './support/util';
import { signInUsers, startTestWeb, type TestWeb } from './support/web';
import { asText } from './support/history-text';

// Stand-ins for personal data: a valid CPF and a name, which must never reach Temporal in clear.
const NATIONAL_ID = '52998224725';
const FULL_NAME = 'Maria Marcadora Souza';
const config = loadConfig();
const key = (id: string, fill: number) => ({ id, key: createSecretKey(Buffer.alloc(32, fill)) });
const person = () => defaultPayloadConverter.toPayload({ nationalId: NATIONAL_ID, fullName: FULL_NAME });
const readable = (p: Payload) => defaultPayloadConverter.fromPayload<unknown>(p);
const metadataText = (p: Payload) => Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString()]));

describe('the payload codec', () => {
  it('seals a payload whole (no marker, no encoding left) and opens it again', async () => {
    const codec = new PayloadEncryption([key('k1', 1)]);
    const [sealed] = await codec.encode([person()]);
    expect(metadataText(sealed!)).toEqual({ encoding: 'binary/encrypted', 'encryption-key-id': 'k1' });
    expect(asText(sealed)).not.toMatch(new RegExp(`${NATIONAL_ID}|${FULL_NAME}|json/plain`));
    const [opened] = await codec.decode([sealed!]);
    expect(readable(opened!)).toEqual({ nationalId: NATIONAL_ID, fullName: FULL_NAME });
  });

  it('passes through a payload it did not seal (histories recorded before encryption)', async () => {
    const plain = person();
    expect((await new PayloadEncryption([key('k1', 1)]).decode([plain]))[0]).toBe(plain);
  });

  it('refuses a payload under a key id it does not hold, naming the id', async () => {
    const sealed = await new PayloadEncryption([key('k9', 9)]).encode([person()]);
    await expect(new PayloadEncryption([key('k1', 1)]).decode(sealed)).rejects.toThrow(/key id "k9"/);
    // The same id with other bytes: altered, or the wrong key; never opened.
    await expect(new PayloadEncryption([key('k9', 8)]).decode(sealed)).rejects.toThrow(/k9 does not decrypt/);
  });

  it('rotates: a new key first seals, the old one still opens what it sealed', async () => {
    const old = await new PayloadEncryption([key('k1', 1)]).encode([person()]);
    const rotated = new PayloadEncryption([key('k2', 2), key('k1', 1)]);
    expect(readable((await rotated.decode(old))[0]!)).toEqual({ nationalId: NATIONAL_ID, fullName: FULL_NAME });
    const fresh = await rotated.encode([person()]);
    expect(metadataText(fresh[0]!)['encryption-key-id']).toBe('k2');
    await expect(new PayloadEncryption([key('k2', 2)]).decode(old)).rejects.toThrow(/key id "k1"/);
  });

  it('reads TEMPORAL_PAYLOAD_KEYS, refusing a key that is not 32 bytes without printing it', () => {
    const short = Buffer.alloc(16, 5).toString('base64');
    const shortKey = () => loadConfig({ TEMPORAL_PAYLOAD_KEYS: `k1:${short}` });
    expect(shortKey).toThrow(/TEMPORAL_PAYLOAD_KEYS: key k1 is not the base64 of 32 bytes/);
    expect(shortKey).not.toThrow(short);
    const good = Buffer.alloc(32, 6).toString('base64');
    const loaded = loadConfig({ TEMPORAL_PAYLOAD_KEYS: `a:${good}, b:${Buffer.alloc(32, 7).toString('base64')}` });
    expect(loaded.TEMPORAL_PAYLOAD_KEYS.map((k) => k.id)).toEqual(['a', 'b']);
    expect(inspect(loaded, { depth: 5 })).not.toContain(good); // a logged configuration shows no key
    expect(() => loadConfig({ TEMPORAL_PAYLOAD_KEYS: `a:${good},a:${good}` })).toThrow(/key id a is given twice/);
    const pastedAlone = () => loadConfig({ TEMPORAL_PAYLOAD_KEYS: 'aKeyPastedAloneWithoutItsId0123' });
    expect(pastedAlone).toThrow(/TEMPORAL_PAYLOAD_KEYS: each key is/);
    expect(pastedAlone).not.toThrow(/aKeyPasted/);
  });
});

describe('on the real Temporal server', () => {
  let temporal: TestTemporal;
  let connection: Connection;
  const verified = new Set<string>();
  // A decision batch whose registry check fails once, then its rules fail for good, each quoting the person.
  const activities = {
    verifyBatch(batchId: string) {
      if (verified.has(batchId)) return Promise.resolve();
      verified.add(batchId);
      return Promise.reject(new Error(`registry could not verify ${NATIONAL_ID} (${FULL_NAME})`));
    },
    checkBatchAccounts: () => Promise.resolve(),
    decideBatch: () => Promise.reject(ApplicationFailure.nonRetryable(`rules refused ${NATIONAL_ID} (${FULL_NAME})`, 'NotVerified')),
  };
  beforeAll(async () => {
    temporal = await startTestWorker(activities);
    connection = await Connection.connect({ address: config.TEMPORAL_ADDRESS });
  });
  afterAll(async () => {
    await connection?.close();
    await temporal?.close();
  });

  it('stores inputs and failure messages encrypted; the codec reads them back', async () => {
    const workflowId = uid('codec-batch');
    const batchId = `batch of ${FULL_NAME}, ${NATIONAL_ID}`;
    const handle = await temporal.client.workflow.start(DecisionBatchWorkflow, {
      workflowId,
      taskQueue: temporal.taskQueue,
      args: [{ batchId }],
    });
    // Through the codec: the failure as the activity threw it.
    const failed = await handle.result().catch((err: unknown) => err);
    expect(failed).toBeInstanceOf(WorkflowFailedError);
    expect(((failed as WorkflowFailedError).cause?.cause as Error | undefined)?.message).toBe(
      `rules refused ${NATIONAL_ID} (${FULL_NAME})`,
    );

    // Without it (the default data converter: what the server, its UI and tctl see): nothing of the person.
    const plain = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
    const { history } = await plain.workflowService.getWorkflowExecutionHistory({
      namespace: config.TEMPORAL_NAMESPACE,
      execution: { workflowId },
    });
    const events = history?.events ?? [];
    for (const text of [historyToJSON(history!), asText(history)]) {
      expect(text).not.toContain(NATIONAL_ID);
      expect(text).not.toContain(FULL_NAME);
    }
    // The retried attempt's failure and the final one are there, as "Encoded failure" with no stack.
    const retried = events.find((e) => e.activityTaskStartedEventAttributes?.attempt === 2)?.activityTaskStartedEventAttributes;
    expect([retried?.lastFailure?.message, retried?.lastFailure?.stackTrace]).toEqual(['Encoded failure', '']);
    const final = events.find((e) => e.activityTaskFailedEventAttributes)?.activityTaskFailedEventAttributes?.failure;
    expect([final?.message, final?.applicationFailureInfo?.type]).toEqual(['Encoded failure', 'NotVerified']);

    // The started event's input, opened with the processes' codec, is the batch as given.
    const input = events[0]?.workflowExecutionStartedEventAttributes?.input?.payloads ?? [];
    expect(input.map(metadataText)).toEqual([{ encoding: 'binary/encrypted', 'encryption-key-id': 'dev1' }]);
    const [opened] = await testDataConverter().payloadCodecs[0]!.decode(input);
    expect(readable(opened!)).toEqual({ batchId });
  });
});

describe('the codec endpoint of the Temporal UI', () => {
  let web: TestWeb;
  let users: Awaited<ReturnType<typeof signInUsers>>;
  let reviewer: { authorization: string };
  const codec = () => testDataConverter().payloadCodecs[0]!;
  const toJson = (p: Payload) => ({
    metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
    data: Buffer.from(p.data ?? []).toString('base64'),
  });
  const fromJson = (p: { metadata: Record<string, string>; data: string }): Payload => ({
    metadata: Object.fromEntries(Object.entries(p.metadata).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
    data: Buffer.from(p.data, 'base64'),
  });
  const post = (url: string, headers: Record<string, string>, payload: object) =>
    web.app.inject({ method: 'POST', url, headers: { origin: config.TEMPORAL_UI_ORIGIN, ...headers }, payload });
  beforeAll(async () => {
    web = await startTestWeb();
    users = await signInUsers(web.db);
    reviewer = { authorization: `Bearer ${(await createUser(web.db, uid('reviewer'), 'REVIEWER')).token}` };
  });
  afterAll(async () => {
    await web?.close();
  });

  it('decodes for an administrator only, audited with counts, and encodes back', async () => {
    const body = { payloads: [...(await codec().encode([person()])), defaultPayloadConverter.toPayload(7)].map(toJson) };
    const nobody = await post('/codec/decode', {}, body);
    expect([nobody.statusCode, nobody.headers['access-control-allow-origin']]).toEqual([401, config.TEMPORAL_UI_ORIGIN]);
    expect((await post('/codec/decode', users.finance.headers, body)).statusCode).toBe(403);
    expect((await post('/codec/decode', reviewer, body)).statusCode).toBe(403);

    const res = await post('/codec/decode', { ...users.admin.headers, 'x-namespace': config.TEMPORAL_NAMESPACE }, body);
    expect([res.statusCode, res.headers['cache-control']]).toEqual([200, 'no-store']);
    const decoded = res.json<{ payloads: Array<{ metadata: Record<string, string>; data: string }> }>().payloads.map(fromJson);
    expect(decoded.map(readable)).toEqual([{ nationalId: NATIONAL_ID, fullName: FULL_NAME }, 7]);
    const audits = await web.db.auditEvent.findMany({ where: { actor: users.admin.id, action: 'temporal.payloads_decoded' } });
    expect(audits.map((a) => [a.entityId, a.details])).toEqual([[config.TEMPORAL_NAMESPACE, { payloads: 2, decrypted: 1 }]]);

    const encoded = await post('/codec/encode', users.admin.headers, { payloads: [toJson(person())] });
    const sealed = encoded.json<{ payloads: Array<{ metadata: Record<string, string>; data: string }> }>().payloads.map(fromJson);
    expect(asText(sealed)).not.toContain(NATIONAL_ID);
    expect(readable((await codec().decode(sealed))[0]!)).toEqual({ nationalId: NATIONAL_ID, fullName: FULL_NAME });
  });

  it('refuses bad input with a 400 naming the field, never a 500', async () => {
    const fields = async (payload: object, headers: Record<string, string> = {}) => {
      const res = await post('/codec/decode', { ...users.admin.headers, ...headers }, payload);
      return [res.statusCode, Object.keys(res.json<{ fields: object }>().fields)];
    };
    expect(await fields({})).toEqual([400, ['payloads']]);
    expect(await fields({ payloads: [{ data: 'not base64!' }] })).toEqual([400, ['payloads.0.data']]);
    const foreign = await new PayloadEncryption([key('elsewhere', 3)]).encode([person()]);
    expect(await fields({ payloads: [toJson(person()), toJson(foreign[0]!)] })).toEqual([400, ['payloads.1']]);
    expect(await fields({ payloads: [] }, { 'x-namespace': 'another' })).toEqual([400, ['X-Namespace']]);
  });

  it("answers the browser's preflight for the UI's origin only", async () => {
    const preflight = (origin: string) =>
      web.app.inject({
        method: 'OPTIONS',
        url: '/codec/decode',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization,content-type,x-namespace',
        },
      });
    const ui = await preflight(config.TEMPORAL_UI_ORIGIN);
    expect([ui.statusCode, ui.headers['access-control-allow-origin']]).toEqual([204, config.TEMPORAL_UI_ORIGIN]);
    expect(ui.headers['access-control-allow-headers']).toBe('authorization, content-type, x-namespace');
    expect((await preflight('https://elsewhere.example')).headers['access-control-allow-origin']).toBeUndefined();
  });
});

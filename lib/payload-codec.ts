// Temporal sees no personal data: every payload Amparo gives it (workflow and activity inputs and results,
// signals, queries, and failures' messages and stack traces, which lib/temporal-failure-converter.ts moves
// into a payload) is sealed with AES-256-GCM before it leaves the process, as in Temporal's encryption
// sample. The whole Payload is sealed, its own metadata too: Temporal stores `binary/encrypted`, the key's
// id and bytes it cannot read. One data converter for every client, worker and replay, so none forgets it.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import {
  defaultPayloadConverter,
  METADATA_ENCODING_KEY,
  ValueError,
  type DataConverter,
  type LoadedDataConverter,
  type Payload,
  type PayloadCodec,
} from '@temporalio/common';
// The package is CommonJS: Node's ESM loader finds no named exports in it.
import proto from '@temporalio/proto';
import type { Config, NamedKey } from './config';
import { failureConverter } from './temporal-failure-converter';

export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const KEY_ID_METADATA = 'encryption-key-id';
/** GCM's nonce, random for every payload (2^32 payloads under one key keep the collision risk negligible). */
const IV_BYTES = 12;
const TAG_BYTES = 16;
const ProtoPayload = proto.temporal.api.common.v1.Payload;

const text = (bytes: Uint8Array | null | undefined) => (bytes ? Buffer.from(bytes).toString('utf8') : undefined);

export class PayloadEncryption implements PayloadCodec {
  private readonly current: NamedKey;
  private readonly byId: ReadonlyMap<string, NamedKey>;

  /** `keys`: the first encrypts; every one decrypts (the older ones, for histories written before a rotation). */
  constructor(keys: readonly NamedKey[]) {
    if (!keys[0]) throw new Error('TEMPORAL_PAYLOAD_KEYS holds no key');
    this.current = keys[0];
    this.byId = new Map(keys.map((k) => [k.id, k]));
  }

  // Synchronous work in a promise, so that a refusal rejects it rather than throwing at the caller.
  encode(payloads: Payload[]): Promise<Payload[]> {
    return new Promise((resolve) => resolve(payloads.map((p) => this.seal(p))));
  }

  /** Payloads it did not seal pass through: histories recorded before encryption still replay and read. */
  decode(payloads: Payload[]): Promise<Payload[]> {
    return new Promise((resolve) => resolve(payloads.map((p) => (isEncrypted(p) ? this.open(p) : p))));
  }

  private seal(payload: Payload): Payload {
    const { id, key } = this.current;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    const body = Buffer.concat([cipher.update(ProtoPayload.encode(payload).finish()), cipher.final()]);
    return {
      metadata: { [METADATA_ENCODING_KEY]: Buffer.from(ENCRYPTED_ENCODING), [KEY_ID_METADATA]: Buffer.from(id) },
      data: Buffer.concat([iv, body, cipher.getAuthTag()]),
    };
  }

  private open(payload: Payload): Payload {
    const id = text(payload.metadata?.[KEY_ID_METADATA]) ?? '';
    const found = this.byId.get(id);
    // The id is named (it is no secret) so an operator knows which old key to put back; cut short, as it may come from a request.
    if (!found) throw new ValueError(`payload encrypted under key id ${JSON.stringify(id.slice(0, 40))}, not in TEMPORAL_PAYLOAD_KEYS`);
    const data = Buffer.from(payload.data ?? []);
    if (data.length < IV_BYTES + TAG_BYTES) throw new ValueError(`payload under key id ${id} is too short to be encrypted`);
    try {
      const decipher = createDecipheriv('aes-256-gcm', found.key, data.subarray(0, IV_BYTES));
      decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
      const plain = Buffer.concat([decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)), decipher.final()]);
      return ProtoPayload.decode(plain);
    } catch {
      throw new ValueError(`payload under key id ${id} does not decrypt: altered, or sealed by another key of that id`);
    }
  }
}

export const isEncrypted = (payload: Payload): boolean => text(payload.metadata?.[METADATA_ENCODING_KEY]) === ENCRYPTED_ENCODING;

/** Where workers load the failure converter from: the workflow bundle includes it, the main thread requires it. */
export const FAILURE_CONVERTER_PATH = fileURLToPath(new URL('./temporal-failure-converter.ts', import.meta.url));

/**
 * The data converter of every client, worker and replay. It is both forms the SDK takes: a Client uses it
 * as loaded (the failure converter as imported); Worker.create loads the failure converter from its path,
 * and a prebuilt workflow bundle needs that path given to bundleWorkflowCode (test/support/temporal.ts).
 */
export function temporalDataConverter(config: Pick<Config, 'TEMPORAL_PAYLOAD_KEYS'>): DataConverter & LoadedDataConverter {
  return {
    payloadConverter: defaultPayloadConverter,
    failureConverter,
    failureConverterPath: FAILURE_CONVERTER_PATH,
    payloadCodecs: [new PayloadEncryption(config.TEMPORAL_PAYLOAD_KEYS)],
  };
}

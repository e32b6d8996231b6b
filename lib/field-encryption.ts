// Envelope encryption of personal fields (AES-256-GCM, node:crypto). Each value is sealed under a data key;
// data keys are stored only wrapped by a master key, which lives outside the database (configuration here,
// a cloud KMS behind the same MasterKeys interface). A stolen dump or backup holds ciphertext and wrapped
// keys, nothing it can open. A sealed value names its format and data key ("v1.dk1.<base64url>"), and is
// bound to its column (the additional authenticated data), so a value copied into another column, or
// another person's row, does not open.
import { createCipheriv, createDecipheriv, randomBytes, type KeyObject } from 'node:crypto';

const FORMAT = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;

/** Whatever keeps the master keys: wraps and unwraps data keys and never hands a master key out. */
export interface MasterKeys {
  /** The master key new data keys are wrapped with (the first configured). */
  readonly currentId: string;
  wrap(dataKey: Buffer): { masterKeyId: string; wrapped: string };
  unwrap(masterKeyId: string, wrapped: string): Buffer;
}

/** A data key as stored: its id and its bytes wrapped under a master key. */
export interface StoredDataKey {
  id: string;
  masterKeyId: string;
  wrapped: string;
}

/** A value or a key that cannot be opened: unknown key, tampered with, or not sealed at all. Never carries the value. */
export class SealedValueError extends Error {
  override name = 'SealedValueError';
}

function gcmSeal(key: Buffer | KeyObject, plain: Buffer, aad: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(aad));
  const body = Buffer.concat([cipher.update(plain), cipher.final()]);
  return Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url');
}

function gcmOpen(key: Buffer | KeyObject, sealed: string, aad: string): Buffer {
  const raw = Buffer.from(sealed, 'base64url');
  if (raw.length < IV_BYTES + TAG_BYTES) throw new SealedValueError('sealed value too short');
  const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV_BYTES));
  decipher.setAAD(Buffer.from(aad));
  decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
  try {
    return Buffer.concat([decipher.update(raw.subarray(IV_BYTES, raw.length - TAG_BYTES)), decipher.final()]);
  } catch {
    throw new SealedValueError(`sealed value does not authenticate (${aad}): wrong key or altered`);
  }
}

/** Master keys from configuration ("m2:<base64>,m1:<base64>"): the first wraps, every one unwraps. */
export class ConfiguredMasterKeys implements MasterKeys {
  readonly currentId: string;
  private readonly keys: Map<string, KeyObject>;

  constructor(keys: ReadonlyArray<{ id: string; key: KeyObject }>) {
    if (keys.length === 0) throw new Error('no master key configured');
    for (const k of keys) if (k.key.symmetricKeySize !== KEY_BYTES) throw new Error(`master key ${k.id} is not ${KEY_BYTES} bytes`);
    this.keys = new Map(keys.map((k) => [k.id, k.key]));
    this.currentId = keys[0]!.id;
  }

  wrap(dataKey: Buffer): { masterKeyId: string; wrapped: string } {
    return { masterKeyId: this.currentId, wrapped: gcmSeal(this.keys.get(this.currentId)!, dataKey, `data-key:${this.currentId}`) };
  }

  unwrap(masterKeyId: string, wrapped: string): Buffer {
    const key = this.keys.get(masterKeyId);
    if (!key) throw new SealedValueError(`data key wrapped under master key ${masterKeyId}, which is not configured (PII_MASTER_KEYS)`);
    return gcmOpen(key, wrapped, `data-key:${masterKeyId}`);
  }
}

/** A new data key, wrapped: what the key table stores. */
export function newDataKey(id: string, master: MasterKeys): StoredDataKey {
  return { id, ...master.wrap(randomBytes(KEY_BYTES)) };
}

/** The same data key wrapped under the current master key (rotation of the master key). */
export function rewrapDataKey(key: StoredDataKey, master: MasterKeys): StoredDataKey {
  return { id: key.id, ...master.wrap(master.unwrap(key.masterKeyId, key.wrapped)) };
}

/** Seals and opens values with the data keys it was given; the last one seals. */
export class FieldCipher {
  private readonly keys: Map<string, Buffer>;
  private readonly sealingId: string;

  constructor(dataKeys: readonly StoredDataKey[], master: MasterKeys) {
    if (dataKeys.length === 0) throw new Error('no data key');
    this.keys = new Map(dataKeys.map((k) => [k.id, master.unwrap(k.masterKeyId, k.wrapped)]));
    this.sealingId = dataKeys[dataKeys.length - 1]!.id;
  }

  /** `field` names the column ("application.full_name"): the value opens only as that column's. */
  seal(field: string, value: string): string {
    return `${FORMAT}.${this.sealingId}.${gcmSeal(this.keys.get(this.sealingId)!, Buffer.from(value, 'utf8'), field)}`;
  }

  open(field: string, sealed: string): string {
    const [format, keyId, body] = sealed.split('.');
    if (format !== FORMAT || !keyId || body === undefined) throw new SealedValueError(`${field} holds a value that is not sealed`);
    const key = this.keys.get(keyId);
    if (!key) throw new SealedValueError(`${field} is sealed under data key ${keyId}, which is unknown here`);
    return gcmOpen(key, body, field).toString('utf8');
  }

  /** Whether a stored value is sealed under the key new values are sealed with (a re-seal skips it). */
  sealedWithCurrentKey(sealed: string): boolean {
    return sealed.startsWith(`${FORMAT}.${this.sealingId}.`);
  }
}

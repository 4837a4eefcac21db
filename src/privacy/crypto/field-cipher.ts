import {
  type CipherGCMTypes,
  createCipheriv,
  createDecipheriv,
  createSecretKey,
  type KeyObject,
  getCiphers,
  randomBytes,
} from 'node:crypto';
import {
  type FieldBinding,
  FieldDecryptionError,
  KeyUnavailableError,
} from './field-decryption.error.js';
import type { KeyRing } from './key-ring.js';

export type FieldAlgorithm = 'aes-256-gcm' | 'aria-256-gcm';
export const FIELD_ALGORITHMS: readonly FieldAlgorithm[] = ['aes-256-gcm', 'aria-256-gcm'];

const ALGORITHM_IDS: Record<FieldAlgorithm, number> = { 'aes-256-gcm': 1, 'aria-256-gcm': 2 };
/** Node's types list only the AES GCM names; OpenSSL's ARIA-GCM takes the same options. */
const gcm = (algorithm: FieldAlgorithm): CipherGCMTypes => algorithm as CipherGCMTypes;

const ALGORITHMS_BY_ID = new Map<number, FieldAlgorithm>(
  FIELD_ALGORITHMS.map((a) => [ALGORITHM_IDS[a], a]),
);

export const FORMAT_VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** format (1) · algorithm (1) · key version (4, big-endian) */
const HEADER_BYTES = 6;
const IV_AT = HEADER_BYTES;
const TAG_AT = IV_AT + IV_BYTES;
/** Bytes a ciphertext adds to its plaintext: 6 + 12 + 16 = 34. */
export const CIPHERTEXT_OVERHEAD = TAG_AT + TAG_BYTES;

/**
 * Envelope encryption of one field value. The ciphertext is a Buffer, stored as BSON Binary:
 *
 *   [0] format version (1)  [1] algorithm (1 AES-256-GCM, 2 ARIA-256-GCM)
 *   [2..5] key version, uint32 BE  [6..17] IV  [18..33] GCM tag  [34..] ciphertext
 *
 * Binary rather than a base64url string: 34 bytes of overhead instead of ~46 plus a third more
 * for the body, and no encoding pass on every read and write. The header and the binding
 * (collection, field, document id) are the GCM additional authenticated data, so a changed
 * header, a value copied to another record or field, or any flipped bit fails authentication.
 * The algorithm and key version come from the ciphertext, so data written before a rotation or
 * under the other algorithm still decrypts.
 */
/**
 * Each data key as a `KeyObject`, made once per key buffer: given a Buffer, `createCipheriv`
 * imports the key again on every call, which was the largest single cost of a field operation.
 * Weak, so a key the ring drops is not kept alive here.
 */
const KEY_OBJECTS = new WeakMap<Buffer, KeyObject>();
function keyObject(key: Buffer): KeyObject {
  let object = KEY_OBJECTS.get(key);
  if (!object) {
    object = createSecretKey(key);
    KEY_OBJECTS.set(key, object);
  }
  return object;
}

/**
 * IVs cut from a pool of random bytes drawn 4 KiB at a time. One `randomBytes` call per IV
 * entered OpenSSL's generator every time, a fifth of the migration's per-document cost (and of
 * every sealed write); Node's `randomUUID` caches its random bytes the same way. Each IV is still
 * fresh output of the CSPRNG, handed out once: the pool only moves forward.
 */
const IV_POOL_BYTES = IV_BYTES * 340;
let ivPool = Buffer.alloc(0);
let ivPoolAt = 0;
function freshIv(target: Buffer, at: number): void {
  if (ivPoolAt + IV_BYTES > ivPool.length) {
    ivPool = randomBytes(IV_POOL_BYTES);
    ivPoolAt = 0;
  }
  ivPool.copy(target, at, ivPoolAt, ivPoolAt + IV_BYTES);
  ivPool.fill(0, ivPoolAt, ivPoolAt + IV_BYTES);
  ivPoolAt += IV_BYTES;
}

export class FieldCipher {
  constructor(
    private readonly keys: KeyRing,
    readonly algorithm: FieldAlgorithm = 'aes-256-gcm',
  ) {
    if (!(algorithm in ALGORITHM_IDS)) throw new Error(`unknown field algorithm ${algorithm}`);
    // ARIA comes from the OpenSSL Node links; a build without it must fail at start, not on use.
    if (!getCiphers().includes(algorithm)) {
      throw new Error(`this Node's OpenSSL has no ${algorithm}`);
    }
  }

  encrypt(plaintext: string, binding: FieldBinding): Buffer {
    const version = this.keys.currentVersion;
    const key = this.keys.dataKey(version);
    if (!key) {
      throw new KeyUnavailableError(
        `the current key version ${version} has expired; encryptLoading unwraps it again`,
      );
    }
    const body = Buffer.from(plaintext, 'utf8');
    const out = Buffer.allocUnsafe(CIPHERTEXT_OVERHEAD + body.length);
    out[0] = FORMAT_VERSION;
    out[1] = ALGORITHM_IDS[this.algorithm];
    out.writeUInt32BE(version, 2);
    freshIv(out, IV_AT);
    const iv = out.subarray(IV_AT, IV_AT + IV_BYTES);
    const cipher = createCipheriv(gcm(this.algorithm), keyObject(key), iv, {
      authTagLength: TAG_BYTES,
    });
    cipher.setAAD(additionalData(out, binding));
    const written = cipher.update(body);
    written.copy(out, CIPHERTEXT_OVERHEAD);
    cipher.final();
    cipher.getAuthTag().copy(out, TAG_AT);
    return out;
  }

  /**
   * `encrypt`, but the current key is first unwrapped again when its TTL has passed. Rejects with
   * `KeyUnavailableError` (503) when the provider cannot unwrap it.
   */
  async encryptLoading(plaintext: string, binding: FieldBinding): Promise<Buffer> {
    if (!this.keys.dataKey(this.keys.currentVersion)) await this.keys.ensure();
    return this.encrypt(plaintext, binding);
  }

  /**
   * `decrypt`, but a key that expired, or a version this instance does not hold yet (rotated by
   * another instance), is first unwrapped through the key ring. Rejects with
   * `KeyUnavailableError` (503) when the provider cannot unwrap it; with `FieldDecryptionError`
   * when the version does not exist.
   */
  async decryptLoading(ciphertext: Uint8Array, binding: FieldBinding): Promise<string> {
    const version = keyVersionOf(ciphertext);
    if (version !== undefined && !this.keys.dataKey(version)) await this.keys.ensure(version);
    return this.decrypt(ciphertext, binding);
  }

  /** The plaintext, or a `FieldDecryptionError` naming the record and field. */
  decrypt(ciphertext: Uint8Array, binding: FieldBinding): string {
    const data = Buffer.isBuffer(ciphertext)
      ? ciphertext
      : Buffer.from(ciphertext.buffer, ciphertext.byteOffset, ciphertext.byteLength);
    if (data.length < CIPHERTEXT_OVERHEAD) throw new FieldDecryptionError(binding, 'malformed');
    if (data[0] !== FORMAT_VERSION) {
      throw new FieldDecryptionError(binding, 'unsupported_format');
    }
    const algorithm = ALGORITHMS_BY_ID.get(data[1] ?? 0);
    if (!algorithm) throw new FieldDecryptionError(binding, 'unknown_algorithm');
    const version = data.readUInt32BE(2);
    const key = this.keys.dataKey(version);
    if (!key) {
      if (this.keys.hasVersion(version)) {
        throw new KeyUnavailableError(
          `key version ${version} has expired; decryptLoading unwraps it again`,
        );
      }
      throw new FieldDecryptionError(binding, 'unknown_key_version', version);
    }
    try {
      const decipher = createDecipheriv(
        gcm(algorithm),
        keyObject(key),
        data.subarray(IV_AT, TAG_AT),
        {
          authTagLength: TAG_BYTES,
        },
      );
      decipher.setAAD(additionalData(data, binding));
      decipher.setAuthTag(data.subarray(TAG_AT, CIPHERTEXT_OVERHEAD));
      const head = decipher.update(data.subarray(CIPHERTEXT_OVERHEAD));
      const tail = decipher.final();
      return (tail.length ? Buffer.concat([head, tail]) : head).toString('utf8');
    } catch {
      throw new FieldDecryptionError(binding, 'authentication_failed', version);
    }
  }
}

/** The key version a ciphertext names, or undefined when it is too short to name one. */
export function keyVersionOf(ciphertext: Uint8Array): number | undefined {
  if (ciphertext.length < HEADER_BYTES) return undefined;
  return new DataView(ciphertext.buffer, ciphertext.byteOffset, HEADER_BYTES).getUint32(2);
}

/** Header bytes + the binding as a JSON array (unambiguous whatever the names contain). */
function additionalData(header: Buffer, binding: FieldBinding): Buffer {
  const where = JSON.stringify([binding.collection, binding.field, binding.documentId]);
  const aad = Buffer.allocUnsafe(HEADER_BYTES + Buffer.byteLength(where));
  header.copy(aad, 0, 0, HEADER_BYTES);
  aad.write(where, HEADER_BYTES, 'utf8');
  return aad;
}

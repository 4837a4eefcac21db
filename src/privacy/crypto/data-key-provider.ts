import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

export const DATA_KEY_BYTES = 32;

export interface DataKey {
  plaintext: Buffer;
  /** The data key wrapped under the provider's master key; the only form that is stored. */
  wrapped: Buffer;
}

/**
 * Wraps and unwraps data keys under a master key the application never sees in `aws` mode
 * (KMS `GenerateDataKey` / `Decrypt`) or a local master key in `local` mode.
 */
export interface DataKeyProvider {
  /** Stored beside the wrapped keys, so a key file is never unwrapped by the wrong provider. */
  readonly name: string;
  generateDataKey(): Promise<DataKey>;
  decrypt(wrapped: Buffer): Promise<Buffer>;
}

const WRAP_IV_BYTES = 12;
const WRAP_TAG_BYTES = 16;
const WRAP_AAD = Buffer.from('workmatch data key v1');

/**
 * `local` mode: data keys wrapped with AES-256-GCM under a 32-byte master key that lives in the
 * key file under the data directory. It stands in for KMS; it protects nothing the file's mode
 * does not already protect, but keeps the stored form and the code path the same as in `aws`.
 */
export class LocalDataKeyProvider implements DataKeyProvider {
  readonly name = 'local';

  constructor(private readonly masterKey: Buffer) {
    if (masterKey.length !== DATA_KEY_BYTES) {
      throw new Error(`the local master key must be ${DATA_KEY_BYTES} bytes`);
    }
  }

  generateDataKey(): Promise<DataKey> {
    const plaintext = randomBytes(DATA_KEY_BYTES);
    const iv = randomBytes(WRAP_IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.masterKey, iv).setAAD(WRAP_AAD);
    const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    const wrapped = Buffer.concat([iv, cipher.getAuthTag(), body]);
    return Promise.resolve({ plaintext, wrapped });
  }

  decrypt(wrapped: Buffer): Promise<Buffer> {
    if (wrapped.length !== WRAP_IV_BYTES + WRAP_TAG_BYTES + DATA_KEY_BYTES) {
      return Promise.reject(new Error('a wrapped data key has the wrong length'));
    }
    try {
      const decipher = createDecipheriv(
        'aes-256-gcm',
        this.masterKey,
        wrapped.subarray(0, WRAP_IV_BYTES),
      ).setAAD(WRAP_AAD);
      decipher.setAuthTag(wrapped.subarray(WRAP_IV_BYTES, WRAP_IV_BYTES + WRAP_TAG_BYTES));
      const key = Buffer.concat([
        decipher.update(wrapped.subarray(WRAP_IV_BYTES + WRAP_TAG_BYTES)),
        decipher.final(),
      ]);
      return Promise.resolve(key);
    } catch {
      return Promise.reject(new Error('a wrapped data key does not unwrap under the master key'));
    }
  }
}

import { createCipheriv, createHash, scrypt, timingSafeEqual } from 'node:crypto';
import { decodeBase64, type FirebaseHashParameters } from '../../config/firebase-hash-config.js';

// Configuration owns the shape it reads (ARCHITECTURE: config imports nothing above it).
export { decodeBase64, type FirebaseHashParameters };

/**
 * Firebase Auth's modified scrypt (firebase/scrypt README; migration.md §3.2): the scrypt key
 * derived from the password and `salt || saltSeparator` is used as an AES-256-CTR key (all-zero
 * IV) to encrypt the project's signer key, and that ciphertext is the stored hash. Standard scrypt
 * libraries cannot verify these hashes, so this is written on node:crypto.
 */

/** What Firebase stores per user, base64 as `firebase auth:export` writes it. */
export interface FirebasePasswordRecord {
  passwordHash: string;
  salt: string;
}

const KEY_LENGTH = 32;
const PARALLELISM = 1;
const ZERO_IV = Buffer.alloc(16);

function deriveKey(
  password: string,
  salt: Buffer,
  params: FirebaseHashParameters,
): Promise<Buffer> {
  const N = 2 ** params.memCost;
  const r = params.rounds;
  // What OpenSSL allocates (128·r·(N + 2) for V plus 128·r·p for B), with room to spare: node's
  // default 32 MiB cap refuses projects with a higher mem_cost (nodejs/node#21524).
  const maxmem = 128 * r * (N + 2 + PARALLELISM) + 1024 * 1024;
  return new Promise((resolve, reject) => {
    scrypt(
      Buffer.from(password, 'utf8'),
      Buffer.concat([salt, params.saltSeparator]),
      KEY_LENGTH,
      { N, r, p: PARALLELISM, maxmem },
      (error, key) => (error ? reject(error) : resolve(key)),
    );
  });
}

async function computeHash(
  password: string,
  salt: Buffer,
  params: FirebaseHashParameters,
): Promise<Buffer> {
  const key = await deriveKey(password, salt, params);
  const cipher = createCipheriv('aes-256-ctr', key, ZERO_IV);
  return Buffer.concat([cipher.update(params.signerKey), cipher.final()]);
}

/**
 * The hash Firebase would store for `password` with this base64 `salt`: what an export holds.
 * Production never needs it (we only verify); tests and fixtures build legacy users with it.
 */
export async function hashFirebasePassword(
  password: string,
  salt: string,
  params: FirebaseHashParameters,
): Promise<string> {
  const saltBytes = decodeBase64(salt);
  if (!saltBytes) throw new Error('the salt is not base64');
  return (await computeHash(password, saltBytes, params)).toString('base64');
}

/**
 * Whether `password` is the one behind the stored hash. Damaged input (a hash or salt that is
 * not base64, a hash of the wrong length) answers false, never throws; the comparison takes the
 * same time wherever the bytes differ.
 */
export async function verifyFirebasePassword(
  password: string,
  record: FirebasePasswordRecord,
  params: FirebaseHashParameters,
): Promise<boolean> {
  const expected = decodeBase64(record.passwordHash);
  const salt = decodeBase64(record.salt);
  if (!expected || !salt || expected.length !== params.signerKey.length) return false;
  try {
    return timingSafeEqual(await computeHash(password, salt, params), expected);
  } catch {
    return false;
  }
}

/**
 * A stable, non-secret name for a set of parameters (the signer key is 64 random bytes, so its
 * digest gives nothing away): the import records it, and the triggers refuse to run with other
 * parameters than the users were imported with, instead of failing every password quietly.
 */
export function fingerprintHashParameters(params: FirebaseHashParameters): string {
  return createHash('sha256')
    .update(
      JSON.stringify([
        params.signerKey.toString('base64'),
        params.saltSeparator.toString('base64'),
        params.rounds,
        params.memCost,
      ]),
    )
    .digest('hex');
}

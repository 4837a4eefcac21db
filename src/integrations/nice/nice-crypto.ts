import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  timingSafeEqual,
} from 'node:crypto';
import { toKstIso } from '../../platform/time/kst.js';

/**
 * The NICE API's symmetric scheme (providers.md §1.1). NICE publishes no Node module, so this is
 * written here; node:crypto does the cryptography, this file only follows NICE's recipe.
 */
export interface NiceKeys {
  key: Buffer;
  iv: Buffer;
  hmacKey: Buffer;
}

/**
 * key = first 16, iv = last 16 and HMAC key = first 32 characters of base64(sha256(req_dtim +
 * req_no + token_val)): characters of the base64 *string*, not bytes of the digest (the mistake
 * providers.md reports in Node ports). 실명확인 takes the last 32 characters for its HMAC key
 * ([P] in providers.md: `hmacFrom: 'end'`).
 */
export function deriveNiceKeys(
  reqDtim: string,
  reqNo: string,
  tokenVal: string,
  hmacFrom: 'start' | 'end' = 'start',
): NiceKeys {
  const h = createHash('sha256')
    .update(reqDtim + reqNo + tokenVal)
    .digest('base64');
  return {
    key: Buffer.from(h.slice(0, 16), 'ascii'),
    iv: Buffer.from(h.slice(-16), 'ascii'),
    hmacKey: Buffer.from(hmacFrom === 'start' ? h.slice(0, 32) : h.slice(-32), 'ascii'),
  };
}

/** base64(AES-128-CBC-PKCS7(plaintext)). */
export function niceEncrypt(keys: NiceKeys, plaintext: Buffer | string): string {
  const cipher = createCipheriv('aes-128-cbc', keys.key, keys.iv);
  return Buffer.concat([cipher.update(plaintext), cipher.final()]).toString('base64');
}

/** Undefined when the ciphertext does not decrypt (bad padding, wrong length, not base64). */
export function niceDecrypt(keys: NiceKeys, encData: string): Buffer | undefined {
  try {
    const decipher = createDecipheriv('aes-128-cbc', keys.key, keys.iv);
    return Buffer.concat([decipher.update(Buffer.from(encData, 'base64')), decipher.final()]);
  } catch {
    return undefined;
  }
}

/** base64(HMAC-SHA256(hmacKey, text)): over the base64 *string* of enc_data, as NICE does. */
export function niceIntegrity(keys: NiceKeys, text: string): string {
  return createHmac('sha256', keys.hmacKey).update(text).digest('base64');
}

/** Constant-time comparison of an integrity value with the one we compute. */
export function niceIntegrityMatches(keys: NiceKeys, text: string, integrity: string): boolean {
  const expected = Buffer.from(niceIntegrity(keys, text));
  const given = Buffer.from(integrity);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/** `req_dtim`: yyyyMMddHHmmss, KST wall clock. */
export function niceReqDtim(at: Date): string {
  return toKstIso(at).slice(0, 19).replace(/\D/g, '');
}

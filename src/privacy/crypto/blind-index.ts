import { createHmac, createSecretKey, type KeyObject } from 'node:crypto';

export type BlindIndexKind = 'phone' | 'ci' | 'bankAccount' | 'businessNumber' | 'email' | 'ip';

/** A value that cannot be normalized for its kind. Names the kind only, never the value. */
export class BlindIndexInputError extends Error {
  constructor(
    readonly kind: BlindIndexKind,
    reason: string,
  ) {
    super(`cannot index a ${kind}: ${reason}`);
    this.name = 'BlindIndexInputError';
  }
}

const digitsOnly = (value: string): string => value.replace(/\D/g, '');

/**
 * Korean phone numbers in national form: `010-1234-5678`, `01012345678`, `+82 10 1234 5678`
 * and `+82 (0)10-1234-5678` all become `01012345678`.
 */
export function normalizePhone(value: string): string {
  const trimmed = value.trim();
  let digits = digitsOnly(trimmed);
  if (trimmed.startsWith('+') || trimmed.startsWith('00')) {
    if (trimmed.startsWith('00')) digits = digits.slice(2);
    if (!digits.startsWith('82')) {
      throw new BlindIndexInputError('phone', 'only Korean (+82) numbers are indexed');
    }
    digits = digits.slice(2);
    if (!digits.startsWith('0')) digits = `0${digits}`;
  }
  if (!/^0\d{8,10}$/.test(digits)) {
    throw new BlindIndexInputError('phone', 'expected 9 to 11 digits starting with 0');
  }
  return digits;
}

/** 연계정보 (CI) from an identity verification provider: an opaque string, trimmed. */
export function normalizeCi(value: string): string {
  const ci = value.trim();
  if (!ci) throw new BlindIndexInputError('ci', 'empty');
  return ci;
}

/** Bank account numbers: digits only (banks print them with and without hyphens). */
export function normalizeBankAccount(value: string): string {
  const digits = digitsOnly(value);
  if (digits.length < 6 || digits.length > 20) {
    throw new BlindIndexInputError('bankAccount', 'expected 6 to 20 digits');
  }
  return digits;
}

/** 사업자등록번호: digits only, exactly 10 (`123-45-67890`). */
export function normalizeBusinessNumber(value: string): string {
  const digits = digitsOnly(value);
  if (digits.length !== 10) throw new BlindIndexInputError('businessNumber', 'expected 10 digits');
  return digits;
}

/** Email addresses: trimmed and lower-cased (`Hong@Example.com` = `hong@example.com`). */
export function normalizeEmail(value: string): string {
  const email = value.trim().toLowerCase();
  if (!/^[^\s@]+@[^\s@]+$/.test(email)) throw new BlindIndexInputError('email', 'not an address');
  return email;
}

/** Client IP addresses (for counting, e.g. failed logins): trimmed, IPv6 lower-cased. */
export function normalizeIp(value: string): string {
  const ip = value.trim().toLowerCase();
  if (!ip) throw new BlindIndexInputError('ip', 'empty');
  return ip;
}

const NORMALIZERS: Record<BlindIndexKind, (value: string) => string> = {
  phone: normalizePhone,
  ci: normalizeCi,
  bankAccount: normalizeBankAccount,
  businessNumber: normalizeBusinessNumber,
  email: normalizeEmail,
  ip: normalizeIp,
};

/**
 * Bytes of HMAC kept: 16 (128 bits, 22 base64url characters). A false match needs a collision
 * among the stored values (about 2^64 of them for even odds), far beyond any member count, and
 * truncation gives up nothing that matters: the inputs are low-entropy (phone numbers), so what
 * protects them is the secrecy of the key, not the length of the tag.
 */
const BLIND_INDEX_BYTES = 16;

/**
 * HMAC-SHA256 blind indexes for equality lookups on encrypted fields, under a key used for
 * nothing else. The kind is part of the MAC input, so the same digits as an account number and
 * as a business number index differently.
 */
export class BlindIndex {
  /** Imported once: given a Buffer, `createHmac` imports the key again on every call. */
  private readonly key: KeyObject;

  constructor(key: Buffer) {
    if (key.length < 32) throw new Error('a blind index key must be at least 32 bytes');
    this.key = createSecretKey(key);
  }

  compute(kind: BlindIndexKind, value: string): string {
    const normalized = NORMALIZERS[kind](value);
    return createHmac('sha256', this.key)
      .update(kind)
      .update('\0')
      .update(normalized, 'utf8')
      .digest()
      .subarray(0, BLIND_INDEX_BYTES)
      .toString('base64url');
  }
}

/**
 * Blind indexes under the key ring's index key, which the ring unwraps again (KMS `Decrypt`)
 * when its time in memory is up; rejects with `KeyUnavailableError` (503) when it cannot.
 */
export class KeyRingBlindIndex {
  private current: { key: Buffer; index: BlindIndex } | undefined;

  constructor(private readonly keys: { ensureBlindIndexKey(): Promise<Buffer> }) {}

  async compute(kind: BlindIndexKind, value: string): Promise<string> {
    const key = await this.keys.ensureBlindIndexKey();
    if (this.current?.key !== key) this.current = { key, index: new BlindIndex(key) };
    return this.current.index.compute(kind, value);
  }
}

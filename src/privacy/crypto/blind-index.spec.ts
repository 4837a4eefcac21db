import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  BlindIndex,
  BlindIndexInputError,
  normalizeBankAccount,
  normalizeBusinessNumber,
  normalizeCi,
  normalizeEmail,
  normalizeIp,
  normalizePhone,
} from './blind-index.js';

describe('normalizers', () => {
  it.each([
    ['010-1234-5678', '01012345678'],
    ['01012345678', '01012345678'],
    ['+82 10 1234 5678', '01012345678'],
    ['+82 (0)10-1234-5678', '01012345678'],
    ['+82-10-1234-5678', '01012345678'],
    ['0082 10 1234 5678', '01012345678'],
    [' 010.1234.5678 ', '01012345678'],
    ['02-123-4567', '021234567'],
    ['+82 2 1234 5678', '0212345678'],
  ])('normalizes the phone number %s to %s', (input, expected) => {
    expect(normalizePhone(input)).toBe(expected);
  });

  it.each(['', '12345', '+1 415 555 0100', '1012345678', '010-1234-56789-0'])(
    'refuses %j as a phone number without repeating it',
    (input) => {
      expect(() => normalizePhone(input)).toThrow(BlindIndexInputError);
      try {
        normalizePhone(input);
      } catch (error) {
        if (input) expect((error as Error).message).not.toContain(input);
      }
    },
  );

  it('trims a CI and refuses an empty one', () => {
    expect(normalizeCi('  abc+/==\n')).toBe('abc+/==');
    expect(() => normalizeCi('  ')).toThrow(BlindIndexInputError);
  });

  it('keeps only the digits of a bank account number', () => {
    expect(normalizeBankAccount('110-123-456789')).toBe('110123456789');
    expect(normalizeBankAccount('110 123 456789')).toBe('110123456789');
    expect(() => normalizeBankAccount('12-34')).toThrow(BlindIndexInputError);
  });

  it('keeps the 10 digits of a business registration number', () => {
    expect(normalizeBusinessNumber('123-45-67890')).toBe('1234567890');
    expect(() => normalizeBusinessNumber('123-45-6789')).toThrow(BlindIndexInputError);
    expect(() => normalizeBusinessNumber('123-45-678901')).toThrow(BlindIndexInputError);
  });

  it('lower-cases and trims an email address and refuses a non-address', () => {
    expect(normalizeEmail(' Hong.GilDong@Example.COM ')).toBe('hong.gildong@example.com');
    expect(() => normalizeEmail('hong at example.com')).toThrow(BlindIndexInputError);
  });

  it('lower-cases an IPv6 address and refuses an empty one', () => {
    expect(normalizeIp('2001:DB8::1')).toBe('2001:db8::1');
    expect(() => normalizeIp(' ')).toThrow(BlindIndexInputError);
  });
});

describe('BlindIndex', () => {
  const sut = new BlindIndex(randomBytes(32));

  it('indexes every format of one phone number the same', () => {
    const indexes = ['010-1234-5678', '01012345678', '+82 10 1234 5678'].map((v) =>
      sut.compute('phone', v),
    );
    expect(new Set(indexes).size).toBe(1);
  });

  it('indexes different numbers differently', () => {
    expect(sut.compute('phone', '010-1234-5678')).not.toBe(sut.compute('phone', '010-1234-5679'));
    expect(sut.compute('bankAccount', '110-123-456789')).not.toBe(
      sut.compute('bankAccount', '110-123-456788'),
    );
  });

  it('is compact: 16 bytes as 22 base64url characters', () => {
    expect(sut.compute('ci', 'x')).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });

  it('separates kinds: the same digits as an account and a business number differ', () => {
    expect(sut.compute('bankAccount', '1234567890')).not.toBe(
      sut.compute('businessNumber', '1234567890'),
    );
  });

  it('depends on the key', () => {
    const other = new BlindIndex(randomBytes(32));
    expect(other.compute('phone', '01012345678')).not.toBe(sut.compute('phone', '01012345678'));
  });

  it('refuses a key shorter than 32 bytes', () => {
    expect(() => new BlindIndex(randomBytes(16))).toThrow(/32 bytes/);
  });
});

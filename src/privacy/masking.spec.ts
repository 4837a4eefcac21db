import { describe, expect, it } from 'vitest';
import { maskEmail, maskPhone } from './masking.js';

describe('maskEmail', () => {
  it('keeps the first two characters of the local part and the domain', () => {
    expect(maskEmail('abcdef@example.com')).toBe('ab***@example.com');
  });

  it('keeps one character of a short local part', () => {
    expect(maskEmail('ab@example.com')).toBe('a***@example.com');
    expect(maskEmail('a@example.com')).toBe('a***@example.com');
  });

  it('hides a value that is not an address entirely', () => {
    expect(maskEmail('not-an-email')).toBe('***');
  });
});

describe('maskPhone', () => {
  it('shows a Korean mobile number in national form with the middle hidden', () => {
    expect(maskPhone('+821012345678')).toBe('010-****-5678');
    expect(maskPhone('010-1234-5678')).toBe('010-****-5678');
    expect(maskPhone('0111235678')).toBe('011-****-5678');
  });

  it('keeps only the last four digits of another number', () => {
    expect(maskPhone('+14155550123')).toBe('***-0123');
  });
});

import { describe, expect, it } from 'vitest';
import {
  businessNumberCheckDigit,
  formatBusinessNumber,
  parseBusinessNumber,
} from './business-number.js';

describe('business registration numbers (사업자등록번호)', () => {
  // Published numbers of well-known companies: their check digits are right.
  it.each([
    ['124-81-00998', '1248100998'],
    ['220-81-62517', '2208162517'],
    ['120-81-47521', '1208147521'],
    ['120-88-00767', '1208800767'],
    ['104-81-43125', '1048143125'],
    ['1248100998', '1248100998'],
    [' 220 - 81 - 62517 ', '2208162517'],
  ])('accepts %j as %s', (input, digits) => {
    expect(parseBusinessNumber(input)).toBe(digits);
  });

  it.each([
    ['123-45-67890', 'wrong check digit'],
    ['124-81-00997', 'check digit off by one'],
    ['220-81-62518', 'check digit off by one'],
    ['214-81-00998', 'transposed digits'],
    ['124-81-0099', 'nine digits'],
    ['124-81-009981', 'eleven digits'],
    ['12-481-00998', 'hyphens in the wrong places'],
    ['124.81.00998', 'dots'],
    ['１２４-81-00998', 'full-width digits'],
    ['', 'empty'],
  ])('refuses %j (%s)', (input) => {
    expect(parseBusinessNumber(input)).toBeUndefined();
  });

  it('weighs the ninth digit twice, once as floor(d9 × 5 / 10)', () => {
    // 1·1+2·3+4·7+8·1+1·3+0·7+0·1+9·3+9·5 = 118, + floor(45/10) = 122 → (10 − 2) % 10 = 8.
    expect(businessNumberCheckDigit('124810099')).toBe(8);
    expect(businessNumberCheckDigit('000000000')).toBe(0);
  });

  it('writes ten digits with the usual hyphens', () => {
    expect(formatBusinessNumber('1248100998')).toBe('124-81-00998');
  });
});

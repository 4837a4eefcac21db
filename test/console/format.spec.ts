import { describe, expect, it } from 'vitest';
import {
  formatChange,
  formatDate,
  formatDateTime,
  formatMonth,
  formatNumber,
  formatRate,
  formatPhone,
  formatWon,
} from '../../console/src/format.js';

describe("the console's Korean formats", () => {
  it('shows the KST calendar day with its weekday, whatever the instant’s offset', () => {
    // 2026-12-05 23:30 in UTC is already Sunday the 6th in Seoul.
    expect(formatDate('2026-12-05T23:30:00Z')).toBe('2026. 12. 6. (일)');
    expect(formatDate(new Date('2026-12-06T14:59:59Z'))).toBe('2026. 12. 6. (일)');
    expect(formatDate('2026-12-06T15:00:00Z')).toBe('2026. 12. 7. (월)');
  });

  it('shows times on a 24-hour clock in KST', () => {
    expect(formatDateTime('2026-12-06T05:05:00Z')).toBe('2026. 12. 6. (일) 14:05');
  });

  it('names a KST month', () => {
    expect(formatMonth('2026-11')).toBe('2026년 11월');
    expect(formatMonth('2027-01')).toBe('2027년 1월');
  });

  it('shows won with the sign and thousands separators, and counts, rates and changes', () => {
    expect(formatWon(1_234_000)).toBe('₩1,234,000');
    expect(formatNumber(1234.56)).toBe('1,234.6');
    expect(formatRate(0.1234)).toBe('12.3%');
    expect(formatChange(0.25)).toBe('+25.0%');
    expect(formatChange(-0.031)).toBe('-3.1%');
  });

  it('writes a mobile number kept as +82… the Korean way', () => {
    expect(formatPhone('+821012345678')).toBe('010-1234-5678');
    expect(formatPhone('+82111234567')).toBe('011-123-4567');
    expect(formatPhone('not a phone')).toBe('not a phone');
  });
});

import { describe, expect, it } from 'vitest';
import {
  afterLegalNameChange,
  birthDateProblem,
  holderMatches,
  normalizeName,
} from './worker-rules.js';

const NOW = new Date('2026-03-01T00:00:00Z'); // 09:00 KST on 1 March

describe(normalizeName.name, () => {
  it('ignores spacing, dots, hyphens and Latin case', () => {
    expect(normalizeName(' 홍 길동 ')).toBe('홍길동');
    expect(normalizeName('Hong Gil-dong')).toBe(normalizeName('HONG GILDONG'));
  });
});

describe(holderMatches.name, () => {
  it('matches the same name written differently, and nothing looser', () => {
    expect(holderMatches('홍 길동', '홍길동')).toBe(true);
    expect(holderMatches('홍길', '홍길동')).toBe(false);
    expect(holderMatches('홍길동', undefined)).toBe(false);
    expect(holderMatches(' ', ' ')).toBe(false);
  });
});

describe(birthDateProblem.name, () => {
  it('accepts a real past date, including today in KST', () => {
    expect(birthDateProblem('1998-04-17', NOW)).toBeUndefined();
    expect(birthDateProblem('2024-02-29', NOW)).toBeUndefined();
    expect(birthDateProblem('2026-03-01', new Date('2026-02-28T15:00:00Z'))).toBeUndefined();
  });

  it('refuses impossible calendar dates', () => {
    expect(birthDateProblem('2023-02-29', NOW)).toMatch(/calendar/);
    expect(birthDateProblem('1998-13-01', NOW)).toMatch(/calendar/);
    expect(birthDateProblem('19980417', NOW)).toMatch(/YYYY-MM-DD/);
  });

  it('refuses a date in the future (KST) and one more than 120 years ago', () => {
    expect(birthDateProblem('2026-03-02', NOW)).toMatch(/future/);
    expect(birthDateProblem('1906-02-28', NOW)).toMatch(/plausible/);
    expect(birthDateProblem('1906-03-01', NOW)).toBeUndefined();
  });
});

describe(afterLegalNameChange.name, () => {
  it('drops a holder match and its override made against the old name', () => {
    const account = {
      bankCode: '088',
      registeredAt: NOW,
      verifiedAt: NOW,
      method: 'manual' as const,
      holderMatchesLegalName: true,
      holderMismatchOverride: { by: 'op-1', at: NOW, reason: '가족 계좌' },
      holderName: '박서준어머니',
    };
    const after = afterLegalNameChange(account, '박서준');
    expect(after.holderMatchesLegalName).toBe(false);
    expect(after).not.toHaveProperty('holderMismatchOverride');
  });
});

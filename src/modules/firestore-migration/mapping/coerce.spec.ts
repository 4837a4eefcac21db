import { describe, expect, it } from 'vitest';
import { fs, type FsValue } from '../firestore/value.js';
import {
  accountNumber,
  bankCode,
  businessNumber,
  calendarDate,
  connectingInformation,
  count,
  applicationState,
  flag,
  hours,
  identityProvider,
  instant,
  krw,
  kstWindow,
  matchState,
  ntsStatus,
  oneOf,
  phone,
  qualification,
  refId,
  regionCode,
  role,
  shiftStatus,
  side,
  text,
  workerStatus,
} from './coerce.js';

const value = <T>(c: { ok: boolean; value?: T }) => (c.ok ? c.value : 'refused');

describe('coercion of the old app’s unclear fields (docs/legacy-firestore.md)', () => {
  it.each<[string, FsValue]>([
    ['010-1234-5678', '010-1234-5678'],
    ['digits', '01012345678'],
    ['+82 with a space', '+82 10-1234-5678'],
    ['+82 with the leading zero kept', '+82 010 1234 5678'],
    ['a number that lost its leading zero', fs.int(1012345678)],
  ])('reads a phone written as %s', (_, input) => {
    expect(value(phone(input))).toBe('010-1234-5678');
  });

  it('refuses a phone that is not Korean, naming its shape and not its value', () => {
    const result = phone('+1 415 555 0100');
    expect(result).toEqual({ ok: false, problem: 'a phone number that is not a Korean number' });
  });

  it.each<[string, FsValue]>([
    ['"19880214"', '19880214'],
    ['"1988-02-14"', '1988-02-14'],
    ['a Timestamp at midnight KST', fs.ts(Date.UTC(1988, 1, 13, 15) / 1000)],
    ['{y, m, d}', fs.map({ y: fs.int(1988), m: fs.int(2), d: fs.int(14) })],
  ])('reads a birth date written as %s', (_, input) => {
    expect(value(calendarDate(input))).toBe('1988-02-14');
  });

  it('refuses an impossible day rather than rolling it over', () => {
    expect(calendarDate('19880230').ok).toBe(false);
    expect(calendarDate(fs.map({ y: fs.int(1988), m: fs.int(2), d: fs.int(30) })).ok).toBe(false);
  });

  it.each<[string, FsValue]>([
    ['a Timestamp', fs.ts(1_714_523_400)],
    ['an ISO string with +09:00', '2024-05-01T09:30:00+09:00'],
    ['epoch millis', fs.int(1_714_523_400_000)],
  ])('reads a time written as %s', (_, input) => {
    expect(value(instant(input))).toEqual(new Date('2024-05-01T00:30:00Z'));
  });

  it('notes the sub-millisecond part it drops (the original stays in _legacy)', () => {
    expect(instant(fs.ts(1_714_523_400, 123_456_000))).toEqual({
      ok: true,
      value: new Date(1_714_523_400_123),
      note: 'sub-millisecond time dropped',
    });
  });

  it('refuses a time string without an offset and epoch seconds mistaken for millis', () => {
    expect(instant('2024-05-01T09:30:00').ok).toBe(false);
    expect(instant(fs.int(1_714_523_400)).ok).toBe(false);
  });

  it('reads the oldest posts’ date + HH:MM window in KST, an earlier end being the next day', () => {
    expect(value(kstWindow('2024-05-01', '22:00', '06:00'))).toEqual({
      startsAt: new Date('2024-05-01T13:00:00Z'),
      endsAt: new Date('2024-05-01T21:00:00Z'),
    });
  });

  it.each<[string, FsValue, number]>([
    ['"10,320원"', '10,320원', 10_320],
    ['"10320"', '10320', 10_320],
    ['an integer', fs.int(10_320), 10_320],
    ['a whole double', fs.double(10_320), 10_320],
  ])('reads pay written as %s', (_, input, won) => {
    expect(value(krw(input))).toBe(won);
  });

  it('reads counts and hours as the old app wrote them', () => {
    expect(value(count('3'))).toBe(3);
    expect(value(count(fs.int(3)))).toBe(3);
    expect(value(hours('8.5'))).toBe(8.5);
    expect(hours(fs.double(8.3))).toEqual({
      ok: true,
      value: 8.25,
      note: 'hours rounded to a quarter',
    });
  });

  it('reads Korean and English spellings of roles, statuses and match states', () => {
    expect([role('알바'), role('WORKER'), role('사장님')].map(value)).toEqual([
      'worker',
      'worker',
      'business',
    ]);
    expect([workerStatus('정지'), workerStatus('탈퇴'), workerStatus('정상')].map(value)).toEqual([
      'suspended',
      'withdrawn',
      'active',
    ]);
    expect([matchState('노쇼'), matchState('확정')].map(value)).toEqual(['no_show', 'confirmed']);
    expect(role('admin')).toEqual({
      ok: false,
      problem: 'a role spelled in a way the old app never wrote',
    });
  });

  it('reads flags, bank codes, account numbers and business numbers', () => {
    expect([flag('Y'), flag('N'), flag(true)].map(value)).toEqual([true, false, true]);
    expect([bankCode('088'), bankCode('신한'), bankCode(fs.int(88))].map(value)).toEqual([
      '088',
      '088',
      '088',
    ]);
    expect(value(accountNumber('110-123-456789'))).toBe('110123456789');
    expect(accountNumber(fs.int(110123456789))).toMatchObject({
      ok: true,
      note: expect.stringContaining('leading zeros'),
    });
    expect([businessNumber('124-81-00998'), businessNumber(fs.int(1248100998))].map(value)).toEqual(
      ['1248100998', '1248100998'],
    );
    expect(businessNumber('124-81-00999')).toEqual({
      ok: false,
      problem: 'a business number whose check digit does not match',
    });
  });

  it('maps certificate names to the catalogue, and regions to their 시도 code', () => {
    expect([qualification('보건증'), qualification('지게차운전기능사')].map(value)).toEqual([
      'health-certificate',
      'forklift',
    ]);
    expect(qualification('기타').ok).toBe(false);
    expect(
      [
        regionCode('서울'),
        regionCode('경기도'),
        regionCode('41'),
        regionCode('강원특별자치도'),
      ].map(value),
    ).toEqual(['1100000000', '4100000000', '4100000000', '5100000000']);
  });

  it('treats an absent field as absent, not as a problem', () => {
    for (const rule of [
      phone,
      calendarDate,
      instant,
      krw,
      count,
      flag,
      bankCode,
      businessNumber,
      connectingInformation,
    ]) {
      expect(rule(undefined)).toEqual({ ok: true, value: undefined });
      expect(rule(null)).toEqual({ ok: true, value: undefined });
    }
  });

  it('reads post, application, side, NTS and provider spellings of the old app', () => {
    expect([shiftStatus('모집중'), shiftStatus('마감'), shiftStatus('취소')].map(value)).toEqual([
      'open',
      'open',
      'cancelled',
    ]);
    expect(
      [applicationState('지원'), applicationState('거절'), applicationState('취소')].map(value),
    ).toEqual(['applied', 'rejected', 'withdrawn']);
    expect([side('알바'), side('사장님'), side('business')].map(value)).toEqual([
      'worker',
      'business',
      'business',
    ]);
    expect([ntsStatus('계속사업자'), ntsStatus('02'), ntsStatus('폐업자')].map(value)).toEqual([
      'active',
      'suspended',
      'closed',
    ]);
    expect([identityProvider('NICE'), identityProvider('DANAL')].map(value)).toEqual([
      'nice',
      'danal',
    ]);
  });

  it('matches a closed set by its spellings in any case, and refuses a non-string by its type', () => {
    const colour = oneOf({ 빨강: 'red', red: 'red' } as const, 'a colour');
    expect(value(colour(' RED '))).toBe('red');
    expect(colour(fs.int(1))).toEqual({ ok: false, problem: 'a colour as int' });
  });

  it('reads text trimmed and NFC-normalised, empty text as absent, and refuses a number', () => {
    expect(value(text('  김민수 '))).toBe('김민수');
    // 가 written as two jamo (NFD) reads as the one precomposed syllable.
    expect(value(text('\u1100\u1161'))).toBe('가');
    expect(text('   ')).toEqual({ ok: true, value: undefined });
    expect(text(fs.double(1.5))).toEqual({ ok: false, problem: 'text as double' });
  });

  it('reads a reference written as a DocumentReference, a path string or a bare id', () => {
    const user = refId('users');
    expect([user(fs.ref('users/abc')), user('users/abc'), user('abc')].map(value)).toEqual([
      'abc',
      'abc',
      'abc',
    ]);
    expect(user(fs.ref('businesses/abc'))).toEqual({
      ok: false,
      problem: 'a reference that is not to users',
    });
    expect(user(fs.int(5)).ok).toBe(false);
  });

  it('keeps a CI of 88 base64 characters as written and refuses any other shape without echoing it', () => {
    const ci = `${'A'.repeat(43)}+/${'z'.repeat(41)}==`;
    expect(value(connectingInformation(ci))).toBe(ci);
    for (const bad of [ci.slice(1), `${ci.slice(0, -2)}!=`, '', fs.int(1)]) {
      expect(connectingInformation(bad)).toEqual({
        ok: false,
        problem: 'not 88 characters of base64',
      });
    }
  });
});

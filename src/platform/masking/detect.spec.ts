import { describe, expect, it } from 'vitest';
import { findPersonalData, type PersonalDataKind } from './detect.js';

const kinds = (text: string, options = {}): PersonalDataKind[] =>
  findPersonalData(text, options).map((match) => match.kind);

describe('findPersonalData', () => {
  it.each<[string, PersonalDataKind]>([
    ['주민번호 900101-1234567 입니다', 'resident_registration_number'],
    ['주민번호 9001012234567', 'resident_registration_number'],
    ['주민번호 900101 1234567', 'resident_registration_number'],
    ['외국인등록번호 900101-5234567', 'foreigner_registration_number'],
    ['외국인 051231-8123456', 'foreigner_registration_number'],
    ['카드 4111-1111-1111-1111', 'card_number'],
    ['카드 4111 1111 1111 1111', 'card_number'],
    ['카드 4111111111111111', 'card_number'],
    ['amex 3782-822463-10005', 'card_number'],
    ['계좌 110-123-456789 신한', 'bank_account_number'],
    ['계좌 3333-01-1234567', 'bank_account_number'],
    ['계좌 1002-123-456789 우리', 'bank_account_number'],
    ['계좌 56781234567890', 'bank_account_number'],
    ['문의 010-1234-5678', 'phone'],
    ['문의 02-555-0123', 'phone'],
    ['tel +82 10 1234 5678', 'phone'],
    ['메일 kim.minsu@example.co.kr', 'email'],
    ['사업자 124-81-00998', 'business_registration_number'],
  ])('finds %j as %s', (text, kind) => {
    expect(kinds(text)).toEqual([kind]);
  });

  it.each([
    '시급 10,030원, 09:00-18:00 근무',
    '2026-12-05 ~ 2026-12-31, 우편번호 06236',
    '서울특별시 강남구 테헤란로 152, 12층 1201호',
    '좌표 37.4979, 127.0276',
    '주문번호 ORD-20261205-0001',
    'id 665f1c2ab3e4d5f6a7b8c9d0',
    '',
  ])('finds nothing in %j', (text) => {
    expect(kinds(text)).toEqual([]);
  });

  it('takes a 10-digit number that reads as a Unix time for an account in free text, not in logs', () => {
    expect(kinds('계좌 1734567890')).toEqual(['bank_account_number']);
    expect(kinds('at 1734567890', { ignoreEpochTimes: true })).toEqual([]);
  });

  it('reports each match with its position and text', () => {
    expect(findPersonalData('a 010-1234-5678 b 900101-1234567')).toEqual([
      { kind: 'phone', index: 2, text: '010-1234-5678' },
      { kind: 'resident_registration_number', index: 18, text: '900101-1234567' },
    ]);
  });
});

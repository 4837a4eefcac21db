import { describe, expect, it } from 'vitest';
import {
  FULLY_MASKED,
  maskAccountNumber,
  maskAddress,
  maskBusinessNumber,
  maskCardNumber,
  maskEmail,
  maskName,
  maskPhone,
  maskRegistrationNumber,
} from './masking.js';

type Case = [input: string, masked: string];

const MALFORMED = ['', '   ', '!!!', '12', 'abc@', '홍길동@@', '\u0000'];

function table(mask: (value: string) => string, cases: Case[], malformed: string[] = MALFORMED) {
  it.each(cases)('%s → %s', (input, masked) => {
    expect(mask(input)).toBe(masked);
  });

  it.each(malformed)('hides a malformed value entirely (%j) without throwing', (input) => {
    const masked = mask(input);
    expect(masked).toBe(FULLY_MASKED);
  });
}

describe('maskName', () => {
  table(maskName, [
    ['홍길동', '홍*동'],
    ['김수', '김*'],
    ['김철수민', '김**민'],
    ['남궁민수', '남궁*수'],
    ['황보민수', '황보*수'],
    ['남궁민', '남*민'],
    ['선우', '선*'],
    ['  이몽룡 ', '이*룡'],
    ['John Smith', 'John *****'],
    ['Anna', 'An**'],
    ['Jo', 'J*'],
    ["Mary-Jane O'Neil", "Mary-**** *'****"],
  ]);

  it('never returns a mixed-script or numeric value as it is', () => {
    expect(maskName('홍Gil동')).toBe(FULLY_MASKED);
    expect(maskName('01012345678')).toBe(FULLY_MASKED);
  });
});

describe('maskEmail', () => {
  table(
    maskEmail,
    [
      ['abcdef@example.com', 'ab***@example.com'],
      ['ab@example.com', 'a***@example.com'],
      ['a@example.com', 'a***@example.com'],
      ['kim.minsu+jobs@mail.co.kr', 'ki***@mail.co.kr'],
      ['kim%40example.com', 'ki***@example.com'],
    ],
    ['', 'not-an-email', '@example.com', 'a@b@example.com', 'abc@'],
  );
});

describe('maskPhone', () => {
  table(
    maskPhone,
    [
      ['+821012345678', '010-****-5678'],
      ['+82 10-1234-5678', '010-****-5678'],
      ['+82-010-1234-5678', '010-****-5678'],
      ['010-1234-5678', '010-****-5678'],
      ['01012345678', '010-****-5678'],
      ['0111235678', '011-***-5678'],
      ['02-123-4567', '02-***-4567'],
      ['02-1234-5678', '02-****-5678'],
      ['+82 2 1234 5678', '02-****-5678'],
      ['031-123-4567', '031-***-4567'],
      ['064 1234 5678', '064-****-5678'],
      ['070-1234-5678', '070-****-5678'],
      ['+14155550123', '***-0123'],
    ],
    ['', '1234', 'call me', '+82'],
  );
});

describe('maskRegistrationNumber', () => {
  table(
    maskRegistrationNumber,
    [
      ['900101-1234567', '900101-1******'],
      ['9001011234567', '900101-1******'],
      ['020315-4123456', '020315-4******'],
      ['900101-5234567', '900101-5******'],
      [' 900101 - 2234567 ', '900101-2******'],
    ],
    ['', '900101-9234567', '900101-123456', '90010112345678', 'abcdef-1234567'],
  );
});

describe('maskAccountNumber', () => {
  table(
    maskAccountNumber,
    [
      ['110-123-456789', '***-***-**6789'],
      ['110123456789', '********6789'],
      ['3020 0001 23456', '**** **** *3456'],
      ['12345678', '****5678'],
    ],
    ['', '1234567', '110-abc-456789', '-110123456789', '123456789012345678901'],
  );
});

describe('maskCardNumber', () => {
  table(
    maskCardNumber,
    [
      ['1234-5678-9012-3456', '1234-56**-****-3456'],
      ['1234567890123456', '123456******3456'],
      ['3782 822463 10005', '3782 82**** **005'],
    ],
    ['', '1234-5678-9012', '1234-5678-9012-3456-7', 'card'],
  );
});

describe('maskBusinessNumber', () => {
  table(
    maskBusinessNumber,
    [
      ['123-45-67890', '123-45-*****'],
      ['1234567890', '123-45-*****'],
    ],
    ['', '123-45-6789', '12-345-67890', 'abc-de-fghij'],
  );
});

describe('maskAddress', () => {
  table(
    maskAddress,
    [
      ['서울특별시 강남구 테헤란로 123, 4층', '서울특별시 강남구 테헤란로 ***'],
      ['서울특별시 강남구 테헤란로, 123', '서울특별시 강남구 테헤란로 ***'],
      ['경기도 성남시 분당구 판교역로 235 (삼평동)', '경기도 성남시 분당구 판교역로 ***'],
      ['서울특별시 강남구 봉은사로86길 12', '서울특별시 강남구 봉은사로86길 ***'],
      ['서울 종로구 종로 1', '서울 종로구 종로 ***'],
      ['서울특별시 강남구 역삼동 123-45 101호', '서울특별시 강남구 역삼동 ***'],
      ['경기도 양평군 양평읍 양근리 산 12', '경기도 양평군 양평읍 양근리 ***'],
      ['서울특별시 종로구 종로1가 1', '서울특별시 종로구 종로1가 ***'],
    ],
    ['', '123 Main St', '서울특별시', '테헤란로 123'],
  );
});

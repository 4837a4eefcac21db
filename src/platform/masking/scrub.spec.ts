import { describe, expect, it } from 'vitest';
import { scrub } from './scrub.js';

describe('scrub', () => {
  it.each([
    // registration numbers
    ['rrn 900101-1234567 given', 'rrn 900101-1****** given'],
    ['rrn=9001011234567', 'rrn=900101-1******'],
    ['외국인 900101-5234567', '외국인 900101-5******'],
    // phones
    ['call 010-1234-5678 now', 'call 010-****-5678 now'],
    ['phone=01012345678&x=1', 'phone=010-****-5678&x=1'],
    ['010 1234 5678', '010-****-5678'],
    ['010.1234.5678', '010-****-5678'],
    ['tel +82-10-1234-5678.', 'tel 010-****-5678.'],
    ['tel +821012345678', 'tel 010-****-5678'],
    ['+82 (0)10 1234 5678', '010-****-5678'],
    ['?phone=%2B821012345678', '?phone=010-****-5678'],
    ['office 02-123-4567', 'office 02-***-4567'],
    ['office 031-1234-5678', 'office 031-****-5678'],
    ['연락처:010-1234-5678로', '연락처:010-****-5678로'],
    // emails
    ['user kim.minsu@example.co.kr signed up', 'user ki***@example.co.kr signed up'],
    ['?email=kim%40example.com', '?email=ki***@example.com'],
    ['"a@b.io"', '"a***@b.io"'],
    // accounts and cards
    ['account 110-123-456789', 'account ***-***-**6789'],
    ['account 110123456789', 'account ********6789'],
    ['acct 12345678901234', 'acct **********1234'],
    ['card 1234-5678-9012-3456', 'card 1234-56**-****-3456'],
    ['card 1234 5678 9012 3456', 'card 1234 56** **** 3456'],
    ['card 4111111111111111', 'card 411111******1111'],
    ['amex 3782-822463-10005', 'amex 3782-82****-**005'],
    // several in one message, and an error stack line
    [
      'Error: no member 010-1234-5678 / a@example.com\n    at x (/app/dist/a.js:10:5)',
      'Error: no member 010-****-5678 / a***@example.com\n    at x (/app/dist/a.js:10:5)',
    ],
  ])('masks %j', (input, expected) => {
    expect(scrub(input)).toBe(expected);
  });

  it.each([
    'request 0b6f8a7e-3c1d-4e2f-9a8b-1c2d3e4f5a6b completed',
    'uuid 12345678-1234-4234-8234-123456789012',
    'uuid 550e8400-e29b-41d4-a716-446655440000',
    'at 2026-11-24T16:24:37.123Z',
    'at 2026-11-24 16:24:37+09:00',
    'GET /members/12345678 200',
    'GET /shifts/123/assignments/45678901',
    'listening on http://127.0.0.1:3000',
    'connect 10.0.12.34:27017 in 1234 ms',
    'time 1764001477123 and 1764001477',
    'object 665f1c2ab3e4d5f6a7b8c9d0 created',
    'sha 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
    'version 1.2.3, build 20261124',
    'id-01012345678 stays',
    'short',
    '',
  ])('leaves %j as it is', (input) => {
    expect(scrub(input)).toBe(input);
  });

  it('returns the same string when nothing matched', () => {
    const text = 'GET /health/live 200 in 1234 ms';
    expect(scrub(text)).toBe(text);
  });
});

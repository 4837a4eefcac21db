import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { freeText, PERSONAL_DATA_IN_FREE_TEXT } from './free-text.js';

const Note = z.object({ note: freeText({ max: 200, multiline: true, holds: 'public' }) });
const Line = z.object({ line: freeText({ max: 50, holds: 'public' }) });

function issuesOf(schema: z.ZodType, value: unknown) {
  const result = schema.safeParse(value);
  return result.success ? [] : result.error.issues;
}

describe('freeText', () => {
  it.each([
    ['a resident registration number', '본인 900101-1234567', 'resident_registration_number'],
    ['a foreigner registration number', '등록증 900101-5234567', 'foreigner_registration_number'],
    ['a card number', '카드 4111 1111 1111 1111', 'card_number'],
    ['a bank account number', '입금 110-123-456789', 'bank_account_number'],
  ])('refuses %s with a 422 issue naming the kind, never the value', (_name, value, kind) => {
    const issues = issuesOf(Note, { note: value });
    expect(issues).toEqual([
      expect.objectContaining({
        path: ['note'],
        params: { code: PERSONAL_DATA_IN_FREE_TEXT, status: 422, kind },
      }),
    ]);
    expect(JSON.stringify(issues)).not.toContain(value.split(' ')[1]);
  });

  it("takes a business's own phone and email", () => {
    expect(Note.parse({ note: '문의 02-555-0123, help@bakery.kr' })).toEqual({
      note: '문의 02-555-0123, help@bakery.kr',
    });
  });

  it('normalizes to NFC and trims', () => {
    const decomposed = '\u1112\u1161\u11ab\u1100\u1173\u11af'; // 한글 as conjoining jamo
    expect(Line.parse({ line: `  ${decomposed} ` }).line).toBe('한글');
  });

  it.each([
    ['NUL', 'a\u0000b'],
    ['a line feed', 'a\nb'],
    ['a tab', 'a\tb'],
    ['a right-to-left override', 'invoice\u202Efdp.exe'],
    ['a first-strong isolate', 'a\u2068b'],
    ['a line separator', 'a\u2028b'],
    ['DEL', 'a\u007Fb'],
  ])('refuses %s in a single-line field with invalid_characters', (_name, value) => {
    expect(issuesOf(Line, { line: value })).toEqual([
      expect.objectContaining({ params: { code: 'invalid_characters' } }),
    ]);
  });

  it('takes line breaks and tabs in a multi-line field, with CRLF made LF, but not NUL or bidi overrides', () => {
    expect(Note.parse({ note: '첫째 줄\r\n둘째\t줄' }).note).toBe('첫째 줄\n둘째\t줄');
    expect(issuesOf(Note, { note: 'a\u0000b' })).toHaveLength(1);
    expect(issuesOf(Note, { note: 'a\u202Eb' })).toHaveLength(1);
  });

  it('refuses a lone surrogate with invalid_unicode instead of storing U+FFFD', () => {
    expect(issuesOf(Line, { line: 'a\uD800b' })).toEqual([
      expect.objectContaining({ params: { code: 'invalid_unicode' } }),
    ]);
  });

  it('marks the field for the OpenAPI document', () => {
    const schema = z.toJSONSchema(Line) as unknown as {
      properties: { line: Record<string, unknown> };
    };
    expect(schema.properties.line['x-free-text']).toBe('public');
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fsFields } from '../firestore/arbitraries.js';
import { encodeFields } from './legacy-codec.js';
import { DOCUMENTDB_LIMITS, preflight } from './preflight.js';

describe('preflight against DocumentDB 5.0', () => {
  it('passes every generated legacy document once encoded (names escaped, values stored)', () => {
    fc.assert(
      fc.property(fsFields, (fields) => {
        expect(preflight({ _id: 'users/u1', _legacy: { fields: encodeFields(fields) } })).toEqual(
          [],
        );
      }),
      { numRuns: 500 },
    );
  });

  it('reports a document over 16 MiB', () => {
    const problems = preflight({ _id: 'a', blob: 'x'.repeat(DOCUMENTDB_LIMITS.documentBytes) });
    expect(problems).toEqual([expect.objectContaining({ code: 'document_too_large', at: '' })]);
  });

  it('reports nesting deeper than 100 levels', () => {
    let deep: Record<string, unknown> = { leaf: true };
    for (let i = 0; i < 101; i += 1) deep = { m: deep };
    expect(preflight({ _id: 'a', deep }).map((p) => p.code)).toEqual(['nesting_too_deep']);
  });

  it('reports an _id too long for its index (a 1,500-byte Firestore id in a deep path)', () => {
    const id = `users/${'x'.repeat(1_500)}/accounts/${'y'.repeat(1_500)}`;
    expect(preflight({ _id: id }).map((p) => p.code)).toEqual(['id_too_long']);
  });

  it('reports an indexed value too long for an index key, by field name only', () => {
    const problems = preflight({ _id: 'a', lookup: 'z'.repeat(3_000) }, ['lookup']);
    expect(problems).toEqual([
      { code: 'index_key_too_long', at: 'lookup', detail: expect.stringContaining('bytes') },
    ]);
    expect(JSON.stringify(problems)).not.toContain('zzz');
  });

  it('reports a field name DocumentDB refuses, where it sits', () => {
    expect(preflight({ _id: 'a', m: { 'a.b': 1, $set: 2 } })).toEqual([
      expect.objectContaining({ code: 'field_name_refused', at: 'm.a.b' }),
      expect.objectContaining({ code: 'field_name_refused', at: 'm.$set' }),
    ]);
  });
});

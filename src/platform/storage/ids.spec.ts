import { describe, expect, it } from 'vitest';
import { isId, newId, parseId } from './ids.js';

describe('ids', () => {
  it('parses the string form of an id back to the same id', () => {
    const id = newId();
    expect(parseId(id.toHexString())).toEqual(id);
    expect(isId(parseId(id.toHexString()))).toBe(true);
  });

  it.each(['', 'nonsense', '65a1b2c3d4e5f60718293a4', '65a1b2c3d4e5f60718293a4bz'])(
    'reads %j as no id rather than failing',
    (text) => expect(parseId(text)).toBeNull(),
  );
});

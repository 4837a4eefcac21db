import { createHash } from 'node:crypto';

/** A piece of output text on the work stack, told apart from a JSON string value. */
class Token {
  constructor(readonly text: string) {}
}

const OPEN_ARRAY = new Token('[');
const CLOSE_ARRAY = new Token(']');
const OPEN_OBJECT = new Token('{');
const CLOSE_OBJECT = new Token('}');
const COMMA = new Token(',');

/**
 * SHA-256 (base64url) of a parsed JSON value in canonical form: object keys sorted, no
 * whitespace, so the same body with its keys in another order has the same fingerprint.
 *
 * Written with an explicit stack instead of a stable-stringify library: those recurse, and a
 * body nested a few thousand levels deep overflowed the stack (a 500 for an anonymous caller).
 * Bodies are bounded at parse time too; this one does not depend on it.
 */
export function fingerprint(value: unknown): string {
  const hash = createHash('sha256');
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const item = stack.pop();
    if (item instanceof Token) {
      hash.update(item.text);
    } else if (Array.isArray(item)) {
      stack.push(CLOSE_ARRAY);
      for (let i = item.length - 1; i >= 0; i--) {
        stack.push(item[i]);
        if (i > 0) stack.push(COMMA);
      }
      hash.update(OPEN_ARRAY.text);
    } else if (item !== null && typeof item === 'object') {
      const keys = Object.keys(item).sort();
      stack.push(CLOSE_OBJECT);
      for (let i = keys.length - 1; i >= 0; i--) {
        const key = keys[i]!;
        stack.push((item as Record<string, unknown>)[key]);
        stack.push(new Token(`${JSON.stringify(key)}:`));
        if (i > 0) stack.push(COMMA);
      }
      hash.update(OPEN_OBJECT.text);
    } else {
      // Strings, numbers, booleans and null as JSON writes them; undefined (absent) as null.
      hash.update(JSON.stringify(item) ?? 'null');
    }
  }
  return hash.digest('base64url');
}

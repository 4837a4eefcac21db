import { z } from 'zod';

export interface TextOptions {
  /** Shortest accepted length after normalization and trimming (default 1). */
  min?: number;
  max: number;
  /** Line breaks (and tabs) allowed; `\r\n` and `\r` become `\n`. */
  multiline?: boolean;
}

/**
 * C0 and C1 controls, the line and paragraph separators, and the bidirectional embeddings,
 * overrides and isolates (U+202A–U+202E, U+2066–U+2069), which make text display in another
 * order than it is stored (a file name or amount shown reversed to the reader).
 */
const SINGLE_LINE_FORBIDDEN = /[\p{Cc}\u2028\u2029\u202A-\u202E\u2066-\u2069]/u;
/** The same, except tab and line feed. */
// eslint-disable-next-line no-control-regex -- the point is to match control characters
const MULTI_LINE_FORBIDDEN = /[\0-\x08\x0B-\x1F\x7F-\x9F\u2028\u2029\u202A-\u202E\u2066-\u2069]/u;

/**
 * A text field as every module takes it: well-formed UTF-16 (a lone surrogate is refused, not
 * stored as U+FFFD), one normalization (NFC, so `한` typed on any keyboard is the same string),
 * trimmed, and free of control and bidi-override characters (line breaks only where the field
 * is multi-line). Issues carry stable codes: `invalid_unicode`, `invalid_characters`.
 */
export function text({ min = 1, max, multiline = false }: TextOptions) {
  const forbidden = multiline ? MULTI_LINE_FORBIDDEN : SINGLE_LINE_FORBIDDEN;
  return z
    .string()
    .refine((value) => value.isWellFormed(), {
      message: 'The text is not valid Unicode (a lone surrogate).',
      params: { code: 'invalid_unicode' },
      abort: true,
    })
    .overwrite((value) => {
      const normalized = value.normalize('NFC');
      return (multiline ? normalized.replace(/\r\n?/g, '\n') : normalized).trim();
    })
    .refine((value) => !forbidden.test(value), {
      message: multiline
        ? 'Control and bidirectional-override characters are not allowed.'
        : 'Line breaks, control and bidirectional-override characters are not allowed here.',
      params: { code: 'invalid_characters' },
    })
    .min(min)
    .max(max);
}

/**
 * A non-negative integer in a query string, written in decimal digits only: `Number()` would
 * also take `0x10`, `1e1`, ` 16 ` and `16.0`.
 */
export function queryInteger({ min, max }: { min: number; max: number }) {
  return z
    .string()
    .regex(/^(0|[1-9]\d{0,8})$/, { message: 'Expected an integer in decimal digits.' })
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));
}

/** The OpenAPI extension that marks a string this API never stores or shows as written. */
const OPAQUE_EXTENSION = 'x-opaque';

/**
 * Marks a string that is neither an identifier nor free text: a password, a token, a code or a
 * provider's sealed payload, passed on and never stored as written. Says why, in the document.
 */
export function opaque<S extends z.ZodType>(schema: S, why: string): S {
  return schema.meta({ [OPAQUE_EXTENSION]: why });
}

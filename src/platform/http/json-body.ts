import type { FastifyInstance, FastifyRequest } from 'fastify';
import { DomainError } from '../errors/domain.error.js';

/**
 * The deepest nesting of arrays and objects a request body may have. Our deepest DTO nests three
 * levels; the bound leaves room for growth while keeping any recursive walk of a body (zod,
 * logging, the idempotency fingerprint) far from the stack's limit.
 */
const MAX_JSON_DEPTH = 32;

const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * Whether the JSON text nests deeper than `max`, found in one pass without parsing: brackets
 * inside strings do not count. (No maintained JSON parser for Node bounds depth; V8's parser does
 * not overflow, but everything that walks the parsed value afterwards may.)
 */
function jsonNestsDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) {
      inString = true;
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (++depth > max) return true;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      depth--;
    }
  }
  return false;
}

/** A `\uD800`–`\uDFFF` escape: the only way JSON text decoded from UTF-8 can carry a surrogate. */
const SURROGATE_ESCAPE = /\\u[dD][89a-fA-F]/;

/** Whether every string (values and keys) in a parsed JSON value is well-formed UTF-16. */
function isWellFormedJson(value: unknown): boolean {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const item = stack.pop();
    if (typeof item === 'string') {
      if (!item.isWellFormed()) return false;
    } else if (Array.isArray(item)) {
      for (const element of item) stack.push(element);
    } else if (item !== null && typeof item === 'object') {
      for (const [key, element] of Object.entries(item)) {
        if (!key.isWellFormed()) return false;
        stack.push(element);
      }
    }
  }
  return true;
}

/** `charset` of a Content-Type header, lower-cased and unquoted; undefined when absent. */
function charsetOf(contentType: string | undefined): string | undefined {
  if (!contentType) return undefined;
  for (const parameter of contentType.split(';').slice(1)) {
    const [name, ...rest] = parameter.split('=');
    if (name?.trim().toLowerCase() !== 'charset') continue;
    return rest
      .join('=')
      .trim()
      .replace(/^"(.*)"$/, '$1')
      .toLowerCase();
  }
  return undefined;
}

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

type DefaultJsonParser = ReturnType<FastifyInstance['getDefaultJsonParser']>;

/**
 * Replaces Fastify's JSON body parser with one that refuses, before anything walks the body:
 * a charset other than UTF-8 (415 `unsupported_charset`: Fastify would read UTF-16 as UTF-8),
 * bytes that are not UTF-8 (400 `invalid_encoding`: they would become U+FFFD silently), nesting
 * deeper than `MAX_JSON_DEPTH` (400 `body_too_deep`) and escapes that make lone surrogates
 * (400 `invalid_unicode`). Parsing itself stays Fastify's (secure-json-parse: prototype
 * poisoning refused), as do the body limit and the empty-body and malformed-JSON errors.
 */
export function registerJsonBodyParser(fastify: FastifyInstance): void {
  const parse: DefaultJsonParser = fastify.getDefaultJsonParser('error', 'error');
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser(
    'application/json',
    { parseAs: 'buffer' },
    (
      request: FastifyRequest,
      body: Buffer,
      done: (error: Error | null, body?: unknown) => void,
    ) => {
      const charset = charsetOf(request.headers['content-type']);
      if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
        return done(
          new DomainError(
            'unsupported_media_type',
            'unsupported_charset',
            'Send JSON as UTF-8 (charset=utf-8, or no charset).',
          ),
        );
      }
      let text: string;
      try {
        text = UTF8.decode(body);
      } catch {
        return done(
          new DomainError('invalid', 'invalid_encoding', 'The request body is not valid UTF-8.'),
        );
      }
      if (jsonNestsDeeperThan(text, MAX_JSON_DEPTH)) {
        return done(
          new DomainError(
            'invalid',
            'body_too_deep',
            `The request body nests arrays and objects deeper than ${MAX_JSON_DEPTH} levels.`,
          ),
        );
      }
      parse(request, text, (error, parsed) => {
        if (error) return done(error);
        if (SURROGATE_ESCAPE.test(text) && !isWellFormedJson(parsed)) {
          return done(
            new DomainError(
              'invalid',
              'invalid_unicode',
              'The request body has a \\u escape of a lone surrogate (invalid UTF-16).',
            ),
          );
        }
        done(null, parsed);
      });
    },
  );
}

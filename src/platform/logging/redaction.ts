import { pino } from 'pino';
import { scrub } from '../masking/scrub.js';

/**
 * Field names whose values never reach a log line: secrets and personal data. Matched by path at
 * any of the first three levels of a log object (pino's redaction works on paths, not on deep
 * searches, and each wildcard level costs time on every log call). Generic names such as `name`
 * or `code` are left out on purpose: `err.name` and problem `code`s are what an operator needs.
 */
const SECRET_KEYS = [
  'authorization',
  'cookie',
  'set-cookie',
  'x-api-key',
  'password',
  'newPassword',
  'oldPassword',
  'token',
  'accessToken',
  'refreshToken',
  'idToken',
  'secret',
  'secretKey',
  'clientSecret',
  'apiKey',
  'confirmationCode',
  'verificationCode',
  'otp',
] as const;

const PERSONAL_KEYS = [
  'email',
  'phone',
  'phoneNumber',
  'fullName',
  'legalName',
  'holderName',
  'birthDate',
  'ci',
  'di',
  'rrn',
  'residentNumber',
  'foreignerNumber',
  'accountNumber',
  'cardNumber',
  'address',
] as const;

export const REDACT_CENSOR = '[REDACTED]';

export const SENSITIVE_KEYS: ReadonlySet<string> = new Set<string>(
  [...SECRET_KEYS, ...PERSONAL_KEYS].map((k) => k.toLowerCase()),
);
const MAX_DEPTH = 8;

/**
 * Plain data: `{}` literals, null-prototype objects, and objects one level above a null
 * prototype (Fastify's parsed query strings). Class instances (dates, buffers, ids) are left alone.
 */
function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value) as object | null;
  return proto === null || Object.getPrototypeOf(proto) === null;
}

type SerializedError = ReturnType<typeof pino.stdSerializers.err>;

function copySerializedError(serialized: SerializedError, depth: number): Record<string, unknown> {
  const copy: Record<string, unknown> = {};
  // for…in: pino's serialized error keeps type, message and stack on its prototype's setters.
  for (const key in serialized) {
    const item = (serialized as Record<string, unknown>)[key];
    if (item === undefined) continue;
    if (key === 'aggregateErrors' && Array.isArray(item)) {
      copy[key] = item.map((inner: SerializedError) => copySerializedError(inner, depth + 1));
    } else {
      copy[key] = SENSITIVE_KEYS.has(key.toLowerCase())
        ? REDACT_CENSOR
        : redact(asData(item), depth + 1);
    }
  }
  return copy;
}

/**
 * What an error carries in class instances (a driver's server description, a Map of them) as the
 * plain data JSON would write, so redaction reaches inside: left as instances, they were written
 * whole, their addresses and messages unmasked (the log policy's check found one). Errors, dates
 * and bytes keep their own handling. Only errors pay this, never a request's line.
 */
function asData(item: unknown): unknown {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) return item;
  if (item instanceof Error || item instanceof Date || item instanceof Uint8Array) return item;
  if (isPlainObject(item)) return item;
  try {
    return JSON.parse(JSON.stringify(item)) as unknown;
  } catch {
    return '[unserializable]';
  }
}

/**
 * An error as pino would write it (type, message and stack with their causes, own fields), with
 * personal data scrubbed from the message and stack and sensitive fields replaced.
 */
export function serializeError(error: Error, depth = 0): Record<string, unknown> {
  return copySerializedError(pino.stdSerializers.err(error), depth);
}

/**
 * Returns `value` with every sensitive key's value replaced and personal data patterns in every
 * string masked ({@link scrub}), at any depth, copying only the objects that change; errors become
 * plain objects ({@link serializeError}). Hand-written rather than pino's `redact` option: with
 * these keys as wildcard paths, @pinojs/redact took 36% of the CPU of a request in our profile,
 * because it walks every path on every line; this costs one Set lookup per key present, and one
 * cheap pre-check per string (most strings are short or digit-free and skip the scrub), and it
 * reaches any depth (errors, arrays, nested DTOs), not just the levels a path names.
 */
export function redact(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return scrub(value);
  if (typeof value !== 'object' || value === null || depth > MAX_DEPTH) return value;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    value.forEach((item, i) => {
      const redacted = redact(item, depth + 1);
      if (redacted !== item) (copy ??= [...value])[i] = redacted;
    });
    return copy ?? value;
  }
  if (value instanceof Error) return serializeError(value, depth);
  if (!isPlainObject(value)) return value;
  let copy: Record<string, unknown> | undefined;
  for (const key of Object.keys(value)) {
    const item = (value as Record<string, unknown>)[key];
    const redacted = SENSITIVE_KEYS.has(key.toLowerCase())
      ? REDACT_CENSOR
      : redact(item, depth + 1);
    if (redacted !== item) {
      copy ??= { ...value };
      copy[key] = redacted;
    }
  }
  return copy ?? value;
}

/**
 * pino's `hooks.logMethod`: the message never passes through `formatters.log` (pino writes it
 * beside the merge object), so string arguments are scrubbed here, before pino formats them. A
 * call that logs an error without a message (`logger.error(err)`, `logger.error({ err })`) gets
 * the scrubbed error message as its message, where pino would take the raw one. Arguments that
 * are objects interpolated into the message (`%o`, `%j`) are not scrubbed.
 */
export function scrubLogArguments(args: unknown[]): unknown[] {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (typeof arg === 'string') args[i] = scrub(arg);
  }
  const first = args[0];
  if (args.length === 1 && typeof first === 'object' && first !== null) {
    const error: unknown = first instanceof Error ? first : (first as { err?: unknown }).err;
    const message = (error as { message?: unknown } | undefined)?.message;
    if (typeof message === 'string' && (first as { msg?: unknown }).msg === undefined) {
      args.push(scrub(message));
    }
  }
  return args;
}

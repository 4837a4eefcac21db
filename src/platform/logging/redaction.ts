/**
 * Field names whose values never reach a log line: secrets and personal data. Matched by path at
 * any of the first three levels of a log object (pino's redaction works on paths, not on deep
 * searches, and each wildcard level costs time on every log call). Generic names such as `name`
 * or `code` are left out on purpose: `err.name` and problem `code`s are what an operator needs.
 */
export const SECRET_KEYS = [
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

export const PERSONAL_KEYS = [
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

const SENSITIVE = new Set<string>([...SECRET_KEYS, ...PERSONAL_KEYS].map((k) => k.toLowerCase()));
const MAX_DEPTH = 8;

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * Returns `value` with every sensitive key's value replaced, at any depth, copying only the
 * objects that change. Hand-written rather than pino's `redact` option: with these keys as
 * wildcard paths, @pinojs/redact took 36% of the CPU of a request in our profile, because it
 * walks every path on every line; this costs one Set lookup per key present and reaches any
 * depth (errors, arrays, nested DTOs), not just the levels a path names.
 */
export function redact(value: unknown, depth = 0): unknown {
  if (typeof value !== 'object' || value === null || depth > MAX_DEPTH) return value;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    value.forEach((item, i) => {
      const redacted = redact(item, depth + 1);
      if (redacted !== item) (copy ??= [...value])[i] = redacted;
    });
    return copy ?? value;
  }
  if (!isPlainObject(value) && !(value instanceof Error)) return value;
  let copy: Record<string, unknown> | undefined;
  for (const key of Object.keys(value)) {
    const item = (value as Record<string, unknown>)[key];
    const redacted = SENSITIVE.has(key.toLowerCase()) ? REDACT_CENSOR : redact(item, depth + 1);
    if (redacted !== item) {
      copy ??=
        value instanceof Error
          ? { ...value, type: value.name, message: value.message, stack: value.stack }
          : { ...value };
      copy[key] = redacted;
    }
  }
  return copy ?? value;
}

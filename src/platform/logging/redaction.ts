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

const WILDCARD_PREFIXES = ['', '*', '*.*'];

export const REDACT_CENSOR = '[REDACTED]';

export function redactPaths(
  keys: readonly string[] = [...SECRET_KEYS, ...PERSONAL_KEYS],
): string[] {
  return keys.flatMap((key) => {
    const plain = /^[A-Za-z_$][\w$]*$/.test(key);
    return WILDCARD_PREFIXES.map((prefix) => {
      if (!plain) return `${prefix}["${key}"]`;
      return prefix ? `${prefix}.${key}` : key;
    });
  });
}

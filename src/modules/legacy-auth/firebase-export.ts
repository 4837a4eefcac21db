import { z } from 'zod';
import {
  base64,
  firebaseHashConfigInput,
  firebaseHashConfigSchema,
  NOT_JSON,
  type FirebaseHashParameters,
} from '../../config/firebase-hash-config.js';

/**
 * The two inputs of a Firebase Auth import: the users file `firebase auth:export users.json`
 * writes, and the project's password hash parameters (Console → Authentication → Users → ⋮ →
 * "Password hash parameters"). Validation messages name the place (`users[3].salt`), never the
 * value: these files hold personal data and password hashes.
 */

/** Firebase writes epoch milliseconds as a string; older exports and tests use numbers. */
const epochMillis = z.union([
  z.string().regex(/^\d+$/, { message: 'expected epoch milliseconds' }),
  z.number().int().nonnegative(),
]);

/**
 * A deliberately loose check: Firebase already accepted these addresses, and refusing a whole
 * export over one unusual but working address would block every user's migration.
 */
const email = z
  .string()
  .trim()
  .regex(/^[^\s@]+@[^\s@]+$/, { message: 'expected an email address' });

/** What Firebase writes in place of a hash the exporting account may not read. */
const REDACTED_HASH = 'UkVEQUNURUQ=';

const firebaseProviderSchema = z.looseObject({
  providerId: z.string().min(1),
  rawId: z.string().optional(),
  email: z.string().optional(),
  federatedId: z.string().optional(),
  displayName: z.string().optional(),
  photoUrl: z.string().optional(),
});

/** Firebase writes phone numbers in E.164; the member record keeps them so. */
const e164 = z.string().regex(/^\+[1-9]\d{6,14}$/, { message: 'expected an E.164 phone number' });

/**
 * The user's custom claims, as Firebase exports them: a JSON object written as a string. The
 * marketplace's Firebase app kept the member's role there (`{"role":"worker"}`).
 */
const customClaims = z.string().refine(
  (text) => {
    try {
      const value: unknown = JSON.parse(text);
      return typeof value === 'object' && value !== null && !Array.isArray(value);
    } catch {
      return false;
    }
  },
  { message: 'expected a JSON object (the custom claims)' },
);

const firebaseUserSchema = z
  .looseObject({
    localId: z.string().min(1).max(128),
    email: email.optional(),
    emailVerified: z.boolean().optional(),
    passwordHash: z.union([z.literal(''), base64]).optional(),
    salt: z.union([z.literal(''), base64]).optional(),
    displayName: z.string().optional(),
    phoneNumber: e164.optional(),
    customAttributes: customClaims.optional(),
    providerUserInfo: z.array(firebaseProviderSchema).optional(),
    disabled: z.boolean().optional(),
    createdAt: epochMillis.optional(),
    lastSignedInAt: epochMillis.optional(),
  })
  .superRefine((user, ctx) => {
    if (user.passwordHash === REDACTED_HASH) {
      ctx.addIssue({
        code: 'custom',
        path: ['passwordHash'],
        message:
          'redacted by Firebase: export with an account allowed to read password hashes (firebase auth:export as a project owner)',
      });
    } else if (user.passwordHash && !user.salt) {
      ctx.addIssue({ code: 'custom', path: ['salt'], message: 'required with a passwordHash' });
    }
  });

const firebaseExportSchema = z.object({ users: z.array(firebaseUserSchema) });

export type FirebaseUser = z.infer<typeof firebaseUserSchema>;
export type FirebaseExport = z.infer<typeof firebaseExportSchema>;

export class FirebaseImportFileError extends Error {
  constructor(
    readonly file: string,
    readonly issues: readonly string[],
  ) {
    super(`${file} is not valid:\n${issues.map((i) => `  - ${i}`).join('\n')}`);
    this.name = 'FirebaseImportFileError';
  }
}

/** `users[3].providerUserInfo[0].providerId: expected string` (path and rule, no value). */
function describeIssues(error: z.ZodError, limit = 50): string[] {
  const lines = error.issues.slice(0, limit).map((issue) => {
    const where = issue.path
      .map((part, i) =>
        typeof part === 'number' ? `[${part}]` : `${i === 0 ? '' : '.'}${String(part)}`,
      )
      .join('');
    return `${where || '(file)'}: ${issue.message}`;
  });
  if (error.issues.length > limit) lines.push(`… and ${error.issues.length - limit} more`);
  return lines;
}

function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    // JSON.parse's message quotes the text around the error, which may be personal data.
    throw new FirebaseImportFileError(file, ['(file): not JSON']);
  }
}

/** Two entries for one uid: checked on the raw file, so it is reported with the other issues. */
function duplicateUids(raw: unknown): string[] {
  const users = (raw as { users?: unknown } | null)?.users;
  if (!Array.isArray(users)) return [];
  const seen = new Map<string, number>();
  const issues: string[] = [];
  users.forEach((user: unknown, index) => {
    const uid = (user as { localId?: unknown } | null)?.localId;
    if (typeof uid !== 'string') return;
    const first = seen.get(uid);
    if (first === undefined) seen.set(uid, index);
    else issues.push(`users[${index}].localId: the same uid as users[${first}]`);
  });
  return issues;
}

/** The whole users file, or an error listing every problem found. */
export function parseFirebaseExport(text: string, file = 'users file'): FirebaseExport {
  const raw = parseJson(text, file);
  const parsed = firebaseExportSchema.safeParse(raw);
  const issues = [...(parsed.success ? [] : describeIssues(parsed.error)), ...duplicateUids(raw)];
  if (!parsed.success || issues.length > 0) throw new FirebaseImportFileError(file, issues);
  return parsed.data;
}

/**
 * The hash parameters, as JSON (`{"algorithm":"SCRYPT","base64_signer_key":…}`) or pasted from
 * the console as they are shown there (`hash_config { algorithm: SCRYPT, base64_signer_key: …,
 * … }`).
 */
export function parseFirebaseHashConfig(
  text: string,
  file = 'hash parameters',
): FirebaseHashParameters {
  const raw = firebaseHashConfigInput(text);
  if (raw === NOT_JSON) throw new FirebaseImportFileError(file, ['(file): not JSON']);
  const parsed = firebaseHashConfigSchema.safeParse(raw);
  if (!parsed.success) throw new FirebaseImportFileError(file, describeIssues(parsed.error));
  return parsed.data;
}

/** Pool usernames are emails, case-insensitive: one spelling for storage and look-ups. */
export function normalizeEmail(address: string): string {
  return address.trim().toLowerCase();
}

/**
 * The `role` claim of a user's custom claims, lower-cased, or undefined when there is none. The
 * claims were validated as a JSON object by the schema.
 */
export function roleClaimOf(user: FirebaseUser): string | undefined {
  if (!user.customAttributes) return undefined;
  const claims = JSON.parse(user.customAttributes) as Record<string, unknown>;
  return typeof claims.role === 'string' && claims.role.trim() !== ''
    ? claims.role.trim().toLowerCase()
    : undefined;
}

import { z } from 'zod';

/**
 * Firebase Auth's password hash parameters (Console → Authentication → Users → ⋮ → "Password
 * hash parameters"): read from `LEGACY_AUTH_HASH_CONFIG` at start and from a file by
 * `migrate user`. The shape lives here because configuration owns what it reads and imports
 * nothing above it (ARCHITECTURE: "Who may import whom"); legacy-auth re-exports it.
 */

/** The project's "password hash parameters", decoded. The signer key is a secret. */
export interface FirebaseHashParameters {
  signerKey: Buffer;
  saltSeparator: Buffer;
  /** scrypt's r. */
  rounds: number;
  /** log2 of scrypt's N. */
  memCost: number;
}

/**
 * Base64 (standard or URL-safe alphabet, padded or not) to bytes, or undefined when the text is
 * not canonical base64: Buffer.from() silently skips characters it does not know, which would
 * turn a damaged value into a different one instead of a refusal.
 */
export function decodeBase64(text: string): Buffer | undefined {
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(text)) return undefined;
  const unpadded = text.replace(/=+$/, '').replace(/-/g, '+').replace(/_/g, '/');
  if (unpadded.length % 4 === 1) return undefined;
  const bytes = Buffer.from(unpadded, 'base64');
  return bytes.toString('base64').replace(/=+$/, '') === unpadded ? bytes : undefined;
}

export const base64 = z.string().refine((value) => decodeBase64(value) !== undefined, {
  message: 'expected base64',
});

/**
 * The hash parameters as the console shows them (snake_case), given as JSON. Bounds: Firebase's
 * own (rounds 1–8, mem_cost 1–14), with headroom for mem_cost since node's scrypt is told the
 * memory it needs.
 */
export const firebaseHashConfigSchema = z
  .object({
    algorithm: z.literal('SCRYPT', { message: "expected 'SCRYPT'" }),
    base64_signer_key: base64.refine((v) => decodeBase64(v)?.length !== 0, {
      message: 'expected a non-empty key',
    }),
    base64_salt_separator: base64,
    rounds: z.coerce.number().int().min(1).max(16),
    mem_cost: z.coerce.number().int().min(1).max(18),
  })
  .transform((c): FirebaseHashParameters => ({
    signerKey: decodeBase64(c.base64_signer_key) ?? Buffer.alloc(0),
    saltSeparator: decodeBase64(c.base64_salt_separator) ?? Buffer.alloc(0),
    rounds: c.rounds,
    memCost: c.mem_cost,
  }));

/** What {@link firebaseHashConfigInput} answers for text that starts like JSON but is not. */
export const NOT_JSON = Symbol('not JSON');

/**
 * The raw fields of the hash parameters, from JSON (`{"algorithm":"SCRYPT",…}`) or pasted from
 * the console as they are shown there (`hash_config { algorithm: SCRYPT, base64_signer_key: …,
 * … }`); validate them with {@link firebaseHashConfigSchema}.
 */
export function firebaseHashConfigInput(text: string): unknown {
  const trimmed = text.trim();
  if (!trimmed.startsWith('{')) return parseConsoleHashConfig(trimmed);
  try {
    return JSON.parse(trimmed) as unknown;
  } catch {
    // JSON.parse's message quotes the text around the error, and this text holds a secret.
    return NOT_JSON;
  }
}

function parseConsoleHashConfig(text: string): Record<string, string> {
  const body = /^hash_config\s*\{([\s\S]*)\}$/.exec(text)?.[1] ?? '';
  const entries = [...body.matchAll(/(\w+)\s*:\s*([^,\s]+)\s*,?/g)].map(
    ([, key, value]) => [key ?? '', value ?? ''] as const,
  );
  return Object.fromEntries(entries);
}

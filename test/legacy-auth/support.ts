import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino, type Logger } from 'pino';
import { MIGRATIONS } from '../../src/migrations/index.js';
import {
  hashFirebasePassword,
  type FirebaseHashParameters,
} from '../../src/modules/legacy-auth/firebase-scrypt.js';
import { SchemaMigrator } from '../../src/platform/schema/schema-migrator.js';
import type { Database } from '../../src/platform/storage/database.js';
import { EmbeddedDatabase } from '../../src/platform/storage/embedded/embedded-database.js';

export const quiet: Logger = pino({ level: 'silent' });

/** A Firebase project of our own: its signer key is random, the costs are the usual ones. */
export function newHashParameters(): FirebaseHashParameters {
  return { signerKey: randomBytes(64), saltSeparator: Buffer.from([7]), rounds: 8, memCost: 14 };
}

/** The console's parameters as the JSON file the import reads. */
export function hashConfigJson(params: FirebaseHashParameters): string {
  return JSON.stringify({
    algorithm: 'SCRYPT',
    base64_signer_key: params.signerKey.toString('base64'),
    base64_salt_separator: params.saltSeparator.toString('base64'),
    rounds: params.rounds,
    mem_cost: params.memCost,
  });
}

export interface ExportUserInput {
  uid: string;
  email?: string;
  password?: string;
  emailVerified?: boolean;
  disabled?: boolean;
  providers?: string[];
  /** The `role` custom claim: `worker` unless said; null for a user without custom claims. */
  role?: string | null;
  /** Firebase's `phoneNumber` (E.164). */
  phone?: string;
}

/** One user as `firebase auth:export` writes it, hashed the way Firebase hashes. */
async function exportUser(
  input: ExportUserInput,
  params: FirebaseHashParameters,
): Promise<Record<string, unknown>> {
  const salt = randomBytes(10).toString('base64');
  const user: Record<string, unknown> = {
    localId: input.uid,
    emailVerified: input.emailVerified ?? true,
    createdAt: '1508893925000',
    lastSignedInAt: '1508893925000',
    providerUserInfo: (input.providers ?? (input.password ? ['password'] : [])).map(
      (providerId) => ({
        providerId,
        rawId: providerId === 'password' ? input.email : `${providerId}-${input.uid}`,
        email: input.email,
      }),
    ),
  };
  if (input.email !== undefined) user.email = input.email;
  const role = input.role === undefined ? 'worker' : input.role;
  if (role !== null) user.customAttributes = JSON.stringify({ role });
  if (input.phone !== undefined) user.phoneNumber = input.phone;
  if (input.disabled !== undefined) user.disabled = input.disabled;
  if (input.password !== undefined) {
    user.passwordHash = await hashFirebasePassword(input.password, salt, params);
    user.salt = salt;
  }
  return user;
}

export async function exportFile(
  inputs: ExportUserInput[],
  params: FirebaseHashParameters,
): Promise<{ users: Record<string, unknown>[] }> {
  return { users: await Promise.all(inputs.map((input) => exportUser(input, params))) };
}

export interface TestDatabase {
  dir: string;
  db: Database;
  write(name: string, content: unknown): Promise<string>;
  close(): Promise<void>;
}

/** The embedded engine in a temporary directory, with the schema migrations applied. */
export async function openTestDatabase(options: { migrate?: boolean } = {}): Promise<TestDatabase> {
  const dir = await mkdtemp(path.join(tmpdir(), 'wm-legacy-'));
  const db = await EmbeddedDatabase.open(path.join(dir, 'db'), { logger: quiet, dbName: 'test' });
  if (options.migrate ?? true) await new SchemaMigrator(db, MIGRATIONS).migrate(quiet);
  return {
    dir,
    db,
    async write(name, content) {
      const file = path.join(dir, name);
      await writeFile(file, typeof content === 'string' ? content : JSON.stringify(content));
      return file;
    },
    async close() {
      await db.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

import { z } from 'zod';

/**
 * The Firestore migration's variables (issue 12), beside the main schema. The source is the old
 * app's data: a managed export directory, NDJSON (ours or firestore-backfire's), or the live
 * Firestore through the SDK (credentials from a service account file; Secrets Manager in AWS).
 */
const bool = z
  .enum(['true', 'false', '1', '0'], { message: "expected 'true' or 'false'" })
  .transform((v) => v === 'true' || v === '1');

export const MIGRATION_ENV = {
  // false: the migration's routes answer 404, its job and the sign-in data step do nothing.
  MIGRATION_ENABLED: bool.default(true),
  MIGRATION_SOURCE: z.enum(['export', 'ndjson', 'live']).optional(),
  MIGRATION_SOURCE_PATH: z.string().min(1).optional(),
  MIGRATION_FIRESTORE_PROJECT_ID: z.string().min(1).optional(),
  MIGRATION_FIRESTORE_DATABASE: z.string().min(1).optional(),
  MIGRATION_FIRESTORE_CREDENTIALS_FILE: z.string().min(1).optional(),
  // The same key as JSON, for where a secret arrives as a variable (ECS from Secrets Manager).
  MIGRATION_FIRESTORE_CREDENTIALS: z
    .string()
    .transform((text, ctx) => {
      let key: unknown;
      try {
        key = JSON.parse(text);
      } catch {
        key = undefined;
      }
      const fields = key as { client_email?: unknown; private_key?: unknown } | undefined;
      if (typeof fields?.client_email !== 'string' || typeof fields.private_key !== 'string') {
        ctx.addIssue({
          code: 'custom',
          message: 'expected a service account key (JSON) with client_email and private_key',
        });
        return z.NEVER;
      }
      return { client_email: fields.client_email, private_key: fields.private_key };
    })
    .optional(),
  MIGRATION_COLLECTION_GROUPS: z
    .string()
    .transform((text) =>
      text
        .split(',')
        .map((g) => g.trim())
        .filter(Boolean),
    )
    .optional(),
  MIGRATION_FIRESTORE_READS_PER_SECOND: z.coerce.number().positive().optional(),
  MIGRATION_FIRESTORE_PITR: bool.optional(),
  // Today's share of a daily run: documents read (Firestore reads are billed) and minutes.
  MIGRATION_QUOTA_DOCUMENTS: z.coerce.number().int().positive().default(200_000),
  MIGRATION_QUOTA_MINUTES: z.coerce.number().int().positive().default(60),
  // How long a verified stage keeps the original values in `_legacy` before cleanup drops them.
  MIGRATION_LEGACY_RETENTION_DAYS: z.coerce.number().int().nonnegative().default(90),
};

type MigrationEnv = z.output<z.ZodObject<typeof MIGRATION_ENV>>;

type MigrationSourceConfig =
  | { kind: 'export' | 'ndjson'; path: string }
  | {
      kind: 'live';
      projectId: string;
      databaseId?: string;
      credentialsFile?: string;
      credentials?: { client_email: string; private_key: string };
      collectionGroups?: string[];
      readsPerSecond?: number;
      pitr?: boolean;
    };

export interface MigrationConfig {
  enabled: boolean;
  /** Undefined: not configured (the commands take `--source` and `--path`). */
  source: MigrationSourceConfig | undefined;
  quota: { documents: number; minutes: number };
  /** Days a verified stage keeps `_legacy` before `migrate cleanup` may drop it. */
  legacyRetentionDays: number;
}

export function refineMigrationEnv(env: MigrationEnv, ctx: z.RefinementCtx): void {
  const need = (name: keyof MigrationEnv, why: string) => {
    if (env[name] === undefined) ctx.addIssue({ code: 'custom', path: [name], message: why });
  };
  if (env.MIGRATION_SOURCE === 'export' || env.MIGRATION_SOURCE === 'ndjson') {
    need('MIGRATION_SOURCE_PATH', `required with MIGRATION_SOURCE=${env.MIGRATION_SOURCE}`);
  }
  if (env.MIGRATION_SOURCE === 'live') {
    need('MIGRATION_FIRESTORE_PROJECT_ID', 'required with MIGRATION_SOURCE=live');
  }
}

export function migrationConfig(e: MigrationEnv): MigrationConfig {
  const source: MigrationSourceConfig | undefined =
    e.MIGRATION_SOURCE === 'live'
      ? {
          kind: 'live',
          projectId: e.MIGRATION_FIRESTORE_PROJECT_ID!,
          ...(e.MIGRATION_FIRESTORE_DATABASE ? { databaseId: e.MIGRATION_FIRESTORE_DATABASE } : {}),
          ...(e.MIGRATION_FIRESTORE_CREDENTIALS_FILE
            ? { credentialsFile: e.MIGRATION_FIRESTORE_CREDENTIALS_FILE }
            : {}),
          ...(e.MIGRATION_FIRESTORE_CREDENTIALS
            ? { credentials: e.MIGRATION_FIRESTORE_CREDENTIALS }
            : {}),
          ...(e.MIGRATION_COLLECTION_GROUPS
            ? { collectionGroups: e.MIGRATION_COLLECTION_GROUPS }
            : {}),
          ...(e.MIGRATION_FIRESTORE_READS_PER_SECOND
            ? { readsPerSecond: e.MIGRATION_FIRESTORE_READS_PER_SECOND }
            : {}),
          ...(e.MIGRATION_FIRESTORE_PITR ? { pitr: true } : {}),
        }
      : e.MIGRATION_SOURCE
        ? { kind: e.MIGRATION_SOURCE, path: e.MIGRATION_SOURCE_PATH! }
        : undefined;
  return {
    enabled: e.MIGRATION_ENABLED,
    source,
    quota: { documents: e.MIGRATION_QUOTA_DOCUMENTS, minutes: e.MIGRATION_QUOTA_MINUTES },
    legacyRetentionDays: e.MIGRATION_LEGACY_RETENTION_DAYS,
  };
}

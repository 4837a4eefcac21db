import { Firestore } from '@google-cloud/firestore';
import { z } from 'zod';
import { NdjsonSource } from '../ndjson/ndjson-source.js';
import { ExportSource } from './export-source.js';
import type { FirestoreSource } from './firestore-source.js';
import { LiveFirestoreSource } from './live-source.js';

/**
 * Chooses the migration's source from plain options, for the composition root to fill from its
 * configuration. The variables it is meant to be read from (not yet in config.schema.ts):
 *
 * - `MIGRATION_SOURCE`: `export` (a managed export directory), `ndjson` (a file or directory of
 *   NDJSON, ours or firestore-backfire's) or `live` (the old app's Firestore through the SDK).
 * - `MIGRATION_SOURCE_PATH`: the export directory or NDJSON location (`export`, `ndjson`).
 * - `MIGRATION_FIRESTORE_PROJECT_ID`: the GCP project of the old app (`live`).
 * - `MIGRATION_FIRESTORE_DATABASE`: the database id, default `(default)` (`live`).
 * - `MIGRATION_FIRESTORE_CREDENTIALS_FILE`: a service account key file with read access
 *   (`roles/datastore.viewer`); absent, Google's application default credentials apply (`live`).
 * - `MIGRATION_FIRESTORE_CREDENTIALS`: the same key as JSON, where a secret arrives as a
 *   variable (ECS from Secrets Manager) (`live`).
 * - `MIGRATION_COLLECTION_GROUPS`: comma-separated collection group ids to read; absent, the live
 *   source discovers them (`live`; the files list their own).
 * - `MIGRATION_FIRESTORE_READS_PER_SECOND`: the live reader's budget, default 500 (`live`).
 * - `MIGRATION_FIRESTORE_PITR`: `true` when point-in-time recovery is on (read times up to 7
 *   days back) (`live`).
 * - `MIGRATION_FIRESTORE_PREFER_REST`: `true` for HTTP/1.1 instead of gRPC, behind proxies (`live`).
 */
const liveOptions = z.object({
  kind: z.literal('live'),
  projectId: z.string().min(1, 'MIGRATION_FIRESTORE_PROJECT_ID is required for a live source'),
  databaseId: z.string().min(1).optional(),
  credentialsFile: z.string().min(1).optional(),
  credentials: z
    .object({ client_email: z.string().min(1), private_key: z.string().min(1) })
    .optional(),
  collectionGroups: z
    .array(z.string().regex(/^[^/]+$/, 'a collection group id has no slash'))
    .min(1)
    .optional(),
  readsPerSecond: z.number().positive().optional(),
  pitr: z.boolean().optional(),
  preferRest: z.boolean().optional(),
});
const fileOptions = z.object({
  kind: z.enum(['export', 'ndjson']),
  path: z.string().min(1, 'MIGRATION_SOURCE_PATH is required for an export or NDJSON source'),
});
const sourceOptions = z.discriminatedUnion('kind', [liveOptions, fileOptions]);
export type SourceOptions = z.input<typeof sourceOptions>;

export function sourceFromConfig(input: SourceOptions): FirestoreSource {
  const options = sourceOptions.parse(input);
  switch (options.kind) {
    case 'export':
      return new ExportSource(options.path);
    case 'ndjson':
      return new NdjsonSource(options.path);
    case 'live':
      return new LiveFirestoreSource(createLiveFirestore(options), {
        ...(options.collectionGroups ? { collectionGroups: options.collectionGroups } : {}),
        ...(options.readsPerSecond ? { readsPerSecond: options.readsPerSecond } : {}),
        ...(options.pitr ? { pitr: true } : {}),
      });
  }
}

/**
 * A client as the live source needs it: `useBigInt` (every integer exact), REST when asked.
 * `FIRESTORE_EMULATOR_HOST`, when set, points it at an emulator (the SDK's own rule).
 */
export function createLiveFirestore(options: {
  projectId: string;
  databaseId?: string | undefined;
  credentialsFile?: string | undefined;
  credentials?: { client_email: string; private_key: string } | undefined;
  preferRest?: boolean | undefined;
}): Firestore {
  return new Firestore({
    projectId: options.projectId,
    useBigInt: true,
    ...(options.databaseId ? { databaseId: options.databaseId } : {}),
    ...(options.credentialsFile ? { keyFilename: options.credentialsFile } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
    ...(options.preferRest ? { preferRest: true } : {}),
  });
}

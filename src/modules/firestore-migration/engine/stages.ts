import type { CopyTarget } from '../codec/legacy-sealer.js';
import type { SourceDoc } from '../firestore/value.js';

/**
 * The migration's stages, in dependency order: a stage copies its collection groups once the
 * stages it depends on are verified (members before worker details, businesses before shifts,
 * shifts and worker details before assignments). Each stage's writer maps its documents into
 * our model (mapping/); the engine moves documents, keeps the checkpoints and counts, and never
 * looks inside a document.
 */
export const STAGE_NAMES = [
  'members',
  'worker-details',
  'businesses',
  'shifts',
  'assignments',
  'archive',
] as const;
export type StageName = (typeof STAGE_NAMES)[number];

export interface StageDefinition {
  name: StageName;
  dependsOn: readonly StageName[];
  /** The source's collection groups this stage reads (the last collection id of a path). */
  collectionGroups: readonly string[];
  /** Our collections its documents are written into (where their `_legacy` copies sit). */
  targets: readonly string[];
  /**
   * The target holds nothing but these copies (an archive the migration keeps): cleanup removes
   * its documents instead of their copies.
   */
  archive?: true;
}

export const STAGES: readonly StageDefinition[] = [
  { name: 'members', dependsOn: [], collectionGroups: ['users'], targets: ['members', 'workers'] },
  {
    name: 'worker-details',
    dependsOn: ['members'],
    collectionGroups: ['bankAccounts', 'identity', 'certificates'],
    targets: ['workers'],
  },
  {
    name: 'businesses',
    dependsOn: ['members'],
    collectionGroups: ['businesses'],
    targets: ['businesses'],
  },
  {
    name: 'shifts',
    dependsOn: ['businesses'],
    collectionGroups: ['jobPosts'],
    targets: ['shifts'],
  },
  {
    name: 'assignments',
    dependsOn: ['shifts', 'worker-details'],
    collectionGroups: ['applications', 'matches', 'noShows'],
    targets: ['assignments'],
  },
  {
    name: 'archive',
    dependsOn: ['members'],
    collectionGroups: ['notifications'],
    targets: ['legacy_notifications'],
    archive: true,
  },
];

/** A problem with one source document, reported with its path and never its values. */
export interface MigrationIssue {
  path: string;
  /** Stable, snake_case: `ci_collision`, `invalid_business_number`, `dangling_reference`, … */
  code: string;
  /** What was wrong, in words that name fields and shapes, not values. */
  detail: string;
}

export interface WriteResult {
  /** Documents written or changed in the target. */
  written: number;
  /** Documents the target already held as the source has them. */
  unchanged: number;
  /** Documents not migrated (each with an issue). */
  skipped: number;
  issues: MigrationIssue[];
}

interface WriteContext {
  runId: string;
  now: Date;
}

/**
 * Maps and writes one batch of a stage's documents, idempotently: writing the same documents
 * again (a resumed batch after a crash) changes nothing and creates nothing twice. A document it
 * cannot migrate is reported and the rest of the batch proceeds; it throws only when the target
 * itself failed (the engine retries the batch).
 */
export interface StageWriter {
  write(docs: readonly SourceDoc[], context: WriteContext): Promise<WriteResult>;
  /**
   * Where `write` keeps the document's `_legacy` copy (the verifier looks there): the documents
   * it writes it into, none when the document names no target it can read (it was reported).
   */
  targetsOf(doc: SourceDoc): CopyTarget[];
}

/**
 * The writers of the stages this build can run; a stage without one is reported as not available
 * and waits (the stages after it wait with it).
 */
export type StageWriters = Readonly<Partial<Record<StageName, StageWriter>>>;

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
}

export const STAGES: readonly StageDefinition[] = [
  { name: 'members', dependsOn: [], collectionGroups: ['users'] },
  {
    name: 'worker-details',
    dependsOn: ['members'],
    collectionGroups: ['bankAccounts', 'identity', 'certificates'],
  },
  { name: 'businesses', dependsOn: ['members'], collectionGroups: ['businesses'] },
  { name: 'shifts', dependsOn: ['businesses'], collectionGroups: ['jobPosts'] },
  {
    name: 'assignments',
    dependsOn: ['shifts', 'worker-details'],
    collectionGroups: ['applications', 'matches', 'noShows'],
  },
  { name: 'archive', dependsOn: ['members'], collectionGroups: ['notifications'] },
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
}

/**
 * The writers of the stages this build can run; a stage without one is reported as not available
 * and waits (the stages after it wait with it).
 */
export type StageWriters = Readonly<Partial<Record<StageName, StageWriter>>>;

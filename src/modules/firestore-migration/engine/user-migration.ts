import type { Logger } from 'pino';
import { fs, type FsValue, type SourceDoc } from '../firestore/value.js';
import { refId } from '../mapping/coerce.js';
import {
  collectionGroupOf,
  type FirestoreSource,
  getMany,
  selectFrom,
  type Snapshot,
  type SourceQuery,
} from '../source/firestore-source.js';
import type { MigrationStateRepository } from './migration-state.repository.js';
import { type MigrationIssue, STAGES, type StageName, type StageWriters } from './stages.js';

/** Paths listed per kind in a report (counts are always whole). */
const LISTED = 200;
/** Firestore's `in` takes at most 30 values. */
const IN_LIMIT = 30;

export interface UserMigrationReport {
  uid: string;
  /**
   * `done`: the whole graph was read and written; `partial`: the time ran out (the daily batch
   * brings the rest; running it again goes on); `not_found`: the source has no such user.
   */
  outcome: 'done' | 'partial' | 'not_found';
  startedAt: string;
  elapsedMs: number;
  /** Per stage, in the order written. */
  stages: {
    stage: StageName;
    documents: number;
    written: number;
    unchanged: number;
    skipped: number;
  }[];
  /** Source paths written now (moved), and how many the target already held as they are. */
  moved: string[];
  alreadyThere: number;
  /** Documents not migrated, and values left out, with a stable code (never a value). */
  failed: MigrationIssue[];
}

/** The ways the old code wrote a reference to `collection/id`: a reference, a path, a bare id. */
function refsTo(collection: string, ids: Iterable<string>): FsValue[] {
  const out: FsValue[] = [];
  for (const id of ids) out.push(id, `${collection}/${id}`, fs.ref(`${collection}/${id}`));
  return out;
}

/** The id a reference field names, read as the writers read it (mapping/coerce.ts `refId`). */
function idIn(collection: string, value: FsValue | undefined): string | undefined {
  const read = refId(collection)(value);
  return read.ok ? read.value : undefined;
}

/** Queries on `field` for these values, in chunks a Firestore `in` takes. */
function whereIn(collectionGroup: string, fields: string[], values: FsValue[]): SourceQuery[] {
  const out: SourceQuery[] = [];
  for (const field of fields) {
    for (let i = 0; i < values.length; i += IN_LIMIT) {
      out.push({ collectionGroup, where: { field, values: values.slice(i, i + IN_LIMIT) } });
    }
  }
  return out;
}

/**
 * One user, on demand (`POST /admin/migrations/users/:uid`, `migrate user`, and the first
 * sign-in of a migrated account): the user's whole graph, whatever the stages' progress —
 * the user and their subcollections; their businesses and those businesses' posts; their
 * applications, matches, no-show records and notifications; what those name (the posts they
 * applied to, the businesses and owners of those posts); and, for a business, the activity on
 * its posts with the workers it names. Written stage by stage in dependency order through the
 * same writers as the batch (so idempotent: a second run moves nothing and says so), within a
 * time budget. Stages already cleaned are left alone.
 */
export class UserMigration {
  constructor(
    private readonly deps: {
      source: FirestoreSource;
      state: MigrationStateRepository;
      writers: StageWriters;
      logger: Logger;
    },
  ) {}

  async migrate(
    uid: string,
    options: { now?: () => Date; budgetMs?: number; signal?: AbortSignal } = {},
  ): Promise<UserMigrationReport> {
    const now = options.now ?? (() => new Date());
    const started = now();
    const deadline = started.getTime() + (options.budgetMs ?? Infinity);
    const report: UserMigrationReport = {
      uid,
      outcome: 'done',
      startedAt: started.toISOString(),
      elapsedMs: 0,
      stages: [],
      moved: [],
      alreadyThere: 0,
      failed: [],
    };
    const finish = () => {
      report.elapsedMs = now().getTime() - started.getTime();
      return report;
    };
    const { source } = this.deps;
    const snapshot = await source.openSnapshot();
    const user = await source.get(snapshot, `users/${uid}`);
    if (!user) {
      report.outcome = 'not_found';
      return finish();
    }
    // The budget bounds the reading of the graph too (a scan of a large export, a stalled read).
    const budget =
      options.budgetMs === undefined
        ? undefined
        : AbortSignal.timeout(Math.max(1, options.budgetMs));
    const reading =
      budget && options.signal
        ? AbortSignal.any([budget, options.signal])
        : (budget ?? options.signal);
    let graph: SourceDoc[];
    try {
      graph = await this.graphOf(user, snapshot, reading);
    } catch (error) {
      if (!budget?.aborted || options.signal?.aborted) throw error;
      report.outcome = 'partial';
      this.deps.logger.info(
        { uid, elapsedMs: now().getTime() - started.getTime() },
        'user migration ran out of time reading the graph: the daily batch brings it',
      );
      return finish();
    }
    const runId = `user:${uid}:${started.toISOString()}`;
    const states = await this.deps.state.stageStates(STAGES.map((s) => s.name));
    for (const stage of STAGES) {
      // A cleaned stage has served: writing into it again would bring its `_legacy` back.
      if (states.get(stage.name)?.status === 'cleaned') continue;
      const writer = this.deps.writers[stage.name];
      const docs = graph.filter((d) => stage.collectionGroups.includes(collectionGroupOf(d.path)));
      if (!writer || docs.length === 0) continue;
      const row = {
        stage: stage.name,
        documents: docs.length,
        written: 0,
        unchanged: 0,
        skipped: 0,
      };
      report.stages.push(row);
      for (const doc of docs) {
        if (now().getTime() >= deadline) {
          report.outcome = 'partial';
          this.deps.logger.info(
            { uid, stage: stage.name, elapsedMs: now().getTime() - started.getTime() },
            'user migration ran out of time: the daily batch brings the rest',
          );
          return finish();
        }
        options.signal?.throwIfAborted();
        const result = await writer.write([doc], { runId, now: now() });
        row.written += result.written;
        row.unchanged += result.unchanged;
        row.skipped += result.skipped;
        if (result.written && report.moved.length < LISTED) report.moved.push(doc.path);
        report.alreadyThere += result.unchanged;
        if (result.issues.length) {
          await this.deps.state.report(stage.name, runId, result.issues, now());
          report.failed.push(...result.issues.slice(0, Math.max(0, LISTED - report.failed.length)));
        }
      }
    }
    return finish();
  }

  /** The user's documents and the ones they bring with them, each once. */
  private async graphOf(
    user: SourceDoc,
    snapshot: Snapshot,
    signal: AbortSignal | undefined,
  ): Promise<SourceDoc[]> {
    const { source } = this.deps;
    const graph = new Map<string, SourceDoc>([[user.path, user]]);
    const add = (docs: Iterable<SourceDoc>) => {
      for (const doc of docs) graph.set(doc.path, doc);
    };
    const uid = user.path.split('/')[1]!;
    const me = refsTo('users', [uid]);
    // Round 1: what names the user.
    const first = await selectFrom(
      source,
      snapshot,
      [
        ...['bankAccounts', 'identity', 'certificates'].map((group) => ({
          collectionGroup: group,
          parent: user.path,
        })),
        ...whereIn('businesses', ['owner', 'ownerUid'], me),
        ...whereIn('applications', ['user', 'uid'], me),
        ...whereIn('matches', ['workerUid', 'worker'], me),
        ...whereIn('noShows', ['uid'], me),
        ...whereIn('notifications', ['uid'], me),
      ],
      signal,
    );
    add(first.flat());
    // Round 2: the posts of their businesses, and the activity on them.
    const businesses = [...graph.values()]
      .filter((d) => collectionGroupOf(d.path) === 'businesses')
      .map((d) => d.path.split('/')[1]!);
    if (businesses.length) {
      const owned = refsTo('businesses', businesses);
      add(
        (
          await selectFrom(
            source,
            snapshot,
            whereIn('jobPosts', ['business', 'businessId'], owned),
            signal,
          )
        ).flat(),
      );
      const posts = [...graph.values()]
        .filter((d) => d.path.startsWith('jobPosts/'))
        .map((d) => d.path.split('/')[1]!);
      if (posts.length) {
        const onPosts = refsTo('jobPosts', posts);
        add(
          (
            await selectFrom(
              source,
              snapshot,
              [
                ...whereIn('applications', ['jobPost', 'postId'], onPosts),
                ...whereIn('matches', ['postId', 'jobPost'], onPosts),
                ...whereIn('noShows', ['postId'], onPosts),
              ],
              signal,
            )
          ).flat(),
        );
      }
    }
    // Round 3: what the activity names (posts, their businesses, those owners; the workers).
    const named = new Set<string>();
    for (const doc of graph.values()) {
      const f = doc.fields;
      const group = collectionGroupOf(doc.path);
      if (group === 'applications' || group === 'matches' || group === 'noShows') {
        const post = idIn('jobPosts', f.jobPost ?? f.postId);
        if (post) named.add(`jobPosts/${post}`);
        const worker = idIn('users', f.workerUid ?? f.worker ?? f.user ?? f.uid);
        if (worker) named.add(`users/${worker}`);
      }
    }
    await this.getAll(snapshot, named, graph, signal);
    const owners = new Set<string>();
    for (const path of named) {
      const post = graph.get(path);
      const business = post && idIn('businesses', post.fields.business ?? post.fields.businessId);
      if (business) owners.add(`businesses/${business}`);
    }
    await this.getAll(snapshot, owners, graph, signal);
    const ownerUsers = new Set<string>();
    for (const path of owners) {
      const owner = idIn(
        'users',
        graph.get(path)?.fields.owner ?? graph.get(path)?.fields.ownerUid,
      );
      if (owner) ownerUsers.add(`users/${owner}`);
    }
    await this.getAll(snapshot, ownerUsers, graph, signal);
    return [...graph.values()];
  }

  private async getAll(
    snapshot: Snapshot,
    paths: Iterable<string>,
    graph: Map<string, SourceDoc>,
    signal: AbortSignal | undefined,
  ) {
    const missing = [...paths].filter((p) => !graph.has(p));
    if (missing.length === 0) return;
    for (const doc of await getMany(this.deps.source, snapshot, missing, signal)) {
      graph.set(doc.path, doc);
    }
  }
}

import type { Database, Document } from '../../../platform/storage/database.js';
import { parseId } from '../../../platform/storage/ids.js';
import { legacySourceKey } from '../../../platform/storage/legacy-copy.js';
import type { CopyTarget, LegacySealer } from '../codec/legacy-sealer.js';
import {
  canonicalHash,
  canonicalText,
  type FsFields,
  type FsValue,
  type SourceDoc,
} from '../firestore/value.js';
import {
  collectionGroupOf,
  type FirestoreSource,
  getMany,
  type Snapshot,
} from '../source/firestore-source.js';
import type { MigrationStateRepository } from './migration-state.repository.js';
import {
  type MigrationIssue,
  STAGES,
  type StageDefinition,
  type StageName,
  type StageWriters,
} from './stages.js';

/** Collections keyed by a string id (the member's Firebase uid); every other one by ObjectId. */
const STRING_KEYED = new Set(['members', 'workers']);
const BATCH = 500;
/** Paths listed per kind of finding in a report (the counts are always whole). */
const LISTED = 100;

export interface StageVerification {
  stage: StageName;
  /** Nothing missing, altered, extra or unreadable: the stage may be marked verified. */
  clean: boolean;
  verifiedAt: string;
  /** Per collection group. */
  groups: {
    collectionGroup: string;
    /** Source documents. */
    source: number;
    /** Source documents whose copy is in every target, the same value. */
    matched: number;
    /** Source documents the migration reported and left out (each has an issue). */
    reported: number;
    missing: number;
    altered: number;
    /** Copies in the target no source document matched, the source still holding it. */
    extra: number;
    /** Copies whose source document the old app deleted since: reconciled (see `deleted`). */
    deleted: number;
  }[];
  /** Unreported source documents with no copy (a target named, none there). */
  missing: string[];
  /**
   * Copies that are not the source's value: `stale` (the source changed since it was copied: a
   * delta run brings it), `corrupt` (the stored copy does not decode to what its marker says),
   * with the field paths that differ (names, never values).
   */
  altered: { path: string; reason: 'stale' | 'corrupt'; fields: string[] }[];
  extra: string[];
  /**
   * Source documents the old app deleted after they were copied: each reported
   * (`deleted_in_source`) and its copy dropped, an archived one removed; what the document made
   * here (a member, an assignment) stays for an operator to review.
   */
  deleted: string[];
  /** Documents whose every field was compared one by one after the hashes matched. */
  sampled: number;
}

interface StoredCopy {
  path: string;
  marker?: string;
  sealed?: unknown;
}

type LegacyHolder = Document & { _id: unknown; _legacy?: { sources?: Record<string, StoredCopy> } };

/**
 * `migrate verify`: compares a copied stage's source documents with what the target holds of
 * them. Per document: the canonical hash of the source value, the hash the copy was written with
 * (its marker), and the copy opened and decoded back to canonical form, in every target the
 * writer names; a sample is also compared field by field. Then the target is scanned for copies
 * whose source is gone (extra). A stage with nothing missing, altered or extra is marked
 * `verified`, which lets the stages after it run and cleanup drop its copies. The report names
 * paths and field names, never a value.
 */
export class MigrationVerifier {
  constructor(
    private readonly deps: {
      source: FirestoreSource;
      db: Database;
      state: MigrationStateRepository;
      writers: StageWriters;
      sealer: LegacySealer;
      /** One in this many matched documents is compared field by field (default 100). */
      sampleEvery?: number;
      /** Reconcile copies whose source was deleted (default true); false lists them as extra. */
      reconcileDeletes?: boolean;
    },
  ) {}

  /** Verifies each copied stage (or the ones named), in dependency order. */
  async verify(
    options: {
      stages?: readonly StageName[];
      /** Verified stages are verified again too (the command), unless this is false (the job). */
      reverify?: boolean;
      now?: () => Date;
      signal?: AbortSignal;
    } = {},
  ): Promise<StageVerification[]> {
    const now = options.now ?? (() => new Date());
    const states = await this.deps.state.stageStates(STAGES.map((s) => s.name));
    const reports: StageVerification[] = [];
    let snapshot: Snapshot | undefined;
    for (const stage of STAGES) {
      if (options.stages && !options.stages.includes(stage.name)) continue;
      const status = states.get(stage.name)?.status;
      if (status !== 'copied' && (status !== 'verified' || options.reverify === false)) continue;
      snapshot ??= await this.deps.source.openSnapshot();
      const report = await this.verifyStage(stage, snapshot, now(), options.signal);
      // A stage verified before and unclean now goes back to copied: cleanup must not drop it.
      await this.deps.state.setStatus(
        stage.name,
        report.clean ? 'verified' : 'copied',
        now(),
        report as unknown as Record<string, unknown>,
      );
      reports.push(report);
    }
    return reports;
  }

  private async verifyStage(
    stage: StageDefinition,
    snapshot: Snapshot,
    at: Date,
    signal: AbortSignal | undefined,
  ): Promise<StageVerification> {
    const writer = this.deps.writers[stage.name];
    if (!writer) throw new Error(`no writer for the ${stage.name} stage in this build`);
    const report: StageVerification = {
      stage: stage.name,
      clean: false,
      verifiedAt: at.toISOString(),
      groups: [],
      missing: [],
      altered: [],
      extra: [],
      deleted: [],
      sampled: 0,
    };
    // The copies seen, by target collection: the scan for extras looks each one up here. A key is
    // 22 characters, so a million documents hold about 100 MB here at most.
    const seen = new Map<string, Set<string>>();
    const sampleEvery = this.deps.sampleEvery ?? 100;
    for (const group of stage.collectionGroups) {
      const counts = {
        collectionGroup: group,
        source: 0,
        matched: 0,
        reported: 0,
        missing: 0,
        altered: 0,
        extra: 0,
        deleted: 0,
      };
      for (const partition of await this.deps.source.partition(snapshot, group, 1)) {
        let batch: SourceDoc[] = [];
        const check = async () => {
          const outcome = await this.checkBatch(batch, writer.targetsOf.bind(writer), seen, {
            sample: (i) => (counts.source - batch.length + i) % sampleEvery === 0,
          });
          counts.matched += outcome.matched;
          counts.altered += outcome.altered.length;
          report.sampled += outcome.sampled;
          report.altered.push(...outcome.altered.slice(0, LISTED - report.altered.length));
          const reported = await this.deps.state.reportedPaths(stage.name, outcome.missing);
          counts.reported += reported.size;
          const missing = outcome.missing.filter((p) => !reported.has(p));
          counts.missing += missing.length;
          report.missing.push(...missing.slice(0, Math.max(0, LISTED - report.missing.length)));
          batch = [];
        };
        for await (const { doc } of this.deps.source.scan(snapshot, partition)) {
          signal?.throwIfAborted();
          batch.push(doc);
          counts.source += 1;
          if (batch.length >= BATCH) await check();
        }
        if (batch.length) await check();
      }
      report.groups.push(counts);
    }
    await this.findExtras(stage, snapshot, seen, report, at);
    report.clean =
      report.groups.every((g) => g.missing === 0 && g.altered === 0 && g.extra === 0) &&
      report.altered.length === 0;
    return report;
  }

  private async checkBatch(
    docs: readonly SourceDoc[],
    targetsOf: (doc: SourceDoc) => CopyTarget[],
    seen: Map<string, Set<string>>,
    options: { sample: (index: number) => boolean },
  ) {
    const targets = docs.map((doc) => targetsOf(doc));
    const stored = await this.load(targets.flat());
    const outcome = {
      matched: 0,
      sampled: 0,
      missing: [] as string[],
      altered: [] as StageVerification['altered'],
    };
    for (const [i, doc] of docs.entries()) {
      const key = legacySourceKey(doc.path);
      const hash = canonicalHash(doc.fields);
      let state: 'matched' | 'missing' | StageVerification['altered'][number] = 'matched';
      const sampled = options.sample(i);
      if (sampled) outcome.sampled += 1;
      if (targets[i]!.length === 0) state = 'missing';
      for (const target of targets[i]!) {
        const copy = stored.get(`${target.collection}/${target.id}`)?._legacy?.sources?.[key];
        if (!copy || copy.path !== doc.path) {
          state = 'missing';
          break;
        }
        let set = seen.get(target.collection);
        if (!set) seen.set(target.collection, (set = new Set()));
        set.add(key);
        if (state !== 'matched') continue;
        const opened = await this.open(target, copy);
        if (opened === undefined || canonicalHash(opened) !== copy.marker?.split(':')[1]) {
          state = {
            path: doc.path,
            reason: 'corrupt',
            fields: opened ? differingFields(doc.fields, opened) : ['(unreadable)'],
          };
        } else if (copy.marker?.split(':')[1] !== hash) {
          state = { path: doc.path, reason: 'stale', fields: differingFields(doc.fields, opened) };
        } else if (sampled) {
          const fields = differingFields(doc.fields, opened);
          if (fields.length) state = { path: doc.path, reason: 'corrupt', fields };
        }
      }
      if (state === 'matched') outcome.matched += 1;
      else if (state === 'missing') outcome.missing.push(doc.path);
      else outcome.altered.push(state);
    }
    return outcome;
  }

  /** The target documents, by `collection/id`, with their `_legacy` copies only. */
  private async load(targets: readonly CopyTarget[]): Promise<Map<string, LegacyHolder>> {
    const byCollection = new Map<string, Set<string>>();
    for (const t of targets) {
      const ids = byCollection.get(t.collection) ?? new Set<string>();
      ids.add(t.id);
      byCollection.set(t.collection, ids);
    }
    const found = new Map<string, LegacyHolder>();
    for (const [collection, ids] of byCollection) {
      const keys = [...ids].map((id) => storedId(collection, id));
      const docs = await this.deps.db
        .collection<LegacyHolder>(collection)
        .find({ _id: { $in: keys } } as never, { projection: { _legacy: 1 } })
        .toArray();
      for (const doc of docs) found.set(`${collection}/${idText(doc._id)}`, doc);
    }
    return found;
  }

  private async open(target: CopyTarget, copy: StoredCopy): Promise<FsFields | undefined> {
    try {
      return await this.deps.sealer.open(target, copy.path, copy.sealed);
    } catch {
      return undefined;
    }
  }

  /**
   * Copies of this stage's collection groups, in the collections its documents went to, that
   * no source document matched: their source was deleted (or never was).
   */
  private async findExtras(
    stage: StageDefinition,
    snapshot: Snapshot,
    seen: Map<string, Set<string>>,
    report: StageVerification,
    at: Date,
  ) {
    const groups = new Set(stage.collectionGroups);
    const found: { collection: string; id: unknown; key: string; path: string; copies: number }[] =
      [];
    for (const collection of stage.targets) {
      const keys = seen.get(collection) ?? new Set<string>();
      const cursor = this.deps.db
        .collection<LegacyHolder>(collection)
        .find({ _legacy: { $exists: true } } as never, { projection: { '_legacy.sources': 1 } });
      for await (const doc of cursor) {
        const copies = Object.entries(doc._legacy?.sources ?? {});
        for (const [key, copy] of copies) {
          if (!groups.has(collectionGroupOf(copy.path)) || keys.has(key)) continue;
          found.push({ collection, id: doc._id, key, path: copy.path, copies: copies.length });
        }
      }
    }
    // A copy no source document matched: gone from the source (deleted in the old app since it
    // was copied), or never there (a fault). Only the first is reconciled.
    const present = new Set(
      (await getMany(this.deps.source, snapshot, new Set(found.map((f) => f.path)))).map(
        (d) => d.path,
      ),
    );
    const deleted: MigrationIssue[] = [];
    for (const extra of found) {
      const counts = report.groups.find((g) => g.collectionGroup === collectionGroupOf(extra.path));
      if (present.has(extra.path) || this.deps.reconcileDeletes === false) {
        if (counts) counts.extra += 1;
        if (report.extra.length < LISTED) report.extra.push(extra.path);
        continue;
      }
      const collection = this.deps.db.collection<LegacyHolder>(extra.collection);
      if (stage.archive) {
        await collection.deleteOne({ _id: extra.id } as never);
      } else if (extra.copies === 1) {
        await collection.updateOne({ _id: extra.id } as never, { $unset: { _legacy: '' } });
      } else {
        await collection.updateOne({ _id: extra.id } as never, {
          $unset: { [`_legacy.sources.${extra.key}`]: '' },
        });
      }
      if (counts) counts.deleted += 1;
      if (report.deleted.length < LISTED) report.deleted.push(extra.path);
      deleted.push({
        path: extra.path,
        code: 'deleted_in_source',
        detail: stage.archive
          ? 'the old app deleted it: the archived copy is removed'
          : 'the old app deleted it: its copy is dropped; what it made here stays, for review',
      });
    }
    if (deleted.length)
      await this.deps.state.report(stage.name, `verify:${report.verifiedAt}`, deleted, at);
  }
}

function storedId(collection: string, id: string): unknown {
  return STRING_KEYED.has(collection) ? id : parseId(id);
}

/** A stored `_id` as text: an ObjectId's hex (whichever copy of bson made it), or the string. */
const idText = (id: unknown) => String(id);

/** The field paths (names only) where two documents' values differ. */
function differingFields(a: FsFields, b: FsFields, prefix = ''): string[] {
  const out: string[] = [];
  for (const name of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const x: FsValue | undefined = a[name];
    const y: FsValue | undefined = b[name];
    const here = prefix ? `${prefix}.${name}` : name;
    if (x === undefined || y === undefined) {
      out.push(here);
    } else if (isMap(x) && isMap(y)) {
      out.push(...differingFields(x.map, y.map, here));
    } else if (canonicalText(x) !== canonicalText(y)) {
      out.push(here);
    }
  }
  return out;
}

const isMap = (v: FsValue): v is { map: FsFields } =>
  v !== null && typeof v === 'object' && !Array.isArray(v) && 'map' in v;

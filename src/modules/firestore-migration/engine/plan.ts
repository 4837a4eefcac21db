import { encodeFields, escapeKey } from '../codec/legacy-codec.js';
import { bsonSize, preflight, type PreflightProblem } from '../codec/preflight.js';
import { type FsFields, type FsKind, type FsValue, kindOf } from '../firestore/value.js';
import type { FirestoreSource } from '../source/firestore-source.js';
import { STAGES, type StageName } from './stages.js';

/** What `migrate plan` reports of one collection group. Nothing is written anywhere. */
interface GroupPlan {
  collectionGroup: string;
  stage: StageName | null;
  documents: number;
  /** The BSON size of the documents as `_legacy` would hold them. */
  bytes: number;
  largestBytes: number;
  /** Values by type at any depth: how unclear the data's types are. */
  types: Partial<Record<FsKind, number>>;
  /** Field names DocumentDB refuses as written (`.`, leading `$`, empty, NUL): escaped on write. */
  escapedNames: number;
  /** Documents that would not fit DocumentDB even escaped (size, depth): by code, with paths. */
  problems: { code: PreflightProblem['code']; count: number; paths: string[] }[];
}

export interface MigrationPlan {
  source: string;
  snapshot: string;
  groups: GroupPlan[];
  /** Groups the source holds that no stage reads (they stay behind: name them). */
  unmapped: string[];
  totals: { documents: number; bytes: number };
  /** Reads billed by Firestore for a full copy (one per document on the live source). */
  estimatedReads: number;
}

const MAX_PATHS = 10;

function census(value: FsValue, types: GroupPlan['types'], names: { escaped: number }) {
  const kind = kindOf(value);
  types[kind] = (types[kind] ?? 0) + 1;
  if (kind === 'array') for (const item of value as FsValue[]) census(item, types, names);
  if (kind === 'map') fieldsCensus((value as { map: FsFields }).map, types, names);
}

function fieldsCensus(fields: FsFields, types: GroupPlan['types'], names: { escaped: number }) {
  for (const [name, value] of Object.entries(fields)) {
    if (escapeKey(name) !== name && name !== '__proto__') names.escaped += 1;
    census(value, types, names);
  }
}

/**
 * Reads every document of the source once (the plan costs one full read: on the live source,
 * run it against an export instead when reads are dear) and reports what the migration will
 * meet: counts, sizes, the type census, names to escape and documents DocumentDB would refuse.
 */
export async function planMigration(source: FirestoreSource): Promise<MigrationPlan> {
  const snapshot = await source.openSnapshot();
  const stageOf = new Map(
    STAGES.flatMap((stage) => stage.collectionGroups.map((group) => [group, stage.name] as const)),
  );
  const groups: GroupPlan[] = [];
  for (const collectionGroup of await source.listCollectionGroups(snapshot)) {
    const plan: GroupPlan = {
      collectionGroup,
      stage: stageOf.get(collectionGroup) ?? null,
      documents: 0,
      bytes: 0,
      largestBytes: 0,
      types: {},
      escapedNames: 0,
      problems: [],
    };
    const names = { escaped: 0 };
    const problems = new Map<PreflightProblem['code'], { count: number; paths: string[] }>();
    for (const partition of await source.partition(snapshot, collectionGroup, 1)) {
      for await (const { doc } of source.scan(snapshot, partition)) {
        plan.documents += 1;
        fieldsCensus(doc.fields, plan.types, names);
        const stored = { _id: doc.path, _legacy: { fields: encodeFields(doc.fields) } };
        const size = bsonSize(stored);
        plan.bytes += size;
        plan.largestBytes = Math.max(plan.largestBytes, size);
        for (const problem of preflight(stored)) {
          const entry = problems.get(problem.code) ?? { count: 0, paths: [] };
          entry.count += 1;
          if (entry.paths.length < MAX_PATHS) entry.paths.push(doc.path);
          problems.set(problem.code, entry);
        }
      }
    }
    plan.escapedNames = names.escaped;
    plan.problems = [...problems].map(([code, entry]) => ({ code, ...entry }));
    groups.push(plan);
  }
  const documents = groups.reduce((n, g) => n + g.documents, 0);
  return {
    source: source.kind,
    snapshot: snapshot.id,
    groups,
    unmapped: groups.filter((g) => g.stage === null).map((g) => g.collectionGroup),
    totals: { documents, bytes: groups.reduce((n, g) => n + g.bytes, 0) },
    estimatedReads: source.capabilities().pinnedReadTime ? documents : 0,
  };
}

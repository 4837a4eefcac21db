import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { fsFields } from '../firestore/arbitraries.js';
import { canonicalText, fs, type FsFields, type FsValue, kindOf } from '../firestore/value.js';
import type { FirestoreSource, ScannedDoc } from './firestore-source.js';

export interface SeedDoc {
  path: string;
  fields: FsFields;
}

/** Firestore has no array directly inside an array (no source can hold one). */
export function withoutNestedArrays(value: FsValue, inArray = false): boolean {
  const kind = kindOf(value);
  if (kind === 'array') {
    return !inArray && (value as FsValue[]).every((item) => withoutNestedArrays(item, true));
  }
  if (kind === 'map') {
    return Object.values((value as { map: FsFields }).map).every((v) => withoutNestedArrays(v));
  }
  return true;
}

/**
 * What a Firestore server refuses to store (seen on Google's emulator): field names of the form
 * `__…__` (reserved) and empty ones, vectors that are empty, hold NaN or sit inside an array; at
 * any depth.
 */
export function firestoreCanHold(value: FsValue, inArray = false): boolean {
  const kind = kindOf(value);
  if (kind === 'vector') {
    const { vector } = value as { vector: number[] };
    return !inArray && vector.length > 0 && !vector.some(Number.isNaN);
  }
  if (kind === 'array') return (value as FsValue[]).every((item) => firestoreCanHold(item, true));
  if (kind === 'map') {
    return Object.entries((value as { map: FsFields }).map).every(
      ([name, v]) => name !== '' && !/^__.*__$/.test(name) && firestoreCanHold(v),
    );
  }
  return true;
}

const SEED: SeedDoc[] = [
  ...Array.from({ length: 25 }, (_, i) => ({
    path: `users/u${String(i).padStart(2, '0')}`,
    fields: { n: fs.int(i), name: `사용자 ${i}` },
  })),
  { path: 'users/u01/bankAccounts/b1', fields: { bank: '088' } },
  { path: 'users/u02/bankAccounts/b1', fields: { bank: '004' } },
  { path: 'businesses/x/bankAccounts/b9', fields: { bank: '011' } },
  { path: 'shifts/s1', fields: { pay: '10,320원', owner: fs.ref('businesses/x') } },
];

async function drain(iterable: AsyncIterable<ScannedDoc>): Promise<ScannedDoc[]> {
  const out: ScannedDoc[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

/**
 * What every FirestoreSource adapter promises (firestore-source.md §5), run against each one
 * that can run here: `open` seeds a source with documents.
 */
export function describeSourceContract(
  name: string,
  open: (docs: SeedDoc[]) => Promise<FirestoreSource>,
  /** seedable: which generated documents the adapter's store can hold (a server refuses some). */
  options: { seedable?: (fields: FsFields) => boolean } = {},
): void {
  describe(`${name}: the FirestoreSource contract`, () => {
    let source: FirestoreSource | undefined;
    afterEach(async () => {
      await source?.close();
      source = undefined;
    });
    const seeded = async (docs = SEED) => {
      source = await open(docs);
      return { source, snapshot: await source.openSnapshot() };
    };

    it('lists the collection groups, subcollections by their own id', async () => {
      const { source, snapshot } = await seeded();
      expect(await source.listCollectionGroups(snapshot)).toEqual([
        'bankAccounts',
        'shifts',
        'users',
      ]);
    });

    it('covers a group with disjoint partitions: every document exactly once', async () => {
      const { source, snapshot } = await seeded();
      const partitions = await source.partition(snapshot, 'users', 4);
      expect(partitions.length).toBeGreaterThanOrEqual(1);
      const seen: string[] = [];
      for (const partition of partitions) {
        const docs = await drain(source.scan(snapshot, partition));
        expect(await source.count(snapshot, partition)).toBe(docs.length);
        seen.push(...docs.map((d) => d.doc.path));
      }
      expect(seen.sort()).toEqual(
        SEED.filter((d) => /^users\/u\d+$/.test(d.path)).map((d) => d.path),
      );
    });

    it('reads a collection group across parents, and never another group', async () => {
      const { source, snapshot } = await seeded();
      const paths: string[] = [];
      for (const partition of await source.partition(snapshot, 'bankAccounts', 2)) {
        for (const { doc } of await drain(source.scan(snapshot, partition))) paths.push(doc.path);
      }
      expect(paths.sort()).toEqual([
        'businesses/x/bankAccounts/b9',
        'users/u01/bankAccounts/b1',
        'users/u02/bankAccounts/b1',
      ]);
    });

    it('resumes exactly after a cursor: nothing missed, nothing twice', async () => {
      const { source, snapshot } = await seeded();
      for (const partition of await source.partition(snapshot, 'users', 2)) {
        const all = await drain(source.scan(snapshot, partition));
        for (const k of [0, Math.floor(all.length / 2), all.length - 1]) {
          const rest = await drain(
            source.scan(snapshot, partition, { resumeAfter: all[k]!.cursor }),
          );
          expect(rest.map((d) => d.doc.path)).toEqual(all.slice(k + 1).map((d) => d.doc.path));
        }
      }
    });

    it('gives one document by path, and nothing for an unknown one', async () => {
      const { source, snapshot } = await seeded();
      expect((await source.get(snapshot, 'shifts/s1'))?.fields).toEqual({
        pay: '10,320원',
        owner: fs.ref('businesses/x'),
      });
      expect(await source.get(snapshot, 'shifts/nope')).toBeUndefined();
    });

    it('keeps every value of generated documents exactly', async () => {
      const docs = fc
        .sample(
          fsFields.filter(
            (fields) =>
              withoutNestedArrays({ map: fields }) && (options.seedable?.(fields) ?? true),
          ),
          { numRuns: 60, seed: 12 },
        )
        .map((fields, i) => ({ path: `things/t${String(i).padStart(3, '0')}`, fields }));
      const { source, snapshot } = await seeded(docs);
      const read = new Map<string, FsFields>();
      for (const partition of await source.partition(snapshot, 'things', 3)) {
        for (const { doc } of await drain(source.scan(snapshot, partition))) {
          read.set(doc.path, doc.fields);
        }
      }
      expect(read.size).toBe(docs.length);
      for (const doc of docs) {
        expect(canonicalText({ map: read.get(doc.path)! })).toBe(
          canonicalText({ map: doc.fields }),
        );
      }
    });
  });
}

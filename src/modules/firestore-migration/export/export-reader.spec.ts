import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fsFields } from '../firestore/arbitraries.js';
import { canonicalText, fs, type FsFields } from '../firestore/value.js';
import { withoutNestedArrays } from '../source/firestore-source.contract.js';
import { decodeEntity, encodeEntity, EntityDecodeError } from './entity-proto.js';
import {
  BLOCK_SIZE,
  blocksOf,
  CorruptLogError,
  LogWriter,
  readLogFile,
  splitRecords,
} from './leveldb-log.js';

const FIXTURES = path.resolve(
  import.meta.dirname,
  '../../../../../shared/fixtures/firestore-export',
);
const MISINFO = path.join(FIXTURES, 'misinfo-dashboard/all_namespaces/all_kinds/output-0');
const CATAN = path.join(FIXTURES, 'catan-now/all_namespaces/all_kinds/output-0');

async function readAll(file: string) {
  const docs: { path: string; fields: FsFields }[] = [];
  for await (const record of readLogFile(file)) docs.push(decodeEntity(record));
  return docs;
}

const collectionOf = (docPath: string) =>
  docPath
    .split('/')
    .filter((_, i, all) => i % 2 === 0 && i < all.length - 1)
    .join('/');

describe('reading real managed-export files no one here wrote', () => {
  it('reads every document of the misinfo-dashboard export, by collection', async () => {
    const docs = await readAll(MISINFO);
    const counts = new Map<string, number>();
    for (const d of docs)
      counts.set(collectionOf(d.path), (counts.get(collectionOf(d.path)) ?? 0) + 1);

    expect(docs).toHaveLength(215);
    expect(Object.fromEntries(counts)).toEqual({
      reports: 203,
      mobileUsers: 3,
      tags: 2,
      agency: 2,
      locations: 2,
      mail: 1,
      settings: 1,
      helpRequests: 1,
    });
    expect(new Set(docs.map((d) => d.path)).size).toBe(215);
  });

  it('decodes a report as inspected by hand: a timestamp with milliseconds, an empty array, booleans', async () => {
    const docs = await readAll(MISINFO);
    const report = docs.find((d) => d.path === 'reports/51O18ssxSM8cpTp56Od0');

    expect(report?.fields).toMatchObject({
      images: [],
      userID: 'B3khz2MkdHTSjmsHa0d97IZkDwJ2',
      state: 'Arizona',
      city: 'Yuma',
      isApproved: true,
      read: false,
      createdDate: fs.ts(1_729_728_477n, 221_000_000),
    });
  });

  it('decodes maps in arrays and arrays in maps, and integers as integers', async () => {
    const docs = await readAll(MISINFO);
    const settings = docs.find((d) => d.path === 'settings/experiment');
    const user = docs.find((d) => d.path === 'mobileUsers/TZYSXL4eh2b0k4RhdP8WE999Zq6F');
    const tags = docs.find((d) => d.path === 'tags/FKSpyOwuX6JoYF1fyv6b');

    expect(settings?.fields.experiments).toEqual([
      fs.map({ id: '2024-pilot', label: '2024 study' }),
      fs.map({ id: '2025-main', label: '2025 study' }),
      fs.map({ id: '2026-main', label: '2026 study' }),
    ]);
    expect(user?.fields.joiningDate).toEqual(fs.int(1_728_247_889n));
    expect(user?.fields.city).toEqual(
      fs.map({
        countryCode: 'US',
        latitude: '30.26715000',
        name: 'Austin',
        stateCode: 'TX',
        longitude: '-97.74306000',
      }),
    );
    expect(tags?.fields.default).toEqual(fs.map({ active: [], list: [] }));
  });

  it('reads the near-empty catan-now export: one document without fields', async () => {
    expect(await readAll(CATAN)).toEqual([{ path: 'gamerooms/room1', fields: {} }]);
  });
});

describe('what the export encoder writes, the reader reads back exactly', () => {
  it('round-trips generated documents of every type through EntityProto', () => {
    fc.assert(
      fc.property(
        fsFields.filter((fields) => withoutNestedArrays({ map: fields })),
        (fields) => {
          const back = decodeEntity(encodeEntity('users/abc/accounts/x', fields));
          expect(back.path).toBe('users/abc/accounts/x');
          expect(canonicalText({ map: back.fields })).toBe(canonicalText({ map: fields }));
        },
      ),
      { numRuns: 1_000 },
    );
  });

  it('writes references, GeoPoints, bytes, nulls, vectors and int64 extremes that the real fixtures lack', () => {
    const fields: FsFields = {
      owner: fs.ref('users/u1'),
      account: fs.ref('users/u1/bankAccounts/b1'),
      at: fs.geo(37.5665, 126.978),
      photo: fs.bytes(Uint8Array.from([0, 1, 254, 255])),
      gone: null,
      embedding: fs.vector([0.25, -1, 3.5]),
      big: fs.int(2n ** 63n - 1n),
      small: fs.int(-(2n ** 63n)),
      mixed: [1, 'a', null, fs.map({ x: fs.double(NaN) })].map((v) =>
        typeof v === 'number' ? fs.int(v) : v,
      ),
    };
    expect(decodeEntity(encodeEntity('shifts/s1', fields)).fields).toEqual(fields);
  });

  it('refuses bytes that are not an EntityProto, and an entity without a key', () => {
    expect(() => decodeEntity(Uint8Array.from([0xff, 0xff, 0xff]))).toThrow(EntityDecodeError);
    expect(() => decodeEntity(new Uint8Array())).toThrow(/without a key/);
  });
});

describe('the LevelDB log format', () => {
  const records = (sizes: number[]) =>
    sizes.map((size, i) => Uint8Array.from({ length: size }, (_, j) => (i * 31 + j) % 251));

  function roundTrip(sizes: number[]) {
    const writer = new LogWriter();
    const written = records(sizes);
    for (const record of written) writer.add(record);
    const bytes = writer.take();
    return { written, read: [...splitRecords(blocksOf(bytes))], bytes };
  }

  it('splits a record longer than a block into FIRST, MIDDLE and LAST fragments and joins them', () => {
    const { written, read, bytes } = roundTrip([10, 3 * BLOCK_SIZE + 123, 5]);
    expect(bytes.length).toBeGreaterThan(3 * BLOCK_SIZE);
    expect(read.map((r) => Buffer.from(r))).toEqual(written.map((r) => Buffer.from(r)));
  });

  it('pads a block tail too short for a header with zeros, and reads on in the next block', () => {
    // 32,768 - 7 - 32,755 leaves 6 bytes: too few for a header.
    const { written, read, bytes } = roundTrip([BLOCK_SIZE - 7 - 6, 40]);
    expect([...bytes.subarray(BLOCK_SIZE - 6, BLOCK_SIZE)]).toEqual([0, 0, 0, 0, 0, 0]);
    expect(read.map((r) => Buffer.from(r))).toEqual(written.map((r) => Buffer.from(r)));
  });

  it('reads any mix of record sizes back exactly, from a file a block at a time', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'wm-log-'));
    try {
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.integer({ min: 0, max: 80_000 }), { maxLength: 8 }),
          async (sizes) => {
            const { written, bytes } = roundTrip(sizes);
            const file = path.join(dir, 'output-0');
            await writeFile(file, bytes);
            const read: Buffer[] = [];
            for await (const record of readLogFile(file)) read.push(Buffer.from(record));
            expect(read).toEqual(written.map((r) => Buffer.from(r)));
          },
        ),
        { numRuns: 60 },
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses a flipped byte (checksum), never skipping the record', () => {
    const { bytes } = roundTrip([100, 100]);
    const damaged = Buffer.from(bytes);
    damaged[7 + 50]! ^= 0x01;
    expect(() => [...splitRecords(blocksOf(damaged))]).toThrow(CorruptLogError);
    expect(() => [...splitRecords(blocksOf(damaged))]).toThrow(/checksum mismatch at byte 0/);
  });

  it('refuses a log cut inside a fragmented record', () => {
    const { bytes } = roundTrip([2 * BLOCK_SIZE]);
    expect(() => [...splitRecords(blocksOf(bytes.subarray(0, BLOCK_SIZE)))]).toThrow(
      /ends inside a fragmented record/,
    );
  });
});

describe('the generator-sized case', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'wm-export-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('writes many documents to one file and reads them back in order', async () => {
    const writer = new LogWriter();
    const paths: string[] = [];
    for (let i = 0; i < 2_000; i += 1) {
      const docPath = `users/u${i}`;
      paths.push(docPath);
      writer.add(encodeEntity(docPath, { n: fs.int(i), at: fs.ts(1_700_000_000 + i, 123_000) }));
    }
    const file = path.join(dir, 'output-0');
    await writeFile(file, writer.take());
    expect((await readAll(file)).map((d) => d.path)).toEqual(paths);
  });
});

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { fsFields } from '../firestore/arbitraries.js';
import { canonicalText, fs } from '../firestore/value.js';
import { describeSourceContract } from '../source/firestore-source.contract.js';
import {
  fromNdjsonLine,
  NdjsonFormatError,
  parseTimestampText,
  timestampText,
  toNdjsonLine,
} from './ndjson-codec.js';
import { NdjsonSource, NdjsonWriter } from './ndjson-source.js';

const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));
const tempDir = async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'wm-ndjson-'));
  dirs.push(dir);
  return dir;
};

describe('our NDJSON dialect keeps every value', () => {
  it('reads back what it writes, for generated documents of every type', () => {
    fc.assert(
      fc.property(fsFields, (fields) => {
        const back = fromNdjsonLine(toNdjsonLine({ path: 'users/u1', fields }));
        expect(canonicalText({ map: back.fields })).toBe(canonicalText({ map: fields }));
      }),
      { numRuns: 2_000 },
    );
  });

  it('writes timestamps as text exact to the nanosecond, any year Firestore allows', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: -62_135_596_800n, max: 253_402_300_799n }),
        fc.integer({ min: 0, max: 999_999_999 }),
        (seconds, nanos) => {
          expect(parseTimestampText(timestampText({ seconds, nanos }))).toEqual({ seconds, nanos });
        },
      ),
    );
    expect(timestampText({ seconds: 1_714_555_800n, nanos: 123_456_000 })).toBe(
      '2024-05-01T09:30:00.123456Z',
    );
  });

  it('tells a map key that begins with $ from a tag', () => {
    const line = toNdjsonLine({ path: 'a/b', fields: { $int: '7', m: fs.map({ $set: true }) } });
    expect(line).toContain('"$$int":"7"');
    expect(fromNdjsonLine(line).fields).toEqual({ $int: '7', m: fs.map({ $set: true }) });
  });

  it.each([
    ['a line that is not JSON', '{"path":'],
    ['a document without a path', '{"fields":{}}'],
    ['a collection path, not a document path', '{"path":"users","fields":{}}'],
    ['an untagged number', '{"path":"a/b","fields":{"n":5}}'],
    ['an $int that is not digits', '{"path":"a/b","fields":{"n":{"$int":"5.5"}}}'],
    ['an unknown tag', '{"path":"a/b","fields":{"n":{"$decimal":"5"}}}'],
  ])('refuses %s with a clear error', (_, line) => {
    expect(() => fromNdjsonLine(line)).toThrow(NdjsonFormatError);
  });
});

describe('the NDJSON that firestore-backfire 2.x writes', () => {
  it('reads timestamps, GeoPoints and references by the field paths listed beside the data', () => {
    const line = JSON.stringify({
      path: 'reports/r1',
      data: {
        createdAt: { _seconds: 1_700_000_000, _nanoseconds: 5_000 },
        place: { _latitude: 37.5, _longitude: 127 },
        owner: { _firestore: { projectId: 'old' }, _path: { segments: ['users', 'u1'] } },
        history: [{ at: { _seconds: 1, _nanoseconds: 0 } }],
        count: 3,
        ratio: 0.5,
        tags: ['a'],
        nothing: null,
      },
      timestamps: ['createdAt', 'history.0.at'],
      geopoints: ['place'],
      documents: ['owner'],
    });
    expect(fromNdjsonLine(line)).toEqual({
      path: 'reports/r1',
      fields: {
        createdAt: fs.ts(1_700_000_000n, 5_000),
        place: fs.geo(37.5, 127),
        owner: fs.ref('users/u1'),
        history: [fs.map({ at: fs.ts(1n, 0) })],
        count: fs.int(3),
        ratio: fs.double(0.5),
        tags: ['a'],
        nothing: null,
      },
    });
  });
});

describeSourceContract('NdjsonSource (several files)', async (docs) => {
  const dir = await tempDir();
  const writer = new NdjsonWriter(dir, { linesPerFile: 7 });
  for (const doc of docs) await writer.add(doc);
  await writer.finish();
  return new NdjsonSource(dir);
});

describe('NdjsonSource', () => {
  it('names the file and line of a malformed document', async () => {
    const dir = await tempDir();
    await writeFile(
      path.join(dir, 'a.ndjson'),
      '{"path":"users/u1","fields":{}}\n{"path":"users/u2","fields":{"n":5}}\n',
    );
    const source = new NdjsonSource(dir);
    const snapshot = await source.openSnapshot();
    const [partition] = await source.partition(snapshot, 'users');
    const scanned: string[] = [];
    await expect(
      (async () => {
        for await (const { doc } of source.scan(snapshot, partition!)) scanned.push(doc.path);
      })(),
    ).rejects.toThrow('a.ndjson line 2: an untagged number');
    expect(scanned).toEqual(['users/u1']);
  });
});

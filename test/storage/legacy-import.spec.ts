import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import { Long, ObjectId } from 'bson';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EmbeddedDatabase, type Document } from '../../src/platform/storage/index.js';
import { encodeValue } from '../../src/platform/storage/embedded/legacy/ejson-codec.js';
import { memoryLogger } from './support/memory-logger.js';

interface Doc extends Document {
  _id?: string | number;
}

/** One record of the old journal format: length, crc32, canonical EJSON. */
function frame(value: unknown): Buffer {
  const body = Buffer.from(encodeValue(value), 'utf8');
  const header = Buffer.alloc(8);
  header.writeUInt32LE(body.length, 0);
  header.writeUInt32LE(crc32(body), 4);
  return Buffer.concat([header, body]);
}

const put = (c: string, doc: Document) => ({ c, put: doc });
const ref = new ObjectId();

/** What the previous engine left in `.data/db`: a snapshot at generation 2 and its journal. */
async function writeOldDirectory(dir: string, journalTail: Buffer[] = []): Promise<void> {
  const snapshot = [
    frame({
      format: 'workmatch-embedded-snapshot',
      version: 1,
      generation: 2,
      collections: [
        {
          name: 'members',
          indexes: [{ name: 'email_1', key: [['email', 1]], unique: true, sparse: false }],
        },
      ],
    }),
    frame({
      c: 'members',
      docs: [
        { _id: 'm1', email: 'a@x.kr', big: Long.fromString('9007199254740993'), ref },
        { _id: 'm2', email: 'b@x.kr' },
      ],
    }),
    frame({ end: true, documents: 2 }),
  ];
  await writeFile(path.join(dir, 'snapshot.wmdb'), Buffer.concat(snapshot));
  // A journal the snapshot covers (a compaction that stopped before deleting it): ignored.
  await writeFile(
    path.join(dir, 'journal-00000001.log'),
    frame({ ops: [put('members', { _id: 'stale' })] }),
  );
  await writeFile(
    path.join(dir, 'journal-00000002.log'),
    Buffer.concat([
      frame({ ops: [put('members', { _id: 'm3', email: 'c@x.kr' }), { c: 'members', del: 'm2' }] }),
      frame({
        ops: [
          { c: 'shifts', index: { name: 'at_1', key: [['at', -1]], unique: false, sparse: false } },
        ],
      }),
      frame({
        ops: [
          put('shifts', { _id: 1, at: new Date(0) }),
          put('shifts', { _id: 2, at: new Date(1) }),
        ],
      }),
      ...journalTail,
    ]),
  );
  await writeFile(path.join(dir, 'LOCK'), JSON.stringify({ pid: 1 }));
}

describe('first start on a directory of the previous engine', () => {
  let dir: string;
  const open = (logger = memoryLogger()) => EmbeddedDatabase.open(dir, { logger });

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'workmatch-legacy-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('imports every document and index once, and keeps the old files as a backup', async () => {
    await writeOldDirectory(dir);
    const logger = memoryLogger();
    let db = await open(logger);
    const members = db.collection<Doc>('members');
    expect(await members.find({}).sort({ _id: 1 }).toArray()).toEqual([
      { _id: 'm1', email: 'a@x.kr', big: Long.fromString('9007199254740993'), ref },
      { _id: 'm3', email: 'c@x.kr' },
    ]);
    await expect(members.insertOne({ _id: 'm4', email: 'a@x.kr' })).rejects.toMatchObject({
      code: 11000,
    });
    const shifts = db.collection<Doc>('shifts');
    expect(await shifts.find({ at: { $gte: new Date(0) } }).explain()).toMatchObject({
      stage: 'IXSCAN',
      indexName: 'at_1',
      returned: 2,
    });
    expect(logger.messages('info')).toContain(
      'embedded database: imported the journal of the previous format',
    );
    const names = await readdir(dir);
    const backup = names.find((n) => n.startsWith('journal-backup-'))!;
    expect(names.sort()).toEqual(
      [backup, 'workmatch.sqlite', 'workmatch.sqlite-shm', 'workmatch.sqlite-wal'].sort(),
    );
    expect((await readdir(path.join(dir, backup))).sort()).toEqual([
      'LOCK',
      'journal-00000001.log',
      'journal-00000002.log',
      'snapshot.wmdb',
    ]);
    await members.insertOne({ _id: 'm5', email: 'e@x.kr' });
    await db.close();

    db = await open();
    expect(await db.collection('members').countDocuments({})).toBe(3);
    await db.close();
  });

  it('imports once when several processes start on it together', async () => {
    await writeOldDirectory(dir);
    const dbs = await Promise.all([open(), open(), open()]);
    expect(await dbs[0]!.collection('members').countDocuments({})).toBe(2);
    await Promise.all(dbs.map((db) => db.close()));
    expect((await readdir(dir)).filter((n) => n.startsWith('journal-backup'))).toHaveLength(1);
  });

  it('drops only an incomplete last record (a crash during a write), saying so', async () => {
    const torn = frame({ ops: [put('members', { _id: 'torn', email: 't@x.kr' })] });
    await writeOldDirectory(dir, [torn.subarray(0, torn.length - 5)]);
    const logger = memoryLogger();
    const db = await open(logger);
    expect(await db.collection('members').countDocuments({})).toBe(2);
    expect(logger.messages('warn').join('\n')).toMatch(/incomplete write/);
    await db.close();
  });

  it('refuses a journal damaged in the middle, naming the file, and imports nothing', async () => {
    const bad = frame({ ops: [put('members', { _id: 'x1', email: 'x1@x.kr' })] });
    bad[bad.length - 3]! ^= 0x01;
    await writeOldDirectory(dir, [
      bad,
      frame({ ops: [put('members', { _id: 'x2', email: 'x2@x.kr' })] }),
    ]);
    await expect(open()).rejects.toThrow(
      new RegExp(
        `${path.join(dir, 'journal-00000002.log')} is damaged \\(checksum mismatch at byte \\d+`,
      ),
    );
    expect(await readdir(dir)).toEqual(
      expect.arrayContaining(['snapshot.wmdb', 'journal-00000002.log']),
    );
    // Nothing half-imported: a fixed journal imports in full later.
    await writeOldDirectory(dir);
    const db = await open();
    expect(await db.collection('members').countDocuments({})).toBe(2);
    await db.close();
  });
});

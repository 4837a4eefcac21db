import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { canonicalText, type SourceDoc } from '../firestore/value.js';
import { NdjsonSource } from '../ndjson/ndjson-source.js';
import { ExportSource } from '../source/export-source.js';
import type { FirestoreSource } from '../source/firestore-source.js';
import { formatGenerateSummary, generateCommand } from './generate.command.js';
import { generateLegacyDataset, legacyDocuments, OutputDirectoryError } from './generate.js';

const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'wm-legacy-generate-'));
  dirs.push(dir);
  return dir;
}

/** Every file under `root` (relative path → bytes). */
async function filesOf(root: string): Promise<Map<string, Buffer>> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  const files = new Map<string, Buffer>();
  for (const entry of entries
    .filter((e) => e.isFile())
    .sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const absolute = path.join(entry.parentPath, entry.name);
    files.set(path.relative(root, absolute), await readFile(absolute));
  }
  return files;
}

/** Everything a source holds, by path. */
async function readAll(source: FirestoreSource): Promise<Map<string, SourceDoc>> {
  const snapshot = await source.openSnapshot(undefined);
  const docs = new Map<string, SourceDoc>();
  for (const group of await source.listCollectionGroups(snapshot)) {
    for (const partition of await source.partition(snapshot, group, 8)) {
      for await (const { doc } of source.scan(snapshot, partition)) docs.set(doc.path, doc);
    }
  }
  await source.close();
  return docs;
}

const USERS = 400;
const base = { users: USERS, authUsers: 2 } as const;

describe('legacy generate writes the same bytes for the same seed', () => {
  for (const format of ['export', 'ndjson'] as const) {
    it(`${format}: two runs with the same --users and --seed write identical files`, async () => {
      const [a, b] = [await tempDir(), await tempDir()];
      const options = { ...base, seed: 's1', format, bytesPerFile: 100_000, linesPerFile: 1_000 };
      await generateLegacyDataset({ ...options, out: a });
      await generateLegacyDataset({ ...options, out: b });

      const [filesA, filesB] = [await filesOf(a), await filesOf(b)];
      expect([...filesA.keys()].length).toBeGreaterThan(4); // several data files, auth, metadata
      expect([...filesB.keys()]).toEqual([...filesA.keys()]);
      for (const [name, bytes] of filesA) expect(filesB.get(name)!.equals(bytes), name).toBe(true);
    });
  }

  it('another seed gives other documents', () => {
    const first = (seed: string) =>
      [...legacyDocuments({ seed, users: 20 })].map((i) => i.doc.path).join('\n');
    expect(first('s1')).toBe(first('s1'));
    expect(first('s2')).not.toBe(first('s1'));
  });
});

describe('legacy generate output reads back to the generated documents', () => {
  const expected = () =>
    new Map([...legacyDocuments({ seed: 'rb', users: USERS }, 2)].map((i) => [i.doc.path, i.doc]));

  it('export: ExportSource reads every document with the same canonical value', async () => {
    const out = await tempDir();
    const summary = await generateLegacyDataset({
      ...base,
      seed: 'rb',
      format: 'export',
      out,
      bytesPerFile: 100_000,
    });
    const want = expected();
    const got = await readAll(new ExportSource(out));

    expect(summary.documents).toBe(want.size);
    expect(got.size).toBe(want.size);
    for (const [docPath, doc] of want) {
      expect(canonicalText({ map: got.get(docPath)!.fields }), docPath).toBe(
        canonicalText({ map: doc.fields }),
      );
    }
  });

  it('ndjson: NdjsonSource reads every document with the same canonical value and its times', async () => {
    const out = await tempDir();
    const summary = await generateLegacyDataset({
      ...base,
      seed: 'rb',
      format: 'ndjson',
      out,
      linesPerFile: 1_000,
    });
    const want = expected();
    const got = await readAll(new NdjsonSource(out));

    expect(summary.files.filter((f) => f.endsWith('.ndjson')).length).toBeGreaterThan(1);
    expect(got.size).toBe(want.size);
    for (const [docPath, doc] of want) {
      const read = got.get(docPath)!;
      expect(canonicalText({ map: read.fields }), docPath).toBe(canonicalText({ map: doc.fields }));
      expect(read.createTime).toEqual(doc.createTime);
      expect(read.updateTime).toEqual(doc.updateTime);
    }
  });
});

describe('legacy generate and its --out directory', () => {
  it('refuses a non-empty --out without --force, and writes nothing there', async () => {
    const out = await tempDir();
    await writeFile(path.join(out, 'notes.txt'), 'mine');
    await expect(
      generateLegacyDataset({ ...base, users: 5, seed: 's', format: 'ndjson', out }),
    ).rejects.toBeInstanceOf(OutputDirectoryError);
    expect(await readdir(out)).toEqual(['notes.txt']);
  });

  it('refuses an --out that is a file', async () => {
    const file = path.join(await tempDir(), 'file');
    await writeFile(file, '');
    await expect(
      generateLegacyDataset({
        ...base,
        users: 5,
        seed: 's',
        format: 'export',
        out: file,
        force: true,
      }),
    ).rejects.toThrow(/is a file, not a directory/);
  });

  it("--force replaces an earlier run's files and keeps anything else", async () => {
    const out = await tempDir();
    await generateLegacyDataset({
      ...base,
      users: 30,
      seed: 's',
      format: 'ndjson',
      out,
      linesPerFile: 20,
    });
    await mkdir(path.join(out, 'mine'));
    await writeFile(path.join(out, 'mine', 'notes.txt'), 'mine');
    await generateLegacyDataset({
      ...base,
      users: 3,
      seed: 's',
      format: 'export',
      out,
      force: true,
    });

    expect((await readdir(out)).sort()).toEqual([
      'all_namespaces',
      'auth',
      'firestore_export.overall_export_metadata',
      'mine',
    ]);
  });
});

describe('cli legacy generate', () => {
  async function run(argv: string[]) {
    let out = '';
    let err = '';
    const code = await generateCommand({
      argv,
      out: { write: (t: string) => (out += t) },
      err: { write: (t: string) => (err += t) },
    });
    return { code, out, err };
  }

  it('prints documents per collection, the files and the seconds', async () => {
    const out = await tempDir();
    const result = await run([
      '--users',
      '40',
      '--seed',
      '3',
      '--format',
      'ndjson',
      '--out',
      out,
      '--auth-users',
      '1',
    ]);

    expect(result.code).toBe(0);
    expect(result.out).toMatch(/^documents per collection:\n {2}users +40\n/);
    expect(result.out).toMatch(/\n {2}total +\d+\n/);
    expect(result.out).toContain('auth users: 40 (1 with a password)');
    expect(result.out).toContain(
      '  documents-00000.ndjson\n  auth/users.json\n  auth/hash-config.json\n',
    );
    expect(result.out).toMatch(/seconds: \d+\.\d\n$/);
  });

  it.each([
    [['--users', 'many', '--out', 'x'], '--users must be a whole number'],
    [['--users', '0', '--out', 'x'], '--users must be a whole number'],
    [['--users', '5', '--out', 'x', '--format', 'csv'], '--format must be export or ndjson'],
    [['--users', '5', '--out', 'x', '--auth-users', '1.5'], '--auth-users must be a whole number'],
    [['--users', '5'], 'missing --out'],
  ])('refuses %j with exit 2 and the usage', async (argv, message) => {
    const result = await run(argv);
    expect(result.code).toBe(2);
    expect(result.err).toContain(message);
    expect(result.err).toContain('usage: cli legacy generate');
  });

  it('refuses a non-empty --out with exit 1', async () => {
    const out = await tempDir();
    await writeFile(path.join(out, 'x'), '');
    const result = await run(['--users', '2', '--out', out]);
    expect(result.code).toBe(1);
    expect(result.err).toContain('is not empty (--force replaces');
  });

  it('the summary lists collections in the order they were written', () => {
    const text = formatGenerateSummary({
      collections: { users: 2, bankAccounts: 1 },
      documents: 3,
      authUsers: 2,
      passwordUsers: 0,
      files: ['all_namespaces/all_kinds/output-0'],
      seconds: 0.04,
    });
    expect(text).toBe(
      'documents per collection:\n  users         2\n  bankAccounts  1\n  total         3\n' +
        'auth users: 2 (0 with a password)\nfiles:\n  all_namespaces/all_kinds/output-0\nseconds: 0.0\n',
    );
  });
});

import { mkdtemp, open, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HEADER_BYTES, JournalWriter, frame, scanFrames } from './journal.js';

function records(data: Buffer): string[] {
  const out: string[] = [];
  scanFrames(data, (payload) => out.push(payload));
  return out;
}

describe('record framing', () => {
  const good = Buffer.concat([frame('{"a":1}'), frame('{"b":"한국어"}')]);

  it('reads back every whole record in order', () => {
    expect(records(good)).toEqual(['{"a":1}', '{"b":"한국어"}']);
    expect(scanFrames(good, () => undefined)).toEqual({
      validBytes: good.length,
      problem: undefined,
    });
  });

  it.each([
    ['a short header', good.subarray(0, good.length - frame('{"b":"한국어"}').length + 3)],
    ['a short payload', good.subarray(0, good.length - 2)],
  ])('stops before a last record cut to %s', (_label, torn) => {
    const scan = scanFrames(torn, () => undefined);
    expect(scan.validBytes).toBe(frame('{"a":1}').length);
    expect(scan.problem).toBeDefined();
  });

  it('stops at a record whose checksum does not match its payload', () => {
    const damaged = Buffer.from(good);
    damaged[HEADER_BYTES + 2]! ^= 0x01;
    expect(scanFrames(damaged, () => undefined)).toMatchObject({
      validBytes: 0,
      problem: expect.stringMatching(/checksum/),
    });
  });

  it('stops at a zero-length record (a zero-filled tail)', () => {
    const zeroed = Buffer.concat([frame('{"a":1}'), Buffer.alloc(16)]);
    expect(scanFrames(zeroed, () => undefined)).toMatchObject({
      validBytes: frame('{"a":1}').length,
    });
  });
});

describe('JournalWriter', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'workmatch-journal-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('makes concurrent appends share syncs (group commit) and keeps their order', async () => {
    const file = path.join(dir, 'j.log');
    const sut = new JournalWriter(await open(file, 'a'), 0);
    await Promise.all(Array.from({ length: 200 }, (_, i) => sut.append(`{"i":${i}}`)));
    expect(sut.syncs).toBeLessThan(200);
    await sut.close();
    expect(records(await readFile(file))).toEqual(
      Array.from({ length: 200 }, (_, i) => `{"i":${i}}`),
    );
  });

  it('resolves an append only after its record is in the file', async () => {
    const file = path.join(dir, 'j.log');
    const sut = new JournalWriter(await open(file, 'a'), 0);
    await sut.append('{"first":true}');
    expect(records(await readFile(file))).toEqual(['{"first":true}']);
    await sut.close();
  });

  it('sends records appended after a switch to the new file, and the earlier ones to the old', async () => {
    const first = path.join(dir, 'one.log');
    const second = path.join(dir, 'two.log');
    const sut = new JournalWriter(await open(first, 'a'), 0);
    const before = sut.append('{"n":1}');
    const switched = sut.switchTo(await open(second, 'a'));
    const after = sut.append('{"n":2}');
    await Promise.all([before, after]);
    expect(await switched).toBe(frame('{"n":1}').length);
    expect(sut.bytes).toBe(frame('{"n":2}').length);
    await sut.close();
    expect(records(await readFile(first))).toEqual(['{"n":1}']);
    expect(records(await readFile(second))).toEqual(['{"n":2}']);
  });

  it('rejects the pending and every later append once a write fails', async () => {
    const handle = await open(path.join(dir, 'j.log'), 'a');
    const sut = new JournalWriter(handle, 0);
    await handle.close();
    await expect(sut.append('{"a":1}')).rejects.toThrow();
    await expect(sut.append('{"b":2}')).rejects.toThrow();
    expect(sut.failure).toBeInstanceOf(Error);
  });
});

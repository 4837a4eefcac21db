import { describe, expect, it, vi } from 'vitest';
import { LineBatcher } from './line-batcher.js';

function sink() {
  const chunks: string[] = [];
  let flushes = 0;
  return {
    chunks,
    flushes: () => flushes,
    write: (chunk: string) => chunks.push(chunk),
    flushSync: () => {
      flushes += 1;
    },
  };
}

const line = (i: number) => `{"msg":"line ${i}"}\n`;

describe(LineBatcher.name, () => {
  it('hands lines over as one chunk once enough wait, in order, whole', () => {
    const out = sink();
    const batcher = new LineBatcher(out, 40, 0);

    batcher.write(line(1));
    expect(out.chunks).toEqual([]);
    batcher.write(line(2));
    batcher.write(line(3));

    expect(out.chunks).toEqual([line(1) + line(2) + line(3)]);
  });

  it('writes what waits on flushSync, on flush(cb) and on end, and loses nothing', () => {
    const out = sink();
    const batcher = new LineBatcher(out, 1_000, 0);
    const written = Array.from({ length: 250 }, (_, i) => line(i));

    written.slice(0, 100).forEach((l) => batcher.write(l));
    batcher.flushSync();
    written.slice(100, 200).forEach((l) => batcher.write(l));
    const done = vi.fn();
    batcher.flush(done);
    written.slice(200).forEach((l) => batcher.write(l));
    batcher.end();

    expect(done).toHaveBeenCalledWith();
    expect(out.chunks.join('')).toBe(written.join(''));
    expect(out.flushes()).toBe(3);
  });

  it('writes what waits at least every interval', () => {
    vi.useFakeTimers();
    try {
      const out = sink();
      const batcher = new LineBatcher(out, 8_192, 1_000);
      batcher.write(line(1));

      vi.advanceTimersByTime(999);
      expect(out.chunks).toEqual([]);
      vi.advanceTimersByTime(1);
      expect(out.chunks).toEqual([line(1)]);
      batcher.end();
    } finally {
      vi.useRealTimers();
    }
  });

  it('passes a sink’s failure to flush’s callback', () => {
    const failure = new Error('EBADF');
    const batcher = new LineBatcher(
      {
        write: () => {
          throw failure;
        },
        flushSync: () => {},
      },
      8_192,
      0,
    );
    batcher.write(line(1));
    const done = vi.fn();

    batcher.flush(done);

    expect(done).toHaveBeenCalledWith(failure);
  });
});

/** What the batcher hands its chunks to: pino's own destination (sonic-boom) in practice. */
export interface ChunkSink {
  write(chunk: string): unknown;
  flushSync(): void;
}

/**
 * Collects log lines and hands them to `sink` as one chunk once `flushAt` characters wait, at
 * least every `intervalMs`, and on `flushSync()` (pino's `logger.flush`, the process's exit).
 *
 * Hand-written in front of sonic-boom rather than using its own `minLength` buffering: its
 * `write()` measures the whole pending chunk (`Buffer.byteLength` of the last buffer, a string
 * it has just appended to) on every line, so a line cost 1.06 µs at an 8 KiB `minLength` against
 * 0.045 µs for this (200-byte lines to /dev/null, Node 24), and the access-log line took 0.16 of
 * bare Fastify's request rate instead of 0.04 (`npm run bench -- logging`). sonic-boom still does
 * the writing: one write per chunk, with its handling of EAGAIN and partial writes.
 */
export class LineBatcher {
  private parts: string[] = [];
  private waiting = 0;
  private readonly timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly sink: ChunkSink,
    private readonly flushAt = 8_192,
    intervalMs = 1_000,
  ) {
    if (intervalMs > 0) {
      this.timer = setInterval(() => this.flushSync(), intervalMs);
      this.timer.unref();
    }
  }

  write(line: string): boolean {
    this.parts.push(line);
    this.waiting += line.length;
    if (this.waiting >= this.flushAt) this.handOver();
    return true;
  }

  /** Hands over what waits and has the sink write it now. */
  flushSync(): void {
    this.handOver();
    this.sink.flushSync();
  }

  /** pino's `logger.flush(cb)`. */
  flush(callback?: (error?: Error) => void): void {
    try {
      this.flushSync();
      callback?.();
    } catch (error) {
      callback?.(error as Error);
    }
  }

  /** Writes what waits and stops the timer. */
  end(): void {
    if (this.timer) clearInterval(this.timer);
    this.flushSync();
  }

  private handOver(): void {
    if (this.parts.length === 0) return;
    const chunk = this.parts.length === 1 ? this.parts[0]! : this.parts.join('');
    this.parts = [];
    this.waiting = 0;
    this.sink.write(chunk);
  }
}

import type { FileHandle } from 'node:fs/promises';
import { crc32 } from 'node:zlib';

/**
 * The record format shared by the journal and the snapshot:
 * `uint32 LE payload length | uint32 LE crc32(payload) | payload (UTF-8 canonical EJSON)`.
 * A crash can leave the last record short or with a wrong checksum; readers stop there.
 */
export const HEADER_BYTES = 8;

export function frame(payload: string): Buffer {
  const body = Buffer.from(payload, 'utf8');
  const out = Buffer.allocUnsafe(HEADER_BYTES + body.length);
  out.writeUInt32LE(body.length, 0);
  out.writeUInt32LE(crc32(body), 4);
  body.copy(out, HEADER_BYTES);
  return out;
}

export interface FrameScan {
  /** Bytes of whole, valid records from the start. */
  validBytes: number;
  /** Why reading stopped before the end, if it did. */
  problem: string | undefined;
}

/** Calls `onRecord` for each valid record in order and stops at the first invalid one. */
export function scanFrames(
  data: Buffer,
  onRecord: (payload: string, offset: number) => void,
): FrameScan {
  let offset = 0;
  while (offset < data.length) {
    if (data.length - offset < HEADER_BYTES) {
      return { validBytes: offset, problem: `incomplete record header at byte ${offset}` };
    }
    const length = data.readUInt32LE(offset);
    const checksum = data.readUInt32LE(offset + 4);
    const start = offset + HEADER_BYTES;
    if (length === 0) return { validBytes: offset, problem: `empty record at byte ${offset}` };
    if (start + length > data.length) {
      return {
        validBytes: offset,
        problem: `record at byte ${offset} is cut short (${length} bytes announced)`,
      };
    }
    const body = data.subarray(start, start + length);
    if (crc32(body) !== checksum)
      return { validBytes: offset, problem: `checksum mismatch at byte ${offset}` };
    onRecord(body.toString('utf8'), offset);
    offset = start + length;
  }
  return { validBytes: offset, problem: undefined };
}

export async function writeFully(file: FileHandle, data: Buffer): Promise<void> {
  let written = 0;
  while (written < data.length) {
    const { bytesWritten } = await file.write(data, written, data.length - written);
    written += bytesWritten;
  }
}

interface PendingRecord {
  kind: 'record';
  frame: Buffer;
  resolve: () => void;
  reject: (error: Error) => void;
}

interface PendingSwitch {
  kind: 'switch';
  next: FileHandle;
  resolve: (previousBytes: number) => void;
  reject: (error: Error) => void;
}

/**
 * Appends records and acknowledges each only after `fdatasync` made it durable. Group commit:
 * records appended while a sync is in flight are written and synced together by the next one, so
 * concurrent writers share flushes instead of queueing one flush each.
 */
export class JournalWriter {
  #file: FileHandle;
  #bytes: number;
  #queue: Array<PendingRecord | PendingSwitch> = [];
  #running: Promise<void> | undefined;
  #failure: Error | undefined;
  #syncs = 0;

  constructor(file: FileHandle, size: number) {
    this.#file = file;
    this.#bytes = size;
  }

  /** Bytes of the current file, including records not yet synced. */
  get bytes(): number {
    return this.#bytes;
  }

  /** How many syncs ran; with `records` it shows how well group commit batches. */
  get syncs(): number {
    return this.#syncs;
  }

  get failure(): Error | undefined {
    return this.#failure;
  }

  append(payload: string): Promise<void> {
    if (this.#failure) return Promise.reject(this.#failure);
    const record = frame(payload);
    this.#bytes += record.length;
    const { promise, resolve, reject } = Promise.withResolvers<void>();
    this.#queue.push({ kind: 'record', frame: record, resolve, reject });
    this.#kick();
    return promise;
  }

  /**
   * Records appended from now on go to `next`; the current file gets everything appended before,
   * is synced and closed. Resolves with the byte size the previous file ended at.
   */
  switchTo(next: FileHandle): Promise<number> {
    if (this.#failure) return Promise.reject(this.#failure);
    const { promise, resolve, reject } = Promise.withResolvers<number>();
    this.#queue.push({ kind: 'switch', next, resolve, reject });
    this.#kick();
    return promise;
  }

  /** Waits until every record appended so far is durable (or failed). */
  async drain(): Promise<void> {
    while (this.#running) await this.#running;
  }

  async close(): Promise<void> {
    await this.drain();
    await this.#file.close();
  }

  #kick(): void {
    if (this.#running) return;
    this.#running = this.#run().finally(() => {
      this.#running = undefined;
      if (this.#queue.length > 0 && !this.#failure) this.#kick();
    });
  }

  async #run(): Promise<void> {
    // Let the writes issued in the same tick join the first sync.
    await Promise.resolve();
    while (this.#queue.length > 0) {
      const head = this.#queue[0]!;
      if (head.kind === 'switch') {
        this.#queue.shift();
        try {
          await this.#file.close();
        } catch (error) {
          this.#fail(error as Error, [head]);
          return;
        }
        const previousBytes = this.#bytes - this.#pendingBytes();
        this.#file = head.next;
        this.#bytes -= previousBytes;
        head.resolve(previousBytes);
        continue;
      }
      const batch: PendingRecord[] = [];
      while (this.#queue[0]?.kind === 'record') batch.push(this.#queue.shift() as PendingRecord);
      try {
        await writeFully(
          this.#file,
          batch.length === 1 ? batch[0]!.frame : Buffer.concat(batch.map((r) => r.frame)),
        );
        await this.#file.datasync();
        this.#syncs++;
      } catch (error) {
        this.#fail(error as Error, batch);
        return;
      }
      for (const record of batch) record.resolve();
    }
  }

  /** Bytes queued behind the head of the queue (they belong to the file after a switch). */
  #pendingBytes(): number {
    let bytes = 0;
    for (const item of this.#queue) if (item.kind === 'record') bytes += item.frame.length;
    return bytes;
  }

  #fail(error: Error, inFlight: Array<PendingRecord | PendingSwitch>): void {
    this.#failure = error;
    for (const item of [...inFlight, ...this.#queue.splice(0)]) item.reject(error);
  }
}

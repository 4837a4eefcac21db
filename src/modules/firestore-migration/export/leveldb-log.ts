import { open } from 'node:fs/promises';
import crc32c from 'crc-32/crc32c.js';

/**
 * The LevelDB log format that a Firestore managed export's `output-N` files (and its overall
 * metadata file) are written in: 32 KiB blocks of records, each with a 7-byte header — a masked
 * CRC32C of the type byte and the payload, the payload length (uint16, little-endian) and the
 * type (FULL 1, FIRST 2, MIDDLE 3, LAST 4) — a logical record longer than what is left of a block
 * split into FIRST, MIDDLE… and LAST fragments, and a block's tail shorter than a header padded
 * with zeros. Written here because no maintained npm package reads log files rather than LevelDB
 * databases (firestore-source.md §2); CRC32C comes from `crc-32` (SheetJS).
 */
export const BLOCK_SIZE = 32 * 1024;
const HEADER_SIZE = 7;
const FULL = 1;
const FIRST = 2;
const MIDDLE = 3;
const LAST = 4;
const MASK_DELTA = 0xa282ead8;

function mask(crc: number): number {
  return (((crc >>> 15) | (crc << 17)) + MASK_DELTA) >>> 0;
}

function recordCrc(type: number, payload: Uint8Array): number {
  return mask(crc32c.buf(payload, crc32c.buf(Uint8Array.of(type))) >>> 0);
}

export class CorruptLogError extends Error {
  override readonly name = 'CorruptLogError';
  constructor(
    message: string,
    /** Byte offset of the fragment at fault. */
    readonly offset: number,
  ) {
    super(`${message} at byte ${offset}`);
  }
}

/**
 * Splits a log into its logical records, one block at a time (a block boundary may fall inside a
 * fragmented record; the splitter carries it over). A bad checksum, an impossible length or a
 * fragment out of sequence throws {@link CorruptLogError}: a reader that skipped it would lose a
 * document without saying so.
 */
class RecordSplitter {
  private pending: Uint8Array[] | undefined;
  private offset = 0;

  /** The records that the block completes. */
  push(block: Uint8Array): Uint8Array[] {
    const records: Uint8Array[] = [];
    let at = 0;
    while (block.length - at >= HEADER_SIZE) {
      const view = new DataView(block.buffer, block.byteOffset + at, HEADER_SIZE);
      const storedCrc = view.getUint32(0, true);
      const length = view.getUint16(4, true);
      const type = view.getUint8(6);
      if (storedCrc === 0 && length === 0 && type === 0) break; // the zero padding at a block's end
      const where = this.offset + at;
      const start = at + HEADER_SIZE;
      if (start + length > block.length) {
        throw new CorruptLogError('a fragment runs past the end of its block', where);
      }
      const payload = block.subarray(start, start + length);
      if (recordCrc(type, payload) !== storedCrc)
        throw new CorruptLogError('checksum mismatch', where);
      switch (type) {
        case FULL:
          if (this.pending)
            throw new CorruptLogError('a FULL record inside a fragmented one', where);
          records.push(payload);
          break;
        case FIRST:
          if (this.pending)
            throw new CorruptLogError('a FIRST record inside a fragmented one', where);
          this.pending = [payload];
          break;
        case MIDDLE:
          if (!this.pending) throw new CorruptLogError('a MIDDLE record without a FIRST', where);
          this.pending.push(payload);
          break;
        case LAST:
          if (!this.pending) throw new CorruptLogError('a LAST record without a FIRST', where);
          this.pending.push(payload);
          records.push(Buffer.concat(this.pending));
          this.pending = undefined;
          break;
        default:
          throw new CorruptLogError(`unknown record type ${type}`, where);
      }
      at = start + length;
    }
    this.offset += block.length;
    return records;
  }

  /** At the end of the log: a fragmented record still open is a truncated file. */
  end(): void {
    if (this.pending)
      throw new CorruptLogError('the log ends inside a fragmented record', this.offset);
  }
}

export function* splitRecords(blocks: Iterable<Uint8Array>): Generator<Uint8Array> {
  const splitter = new RecordSplitter();
  for (const block of blocks) yield* splitter.push(block);
  splitter.end();
}

/** The blocks of a log held in memory. */
export function blocksOf(bytes: Uint8Array): Uint8Array[] {
  const blocks: Uint8Array[] = [];
  for (let at = 0; at < bytes.length; at += BLOCK_SIZE)
    blocks.push(bytes.subarray(at, at + BLOCK_SIZE));
  return blocks;
}

/** The logical records of a log file, read a block at a time (memory: one block plus a record). */
export async function* readLogFile(path: string): AsyncGenerator<Uint8Array> {
  const file = await open(path, 'r');
  try {
    const splitter = new RecordSplitter();
    for (let position = 0; ; position += BLOCK_SIZE) {
      // A fresh buffer per block: a FULL record is a view into it, and may outlive the next read.
      const block = Buffer.allocUnsafe(BLOCK_SIZE);
      const { bytesRead } = await file.read(block, 0, BLOCK_SIZE, position);
      if (bytesRead === 0) break;
      yield* splitter.push(block.subarray(0, bytesRead));
      if (bytesRead < BLOCK_SIZE) break;
    }
    splitter.end();
  } finally {
    await file.close();
  }
}

/**
 * Writes logical records in the log format, as `gcloud firestore export` does; for the legacy
 * dataset generator and the reader's tests. `finish()` answers the bytes so far.
 */
export class LogWriter {
  private readonly chunks: Uint8Array[] = [];
  private blockOffset = 0;

  add(record: Uint8Array): void {
    let rest = record;
    let first = true;
    do {
      const left = BLOCK_SIZE - this.blockOffset;
      if (left < HEADER_SIZE) {
        if (left > 0) this.push(new Uint8Array(left));
        this.blockOffset = 0;
        continue;
      }
      const room = left - HEADER_SIZE;
      const fragment = rest.subarray(0, room);
      rest = rest.subarray(fragment.length);
      const last = rest.length === 0;
      const type = first && last ? FULL : first ? FIRST : last ? LAST : MIDDLE;
      const header = Buffer.alloc(HEADER_SIZE);
      header.writeUInt32LE(recordCrc(type, fragment), 0);
      header.writeUInt16LE(fragment.length, 4);
      header.writeUInt8(type, 6);
      this.push(header);
      this.push(fragment);
      this.blockOffset += HEADER_SIZE + fragment.length;
      first = false;
      if (last) return;
    } while (rest.length > 0 || first);
  }

  /** The bytes written since the last take (so a large file is written in pieces). */
  take(): Buffer {
    const bytes = Buffer.concat(this.chunks);
    this.chunks.length = 0;
    return bytes;
  }

  private push(bytes: Uint8Array): void {
    this.chunks.push(bytes);
  }
}

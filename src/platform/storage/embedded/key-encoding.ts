import {
  Binary,
  BSONRegExp,
  BSONSymbol,
  Code,
  DBRef,
  Decimal128,
  Double,
  Int32,
  Long,
  MaxKey,
  MinKey,
  ObjectId,
  Timestamp,
} from 'bson';

/**
 * Index and sort keys as byte strings whose plain byte order (SQLite's BLOB comparison, or
 * `Buffer.compare`) is MongoDB's BSON comparison order. MongoDB's KeyString format is the idea;
 * this is a smaller one for the types documents here hold. Written here because no library
 * encodes BSON values order-preservingly, and the planner and the in-memory sort must agree on
 * one order with SQLite's B-trees.
 *
 * A component is one value: a type bracket byte, then a payload. Every component is
 * self-delimiting (no component is a prefix of another), so components concatenate into compound
 * keys, and a descending field is its component with every byte inverted. No component starts
 * with 0x00 or 0xFF, which lets a bound "just after every key starting with X" be `X + 0xFF`.
 */
export const Bracket = {
  minKey: 0x01,
  /** MongoDB indexes an empty array as `undefined`, which sorts before null. */
  emptyArray: 0x03,
  /** null and a missing field: equal in an index and in a sort. */
  null: 0x05,
  number: 0x10,
  string: 0x20,
  object: 0x30,
  array: 0x38,
  binary: 0x40,
  objectId: 0x50,
  boolean: 0x58,
  date: 0x60,
  timestamp: 0x68,
  regex: 0x70,
  code: 0x74,
  maxKey: 0xf0,
} as const;

/** The value of an empty array at an indexed path (pathValues yields it for `[]`). */
export const EMPTY_ARRAY: unique symbol = Symbol('empty array');

export type Direction = 1 | -1;

/** Growable byte buffer; keys are built in one pass without intermediate Buffers. */
class KeyWriter {
  buf = Buffer.allocUnsafe(64);
  length = 0;

  ensure(extra: number): void {
    if (this.length + extra <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.length + extra));
    this.buf.copy(next, 0, 0, this.length);
    this.buf = next;
  }

  byte(b: number): void {
    this.ensure(1);
    this.buf[this.length++] = b;
  }

  bytes(src: Uint8Array): void {
    this.ensure(src.length);
    this.buf.set(src, this.length);
    this.length += src.length;
  }

  /** Bytes with 0x00 escaped as 00 FF, then the terminator 00 00: a prefix sorts first. */
  escaped(src: Uint8Array): void {
    this.ensure(src.length * 2 + 2);
    for (let i = 0; i < src.length; i++) {
      const b = src[i]!;
      this.buf[this.length++] = b;
      if (b === 0) this.buf[this.length++] = 0xff;
    }
    this.buf[this.length++] = 0;
    this.buf[this.length++] = 0;
  }

  string(text: string): void {
    this.escaped(Buffer.from(text, 'utf8'));
  }

  uint32(n: number): void {
    this.ensure(4);
    this.buf.writeUInt32BE(n >>> 0, this.length);
    this.length += 4;
  }

  invertFrom(start: number): void {
    for (let i = start; i < this.length; i++) this.buf[i] = ~this.buf[i]! & 0xff;
  }

  take(): Buffer {
    return Buffer.from(this.buf.subarray(0, this.length));
  }
}

/** The bracket a value sorts in (a query bound stays inside its value's bracket). */
export function bracketOf(value: unknown): number {
  if (value === null || value === undefined) return Bracket.null;
  if (value === EMPTY_ARRAY) return Bracket.emptyArray;
  switch (typeof value) {
    case 'number':
    case 'bigint':
      return Bracket.number;
    case 'string':
      return Bracket.string;
    case 'boolean':
      return Bracket.boolean;
    case 'object':
      break;
    default:
      return Bracket.null;
  }
  if (Array.isArray(value)) return Bracket.array;
  if (value instanceof Date) return Bracket.date;
  if (value instanceof ObjectId) return Bracket.objectId;
  if (value instanceof Timestamp) return Bracket.timestamp;
  if (
    value instanceof Long ||
    value instanceof Decimal128 ||
    value instanceof Int32 ||
    value instanceof Double
  )
    return Bracket.number;
  if (value instanceof BSONSymbol) return Bracket.string;
  if (value instanceof Binary || value instanceof Uint8Array) return Bracket.binary;
  if (value instanceof RegExp || value instanceof BSONRegExp) return Bracket.regex;
  if (value instanceof MinKey) return Bracket.minKey;
  if (value instanceof MaxKey) return Bracket.maxKey;
  if (value instanceof Code) return Bracket.code;
  return Bracket.object;
}

function writeValue(w: KeyWriter, value: unknown): void {
  const bracket = bracketOf(value);
  w.byte(bracket);
  writePayload(w, bracket, value);
}

function writePayload(w: KeyWriter, bracket: number, value: unknown): void {
  switch (bracket) {
    case Bracket.minKey:
    case Bracket.maxKey:
    case Bracket.null:
    case Bracket.emptyArray:
      return;
    case Bracket.number:
      writeNumber(w, numberParts(value));
      return;
    case Bracket.string:
      w.string(value instanceof BSONSymbol ? value.value : (value as string));
      return;
    case Bracket.boolean:
      w.byte(value ? 1 : 0);
      return;
    case Bracket.date: {
      const ms = (value as Date).getTime();
      w.ensure(8);
      // Sign bit flipped: negative instants sort before positive ones.
      w.buf.writeBigUInt64BE(
        BigInt.asUintN(64, BigInt(Number.isNaN(ms) ? 0 : ms)) ^ (1n << 63n),
        w.length,
      );
      w.length += 8;
      return;
    }
    case Bracket.objectId:
      w.bytes((value as ObjectId).id);
      return;
    case Bracket.timestamp:
      w.uint32((value as Timestamp).t);
      w.uint32((value as Timestamp).i);
      return;
    case Bracket.binary: {
      // MongoDB orders BinData by length, then subtype, then bytes.
      const bytes =
        value instanceof Binary ? value.buffer.subarray(0, value.position) : (value as Uint8Array);
      w.uint32(bytes.length);
      w.byte(value instanceof Binary ? value.sub_type : 0);
      w.bytes(bytes);
      return;
    }
    case Bracket.regex: {
      const source = value instanceof RegExp ? value.source : (value as BSONRegExp).pattern;
      const flags = value instanceof RegExp ? value.flags : (value as BSONRegExp).options;
      w.string(source);
      w.string([...flags].sort().join(''));
      return;
    }
    case Bracket.code:
      w.string((value as Code).code);
      return;
    case Bracket.array:
      for (const element of value as unknown[]) writeValue(w, element);
      w.byte(0);
      return;
    default: {
      // Field by field as MongoDB compares documents: the value's type, the name, the value.
      const doc = value instanceof DBRef ? value.toJSON() : (value as Record<string, unknown>);
      for (const name of Object.keys(doc)) {
        const field = doc[name];
        if (field === undefined) continue;
        const fieldBracket = bracketOf(field);
        w.byte(fieldBracket);
        w.string(name);
        writePayload(w, fieldBracket, field);
      }
      w.byte(0);
    }
  }
}

/**
 * A number as sign class, then (for finite non-zero values) a decimal exponent and its
 * significant digits: exact for every double, Long and Decimal128, so 2^60 as a double and as a
 * Long are one key, and 0.1 as a double sorts just above Decimal128 0.1, as on the server.
 */
interface NumberParts {
  /** 1 NaN, 2 -Infinity, 3 negative, 4 zero, 5 positive, 6 +Infinity. */
  cls: number;
  /** Significant digits without leading or trailing zeros (finite non-zero only). */
  digits: string;
  /** The value is 0.<digits> × 10^exponent. */
  exponent: number;
}

const NAN: NumberParts = { cls: 1, digits: '', exponent: 0 };
const ZERO: NumberParts = { cls: 4, digits: '', exponent: 0 };

function numberParts(value: unknown): NumberParts {
  if (typeof value === 'number') return doubleParts(value);
  if (typeof value === 'bigint') return integerParts(value.toString());
  if (value instanceof Int32 || value instanceof Double) return doubleParts(value.value);
  if (value instanceof Long) return integerParts(value.toString());
  return decimalParts((value as Decimal128).toString());
}

function finite(negative: boolean, digits: string, exponent: number): NumberParts {
  let start = 0;
  while (start < digits.length && digits.charCodeAt(start) === 48) {
    start++;
    exponent--;
  }
  let end = digits.length;
  while (end > start && digits.charCodeAt(end - 1) === 48) end--;
  if (end === start) return ZERO;
  return { cls: negative ? 3 : 5, digits: digits.slice(start, end), exponent };
}

function integerParts(text: string): NumberParts {
  const negative = text.startsWith('-');
  const digits = negative ? text.slice(1) : text;
  return finite(negative, digits, digits.length);
}

const FIVES: bigint[] = [1n];
function powerOfFive(n: number): bigint {
  while (FIVES.length <= n) FIVES.push(FIVES[FIVES.length - 1]! * 5n);
  return FIVES[n]!;
}

const view = new DataView(new ArrayBuffer(8));

function doubleParts(value: number): NumberParts {
  if (Number.isNaN(value)) return NAN;
  if (value === Infinity) return { cls: 6, digits: '', exponent: 0 };
  if (value === -Infinity) return { cls: 2, digits: '', exponent: 0 };
  if (value === 0) return ZERO;
  const negative = value < 0;
  const magnitude = Math.abs(value);
  if (Number.isSafeInteger(magnitude)) {
    const digits = String(magnitude);
    return finite(negative, digits, digits.length);
  }
  // The exact decimal of m × 2^e: an integer when e ≥ 0, else m × 5^-e × 10^e.
  view.setFloat64(0, magnitude);
  const high = view.getUint32(0);
  const low = view.getUint32(4);
  const biased = high >>> 20;
  const fraction = (BigInt(high & 0xfffff) << 32n) | BigInt(low);
  const mantissa = biased === 0 ? fraction : fraction | (1n << 52n);
  const e = (biased === 0 ? 1 : biased) - 1075;
  if (e >= 0) {
    const digits = (mantissa << BigInt(e)).toString();
    return finite(negative, digits, digits.length);
  }
  const digits = (mantissa * powerOfFive(-e)).toString();
  return finite(negative, digits, digits.length + e);
}

function decimalParts(text: string): NumberParts {
  if (text === 'NaN' || text === '-NaN') return NAN;
  if (text === 'Infinity') return { cls: 6, digits: '', exponent: 0 };
  if (text === '-Infinity') return { cls: 2, digits: '', exponent: 0 };
  const negative = text.startsWith('-');
  const unsigned = negative ? text.slice(1) : text;
  const [mantissa = '', power = '0'] = unsigned.split(/[eE]/);
  const point = mantissa.indexOf('.');
  const digits = mantissa.replace('.', '');
  const intDigits = point === -1 ? mantissa.length : point;
  return finite(negative, digits, intDigits + Number(power));
}

function writeNumber(w: KeyWriter, parts: NumberParts): void {
  w.byte(parts.cls);
  if (parts.cls !== 3 && parts.cls !== 5) return;
  const start = w.length;
  // Exponents of doubles and Decimal128 fit in ±6200: biased into an unsigned 16-bit field.
  w.ensure(2 + (parts.digits.length >> 1) + 1);
  w.buf.writeUInt16BE(parts.exponent + 0x8000, w.length);
  w.length += 2;
  // Digits as nibbles 1..10, ended by a 0 nibble: a shorter digit string sorts first.
  const { digits } = parts;
  for (let i = 0; i <= digits.length; i += 2) {
    const hi = i < digits.length ? digits.charCodeAt(i) - 47 : 0;
    const lo = i + 1 < digits.length ? digits.charCodeAt(i + 1) - 47 : 0;
    w.buf[w.length++] = (hi << 4) | lo;
  }
  if (parts.cls === 3) w.invertFrom(start);
}

const writer = new KeyWriter();

/** One value as a key component, in the given direction. */
export function encodeComponent(value: unknown, direction: Direction = 1): Buffer {
  writer.length = 0;
  writeValue(writer, value);
  if (direction === -1) writer.invertFrom(0);
  return writer.take();
}

/** A compound key: the components of `values`, each in its field's direction. */
export function encodeKey(values: readonly unknown[], directions: readonly Direction[]): Buffer {
  writer.length = 0;
  for (let i = 0; i < values.length; i++) {
    const start = writer.length;
    writeValue(writer, values[i]);
    if (directions[i] === -1) writer.invertFrom(start);
  }
  return writer.take();
}

/** The first byte of a bracket's components in a direction (for bounds at a bracket's edge). */
export function bracketStart(bracket: number, direction: Direction): Buffer {
  return Buffer.from([direction === 1 ? bracket : ~bracket & 0xff]);
}

/** A byte string greater than every component of `bracket` and smaller than the next bracket's. */
export function bracketEnd(bracket: number, direction: Direction): Buffer {
  return Buffer.from([direction === 1 ? bracket + 1 : (~bracket & 0xff) + 1]);
}

/** `prefix` followed by 0xFF: after every key that starts with `prefix`, before any other. */
export function after(prefix: Buffer): Buffer {
  return Buffer.concat([prefix, AFTER]);
}

const AFTER = Buffer.from([0xff]);

// ── reading keys back (covered reads) ──────────────────────────────────────────────────────────

/** A component the reader does not decode (documents, arrays, binaries, …): read the documents. */
export const UNDECODABLE: unique symbol = Symbol('undecodable key component');

/**
 * Reads the components of index keys back into values, for reads the keys alone answer (a
 * covered `$group`). Only the scalar types whose key is their value: null (which is also a
 * missing field: the caller must not need to tell them apart), numbers that are doubles (a Long
 * or Decimal128 without an exact double is UNDECODABLE), strings, booleans, dates and ids.
 * Written here because the format is this file's own.
 */
export class KeyReader {
  #key: Uint8Array = new Uint8Array(0);
  #view: Buffer = Buffer.alloc(0);
  #invert = 0;
  /** Numbers decoded so far, by their bytes (ascending, descending): a fraction costs a BigInt check. */
  readonly #numbers = [
    new Map<string, number | typeof UNDECODABLE>(),
    new Map<string, number | typeof UNDECODABLE>(),
  ];

  /**
   * The end offset of each component of `key` (one per direction) into `ends`; false when a
   * component is not one this reader can step over.
   */
  split(key: Uint8Array, directions: readonly Direction[], ends: number[]): boolean {
    this.#key = key;
    this.#view = Buffer.from(key.buffer, key.byteOffset, key.byteLength);
    let at = 0;
    for (let i = 0; i < directions.length; i++) {
      this.#invert = directions[i] === -1 ? 0xff : 0;
      const end = this.#componentEnd(at);
      if (end < 0 || end > key.length) return false;
      ends[i] = end;
      at = end;
    }
    return at === key.length;
  }

  #byte(at: number): number {
    return (this.#key[at]! ^ this.#invert) & 0xff;
  }

  #componentEnd(start: number): number {
    const bracket = this.#byte(start);
    const at = start + 1;
    switch (bracket) {
      case Bracket.minKey:
      case Bracket.maxKey:
      case Bracket.null:
      case Bracket.emptyArray:
        return at;
      case Bracket.boolean:
        return at + 1;
      case Bracket.date:
      case Bracket.timestamp:
        return at + 8;
      case Bracket.objectId:
        return at + 12;
      case Bracket.string:
        return this.#escapedEnd(at);
      case Bracket.number: {
        const cls = this.#byte(at);
        if (cls !== 3 && cls !== 5) return at + 1;
        // Negative digits are inverted once more (writeNumber).
        const flip = cls === 3 ? 0xff : 0;
        for (let i = at + 3; i < this.#key.length; i++) {
          const b = this.#byte(i) ^ flip;
          if ((b & 0xf0) === 0 || (b & 0x0f) === 0) return i + 1;
        }
        return -1;
      }
      default:
        return -1;
    }
  }

  #escapedEnd(at: number): number {
    // The terminator is 00 00 (FF FF inverted); 00 FF is an escaped zero byte.
    const zero = this.#invert;
    for (let i = this.#view.indexOf(zero, at); i !== -1; i = this.#view.indexOf(zero, i + 2)) {
      if (i + 1 >= this.#key.length) return -1;
      if (this.#key[i + 1] === zero) return i + 2;
    }
    return -1;
  }

  /** The bytes `[start, end)` of the last split key as a string (one char per byte): an id. */
  text(start: number, end: number): string {
    return this.#view.toString('latin1', start, end);
  }

  /** The bracket of the component starting at `start` of the last split key. */
  bracketAt(start: number, direction: Direction): number {
    this.#invert = direction === -1 ? 0xff : 0;
    return this.#byte(start);
  }

  /** The value of the component in `[start, end)` of the last split key. */
  value(start: number, end: number, direction: Direction): unknown {
    this.#invert = direction === -1 ? 0xff : 0;
    const at = start + 1;
    switch (this.#byte(start)) {
      case Bracket.null:
        return null;
      case Bracket.boolean:
        return this.#byte(at) !== 0;
      case Bracket.date: {
        let ms = 0n;
        for (let i = at; i < at + 8; i++) ms = (ms << 8n) | BigInt(this.#byte(i));
        return new Date(Number(BigInt.asIntN(64, ms ^ (1n << 63n))));
      }
      case Bracket.objectId:
        return new ObjectId(this.#bytes(at, end));
      case Bracket.string: {
        let text: string;
        if (this.#invert === 0 && this.#view.indexOf(0, at) === end - 2) {
          text = this.#view.toString('utf8', at, end - 2); // no escaped zero: the bytes as they are
        } else {
          const raw = this.#bytes(at, end - 2);
          const bytes: number[] = [];
          for (let i = 0; i < raw.length; i++) {
            bytes.push(raw[i]!);
            if (raw[i] === 0) i++;
          }
          text = Buffer.from(bytes).toString('utf8');
        }
        // A lone surrogate was indexed as U+FFFD: the key no longer says which string it was.
        return text.includes('\uFFFD') ? UNDECODABLE : text;
      }
      case Bracket.number:
        return this.#number(start, end);
      default:
        return UNDECODABLE;
    }
  }

  #bytes(from: number, to: number): Uint8Array {
    const out = new Uint8Array(to - from);
    for (let i = from; i < to; i++) out[i - from] = this.#byte(i);
    return out;
  }

  #number(start: number, end: number): number | typeof UNDECODABLE {
    const numbers = this.#numbers[this.#invert === 0 ? 0 : 1]!;
    const id = this.#view.toString('latin1', start, end);
    const known = numbers.get(id);
    if (known !== undefined) return known;
    const bytes = this.#bytes(start, end);
    const cls = bytes[1]!;
    let value: number;
    if (cls === 1) value = NaN;
    else if (cls === 2) value = -Infinity;
    else if (cls === 4) value = 0;
    else if (cls === 6) value = Infinity;
    else {
      const flip = cls === 3 ? 0xff : 0;
      const exponent = (((bytes[2]! ^ flip) << 8) | (bytes[3]! ^ flip)) - 0x8000;
      let digits = '';
      for (let i = 4; i < bytes.length; i++) {
        const b = bytes[i]! ^ flip;
        if (b >> 4 === 0) break;
        digits += String((b >> 4) - 1);
        if ((b & 0x0f) === 0) break;
        digits += String((b & 0x0f) - 1);
      }
      value = Number(`${cls === 3 ? '-' : ''}0.${digits}e${exponent}`);
    }
    // Only a value whose key is this double's own: a Long or Decimal128 between two doubles is not.
    const decoded = encodeComponent(value).equals(bytes) ? value : UNDECODABLE;
    numbers.set(id, decoded);
    return decoded;
  }
}

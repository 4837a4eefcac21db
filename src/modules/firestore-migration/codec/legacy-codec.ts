import { Binary } from 'bson';
import {
  type FsBytes,
  type FsDouble,
  type FsFields,
  type FsGeo,
  type FsInt,
  type FsMap,
  type FsRef,
  type FsTimestamp,
  type FsValue,
  type FsVector,
  kindOf,
} from '../firestore/value.js';

/**
 * Firestore values as stored in a document of ours (the `_legacy` copy of the original): a form
 * that survives DocumentDB and the drivers exactly, whatever they promote. A stored value is
 * `null`, a boolean, a string, an array, or a tagged object `{ t, … }`; maps are tagged too, so a
 * legacy map with a field called `t` is never read as a tag. Numbers that a driver would blur are
 * strings: an int64 as its decimal digits (a `Long` comes back as a `number` when it fits), a
 * double as its shortest exact text when it is NaN, ±Infinity or -0.
 *
 * Field names are escaped reversibly (DocumentDB refuses `.`, a leading `$` and the empty name):
 * see {@link escapeKey}.
 */
export type StoredValue =
  | null
  | boolean
  | string
  | StoredValue[]
  | { t: 'int'; v: string }
  | { t: 'dbl'; v: number | 'NaN' | 'Infinity' | '-Infinity' | '-0' }
  | { t: 'bytes'; v: Binary }
  | { t: 'ts'; at: Date; ns: number }
  | { t: 'geo'; lat: number; lng: number }
  | { t: 'ref'; path: string }
  | { t: 'vec'; v: StoredValue[] }
  | { t: 'map'; m: { [escapedKey: string]: StoredValue } };

/**
 * Reversible field-name escaping: `%` → `%25`, `.` → `%2E`, NUL → `%00` (a BSON key is a C
 * string), a leading `$` → `%24`, the empty name → `%`, and `__proto__` → `%5F_proto__` (no layer
 * between here and the disk, ours or a library's, can then mistake it for a prototype). A lone `%` cannot come from a non-empty name (every `%` of a name is written `%25`),
 * so unescaping is exact. Percent-encoding of three characters rather than a library's full URL
 * encoding: names with Hangul or spaces stay readable in the database.
 */
export function escapeKey(key: string): string {
  if (key === '') return '%';
  const escaped = key.replaceAll('%', '%25').replaceAll('.', '%2E').replaceAll('\0', '%00');
  if (escaped === '__proto__') return '%5F_proto__';
  return escaped.startsWith('$') ? `%24${escaped.slice(1)}` : escaped;
}

const UNESCAPED: Record<string, string> = {
  '25': '%',
  '2E': '.',
  '24': '$',
  '00': '\0',
  '5F': '_',
};

export function unescapeKey(key: string): string {
  if (key === '%') return '';
  return key.replaceAll(/%(25|2E|24|00|5F)/g, (_, code: string) => UNESCAPED[code]!);
}

/**
 * Sets an own property even for `__proto__` (a legal Firestore field name), which plain
 * assignment would turn into a prototype change.
 */
export function setOwn<T>(target: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(target, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}

function storeDouble(v: number): { t: 'dbl'; v: number | 'NaN' | 'Infinity' | '-Infinity' | '-0' } {
  if (Number.isNaN(v)) return { t: 'dbl', v: 'NaN' };
  if (v === Infinity) return { t: 'dbl', v: 'Infinity' };
  if (v === -Infinity) return { t: 'dbl', v: '-Infinity' };
  if (Object.is(v, -0)) return { t: 'dbl', v: '-0' };
  return { t: 'dbl', v };
}

function readDouble(v: unknown): number {
  switch (v) {
    case 'NaN':
      return NaN;
    case 'Infinity':
      return Infinity;
    case '-Infinity':
      return -Infinity;
    case '-0':
      return -0;
    default:
      if (typeof v !== 'number') throw new LegacyCodecError(`a double holds ${typeof v}`);
      return v;
  }
}

export class LegacyCodecError extends Error {
  override readonly name = 'LegacyCodecError';
}

/** A canonical value as stored. */
export function encodeValue(value: FsValue): StoredValue {
  switch (kindOf(value)) {
    case 'null':
    case 'boolean':
    case 'string':
      return value as null | boolean | string;
    case 'int':
      return { t: 'int', v: (value as FsInt).int.toString() };
    case 'double':
      return storeDouble((value as FsDouble).double);
    case 'bytes':
      return { t: 'bytes', v: new Binary((value as FsBytes).bytes) };
    case 'timestamp': {
      const { seconds, nanos } = (value as FsTimestamp).ts;
      // The Date holds the milliseconds (queryable, sortable); `ns` the rest of the nanoseconds.
      const ms = seconds * 1_000n + BigInt(Math.floor(nanos / 1_000_000));
      return { t: 'ts', at: new Date(Number(ms)), ns: nanos % 1_000_000 };
    }
    case 'geo': {
      const { lat, lng } = (value as FsGeo).geo;
      return { t: 'geo', lat, lng };
    }
    case 'ref':
      return { t: 'ref', path: (value as FsRef).ref };
    case 'vector':
      return { t: 'vec', v: (value as FsVector).vector.map((n) => storeDouble(n)) };
    case 'array':
      return (value as FsValue[]).map(encodeValue);
    case 'map':
      return { t: 'map', m: encodeFields((value as FsMap).map) };
  }
}

export function encodeFields(fields: FsFields): { [escapedKey: string]: StoredValue } {
  const out: { [escapedKey: string]: StoredValue } = {};
  for (const [key, value] of Object.entries(fields))
    setOwn(out, escapeKey(key), encodeValue(value));
  return out;
}

/** A stored value back to canonical form; refuses what this codec never writes. */
export function decodeValue(stored: unknown): FsValue {
  if (stored === null || typeof stored === 'boolean' || typeof stored === 'string') return stored;
  if (Array.isArray(stored)) return stored.map(decodeValue);
  if (typeof stored !== 'object') throw new LegacyCodecError(`unexpected ${typeof stored}`);
  const tagged = stored as { t?: unknown } & Record<string, unknown>;
  switch (tagged.t) {
    case 'int':
      return { int: BigInt(String(tagged.v)) };
    case 'dbl':
      return { double: readDouble(tagged.v) };
    case 'bytes': {
      const v = tagged.v;
      if (!(v instanceof Binary)) throw new LegacyCodecError('bytes without a Binary');
      return { bytes: new Uint8Array(v.buffer) };
    }
    case 'ts': {
      const at = tagged.at;
      const ns = Number(tagged.ns);
      if (!(at instanceof Date)) throw new LegacyCodecError('a timestamp without a Date');
      const ms = BigInt(at.getTime());
      // Floor division: a Date before 1970 still splits into whole seconds and positive nanos.
      const seconds = ms >= 0n ? ms / 1_000n : -((-ms + 999n) / 1_000n);
      const msRest = Number(ms - seconds * 1_000n);
      return { ts: { seconds, nanos: msRest * 1_000_000 + ns } };
    }
    case 'geo':
      return { geo: { lat: Number(tagged.lat), lng: Number(tagged.lng) } };
    case 'ref':
      return { ref: String(tagged.path) };
    case 'vec': {
      const v = tagged.v;
      if (!Array.isArray(v)) throw new LegacyCodecError('a vector without values');
      return { vector: v.map((d) => readDouble((d as { v?: unknown }).v)) };
    }
    case 'map':
      return { map: decodeFields(tagged.m) };
    default:
      throw new LegacyCodecError(`unknown tag ${JSON.stringify(tagged.t)}`);
  }
}

export function decodeFields(stored: unknown): FsFields {
  if (stored === null || typeof stored !== 'object' || Array.isArray(stored)) {
    throw new LegacyCodecError('fields are not an object');
  }
  const out: FsFields = {};
  for (const [key, value] of Object.entries(stored))
    setOwn(out, unescapeKey(key), decodeValue(value));
  return out;
}

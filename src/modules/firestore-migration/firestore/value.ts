import { createHash } from 'node:crypto';

/**
 * A Firestore value in canonical form: what every source adapter (managed export, NDJSON, the live
 * SDK, the in-memory fake) produces and everything downstream (the codec, the mapping, the
 * verifier) consumes. Integers, doubles and timestamps are tagged so that nothing is lost between
 * them: `5` and `5.0` are different Firestore values, an int64 above 2^53 stays exact, a timestamp
 * keeps its microseconds (firestore-source.md §5).
 */
export type FsValue =
  | null
  | boolean
  | string
  | FsInt
  | FsDouble
  | FsBytes
  | FsTimestamp
  | FsGeo
  | FsRef
  | FsVector
  | FsValue[]
  | FsMap;

export interface FsInt {
  int: bigint;
}
export interface FsDouble {
  double: number;
}
export interface FsBytes {
  bytes: Uint8Array;
}
/** Seconds since the epoch and nanoseconds (0 to 999,999,999); Firestore stores microseconds. */
export interface FsTimestamp {
  ts: { seconds: bigint; nanos: number };
}
export interface FsGeo {
  geo: { lat: number; lng: number };
}
/** A DocumentReference, as the full document path (`users/abc/accounts/x`). */
export interface FsRef {
  ref: string;
}
export interface FsVector {
  vector: number[];
}
export interface FsMap {
  map: { [field: string]: FsValue };
}

export type FsFields = { [field: string]: FsValue };

/** One document as a source emits it. */
export interface SourceDoc {
  /** `users/abc` or `users/abc/accounts/x`. */
  path: string;
  fields: FsFields;
  createTime?: FsTimestamp['ts'];
  updateTime?: FsTimestamp['ts'];
}

export type FsKind =
  | 'null'
  | 'boolean'
  | 'string'
  | 'int'
  | 'double'
  | 'bytes'
  | 'timestamp'
  | 'geo'
  | 'ref'
  | 'vector'
  | 'array'
  | 'map';

export function kindOf(value: FsValue): FsKind {
  if (value === null) return 'null';
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'string') return 'string';
  if (Array.isArray(value)) return 'array';
  if ('int' in value) return 'int';
  if ('double' in value) return 'double';
  if ('bytes' in value) return 'bytes';
  if ('ts' in value) return 'timestamp';
  if ('geo' in value) return 'geo';
  if ('ref' in value) return 'ref';
  if ('vector' in value) return 'vector';
  return 'map';
}

export const fs = {
  int: (v: bigint | number): FsInt => ({ int: BigInt(v) }),
  double: (v: number): FsDouble => ({ double: v }),
  bytes: (v: Uint8Array): FsBytes => ({ bytes: v }),
  ts: (seconds: bigint | number, nanos = 0): FsTimestamp => ({
    ts: { seconds: BigInt(seconds), nanos },
  }),
  /** From microseconds since the epoch (the managed export's GD_WHEN). */
  tsFromMicros(micros: bigint): FsTimestamp {
    const seconds = micros >= 0n ? micros / 1_000_000n : -((-micros + 999_999n) / 1_000_000n);
    return { ts: { seconds, nanos: Number(micros - seconds * 1_000_000n) * 1_000 } };
  },
  geo: (lat: number, lng: number): FsGeo => ({ geo: { lat, lng } }),
  ref: (path: string): FsRef => ({ ref: path }),
  vector: (v: number[]): FsVector => ({ vector: v }),
  map: (m: FsFields): FsMap => ({ map: m }),
};

/** Microseconds since the epoch, when the timestamp has no finer part (Firestore's own grain). */
export function timestampMicros(ts: FsTimestamp['ts']): bigint {
  return ts.seconds * 1_000_000n + BigInt(Math.floor(ts.nanos / 1_000));
}

/** A double's exact bits, so NaN payloads aside, -0, NaN and ±Infinity compare and hash exactly. */
function doubleText(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (Object.is(v, -0)) return '-0';
  return String(v);
}

/**
 * The canonical text of a value: type-tagged, map keys sorted by code point, every number exact.
 * Two values are the same Firestore value exactly when their canonical texts are equal; the
 * verifier hashes it on both sides of the migration.
 */
export function canonicalText(value: FsValue): string {
  const out: string[] = [];
  const write = (v: FsValue): void => {
    switch (kindOf(v)) {
      case 'null':
        out.push('n');
        return;
      case 'boolean':
        out.push(v ? 't' : 'f');
        return;
      case 'string':
        out.push('s', JSON.stringify(v));
        return;
      case 'int':
        out.push('i', (v as FsInt).int.toString(), ';');
        return;
      case 'double':
        out.push('d', doubleText((v as FsDouble).double), ';');
        return;
      case 'bytes':
        out.push('b', Buffer.from((v as FsBytes).bytes).toString('base64'), ';');
        return;
      case 'timestamp': {
        const { seconds, nanos } = (v as FsTimestamp).ts;
        out.push('T', seconds.toString(), '.', String(nanos).padStart(9, '0'), ';');
        return;
      }
      case 'geo': {
        const { lat, lng } = (v as FsGeo).geo;
        out.push('g', doubleText(lat), ',', doubleText(lng), ';');
        return;
      }
      case 'ref':
        out.push('r', JSON.stringify((v as FsRef).ref));
        return;
      case 'vector':
        out.push('v[', (v as FsVector).vector.map(doubleText).join(','), ']');
        return;
      case 'array':
        out.push('[');
        for (const item of v as FsValue[]) write(item);
        out.push(']');
        return;
      case 'map': {
        out.push('{');
        const entries = Object.entries((v as FsMap).map).sort(([a], [b]) =>
          a < b ? -1 : a > b ? 1 : 0,
        );
        for (const [key, item] of entries) {
          out.push(JSON.stringify(key), ':');
          write(item);
        }
        out.push('}');
        return;
      }
    }
  };
  write(value);
  return out.join('');
}

/** SHA-256 of the canonical text of a document's fields (hex). */
export function canonicalHash(fields: FsFields): string {
  return createHash('sha256')
    .update(canonicalText({ map: fields }))
    .digest('hex');
}

export function sameValue(a: FsValue, b: FsValue): boolean {
  return canonicalText(a) === canonicalText(b);
}

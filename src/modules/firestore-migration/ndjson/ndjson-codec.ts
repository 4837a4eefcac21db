import {
  type FsFields,
  type FsValue,
  fs,
  kindOf,
  type SourceDoc,
  type FsTimestamp,
} from '../firestore/value.js';
import { setOwn } from '../codec/legacy-codec.js';

/**
 * Documents as NDJSON, one per line. Two dialects are read:
 *
 * - **ours** (written by `legacy generate --format ndjson`; docs/legacy-firestore.md): every
 *   value typed in the line itself, so nothing is lost.
 *   `{"path":"users/u1","createTime":"…Z","updateTime":"…Z","fields":{…}}` where a field's value is
 *   JSON null, a boolean, a string, an array, a map (a JSON object), or a one-key tag object:
 *   `{"$int":"123"}` (decimal digits: any int64), `{"$double":1.5}` (or `"NaN"`, `"Infinity"`,
 *   `"-Infinity"`, `"-0"`), `{"$ts":"2024-05-01T09:30:00.123456Z"}` (up to 9 fraction digits),
 *   `{"$bytes":"<base64>"}`, `{"$geo":[lat,lng]}`, `{"$ref":"users/u1"}`,
 *   `{"$vector":[…doubles]}`. A map key that begins with `$` is written with one more `$`
 *   (`$$set` for `$set`), so a map is never read as a tag.
 * - **firestore-backfire 2.x** (`{"path","data","timestamps","geopoints","documents"}`): the SDK's
 *   JSON of the data plus the field paths of its timestamps, GeoPoints and references. Its numbers
 *   are JSON numbers: a whole number reads as an integer, any other as a double (the format
 *   cannot tell `5` from `5.0`, nor keep an int64 beyond 2^53: which is why ours exists).
 */
export class NdjsonFormatError extends Error {
  override readonly name = 'NdjsonFormatError';
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function doubleJson(v: number): Json {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return 'Infinity';
  if (v === -Infinity) return '-Infinity';
  if (Object.is(v, -0)) return '-0';
  return v;
}

function readDouble(v: Json): number {
  if (typeof v === 'number') return v;
  switch (v) {
    case 'NaN':
      return NaN;
    case 'Infinity':
      return Infinity;
    case '-Infinity':
      return -Infinity;
    case '-0':
      return -0;
  }
  throw new NdjsonFormatError(`not a double: ${JSON.stringify(v)}`);
}

/** `2024-05-01T09:30:00.123456789Z`, exact to the nanosecond, any year 0001–9999. */
export function timestampText({ seconds, nanos }: FsTimestamp['ts']): string {
  const date = new Date(Number(seconds) * 1000);
  const base = date.toISOString().slice(0, 19);
  const fraction = nanos === 0 ? '' : `.${String(nanos).padStart(9, '0').replace(/0+$/, '')}`;
  return `${base}${fraction}Z`;
}

const TIMESTAMP = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?Z$/;

export function parseTimestampText(text: string): FsTimestamp['ts'] {
  const match = TIMESTAMP.exec(text);
  if (!match) throw new NdjsonFormatError(`not a timestamp: ${JSON.stringify(text)}`);
  const ms = Date.parse(`${match[1]}Z`);
  if (Number.isNaN(ms)) throw new NdjsonFormatError(`not a timestamp: ${JSON.stringify(text)}`);
  return { seconds: BigInt(ms / 1000), nanos: Number((match[2] ?? '').padEnd(9, '0')) };
}

function valueToJson(value: FsValue): Json {
  switch (kindOf(value)) {
    case 'null':
    case 'boolean':
    case 'string':
      return value as Json;
    case 'int':
      return { $int: (value as { int: bigint }).int.toString() };
    case 'double':
      return { $double: doubleJson((value as { double: number }).double) };
    case 'bytes':
      return { $bytes: Buffer.from((value as { bytes: Uint8Array }).bytes).toString('base64') };
    case 'timestamp':
      return { $ts: timestampText((value as FsTimestamp).ts) };
    case 'geo': {
      const { lat, lng } = (value as { geo: { lat: number; lng: number } }).geo;
      return { $geo: [doubleJson(lat), doubleJson(lng)] };
    }
    case 'ref':
      return { $ref: (value as { ref: string }).ref };
    case 'vector':
      return { $vector: (value as { vector: number[] }).vector.map(doubleJson) };
    case 'array':
      return (value as FsValue[]).map(valueToJson);
    case 'map':
      return fieldsToJson((value as { map: FsFields }).map);
  }
}

function fieldsToJson(fields: FsFields): { [key: string]: Json } {
  const out: { [key: string]: Json } = {};
  for (const [key, value] of Object.entries(fields)) {
    setOwn(out, key.startsWith('$') ? `$${key}` : key, valueToJson(value));
  }
  return out;
}

function valueFromJson(json: Json): FsValue {
  if (json === null || typeof json === 'boolean' || typeof json === 'string') return json;
  if (typeof json === 'number') {
    throw new NdjsonFormatError('an untagged number (write {"$int":…} or {"$double":…})');
  }
  if (Array.isArray(json)) return json.map(valueFromJson);
  const keys = Object.keys(json);
  if (keys.length === 1 && keys[0]!.startsWith('$') && !keys[0]!.startsWith('$$')) {
    const tag = keys[0]!;
    const v = json[tag]!;
    switch (tag) {
      case '$int':
        if (typeof v !== 'string' || !/^-?\d+$/.test(v)) {
          throw new NdjsonFormatError('$int holds decimal digits');
        }
        return fs.int(BigInt(v));
      case '$double':
        return fs.double(readDouble(v));
      case '$ts':
        if (typeof v !== 'string') throw new NdjsonFormatError('$ts holds a timestamp text');
        return { ts: parseTimestampText(v) };
      case '$bytes':
        if (typeof v !== 'string') throw new NdjsonFormatError('$bytes holds base64');
        return fs.bytes(new Uint8Array(Buffer.from(v, 'base64')));
      case '$geo':
        if (!Array.isArray(v) || v.length !== 2)
          throw new NdjsonFormatError('$geo holds [lat, lng]');
        return fs.geo(readDouble(v[0]!), readDouble(v[1]!));
      case '$ref':
        if (typeof v !== 'string') throw new NdjsonFormatError('$ref holds a document path');
        return fs.ref(v);
      case '$vector':
        if (!Array.isArray(v)) throw new NdjsonFormatError('$vector holds doubles');
        return fs.vector(v.map(readDouble));
      default:
        throw new NdjsonFormatError(`unknown tag ${tag}`);
    }
  }
  return fs.map(fieldsFromJson(json));
}

function fieldsFromJson(json: { [key: string]: Json }): FsFields {
  const out: FsFields = {};
  for (const [key, value] of Object.entries(json)) {
    setOwn(out, key.startsWith('$$') ? key.slice(1) : key, valueFromJson(value));
  }
  return out;
}

/** One document as a line of our dialect (no newline). */
export function toNdjsonLine(doc: SourceDoc): string {
  return JSON.stringify({
    path: doc.path,
    ...(doc.createTime ? { createTime: timestampText(doc.createTime) } : {}),
    ...(doc.updateTime ? { updateTime: timestampText(doc.updateTime) } : {}),
    fields: fieldsToJson(doc.fields),
  });
}

/** A line of either dialect. */
export function fromNdjsonLine(line: string): SourceDoc {
  let json: Json;
  try {
    json = JSON.parse(line) as Json;
  } catch {
    throw new NdjsonFormatError('a line that is not JSON');
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new NdjsonFormatError('a line that is not a JSON object');
  }
  const docPath = json.path;
  if (typeof docPath !== 'string' || docPath.split('/').length % 2 !== 0) {
    throw new NdjsonFormatError('a line without a document path');
  }
  if ('fields' in json) {
    const fields = json.fields;
    if (fields === null || typeof fields !== 'object' || Array.isArray(fields)) {
      throw new NdjsonFormatError('fields is not an object');
    }
    return {
      path: docPath,
      fields: fieldsFromJson(fields),
      ...(typeof json.createTime === 'string'
        ? { createTime: parseTimestampText(json.createTime) }
        : {}),
      ...(typeof json.updateTime === 'string'
        ? { updateTime: parseTimestampText(json.updateTime) }
        : {}),
    };
  }
  if ('data' in json) return fromBackfire(docPath, json);
  throw new NdjsonFormatError('a line with neither fields nor data');
}

/** firestore-backfire 2.x: the data, typed by the field paths listed beside it. */
function fromBackfire(docPath: string, json: { [key: string]: Json }): SourceDoc {
  const data = json.data;
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new NdjsonFormatError('data is not an object');
  }
  const listed = (name: string) =>
    new Set(Array.isArray(json[name]) ? (json[name] as Json[]).map(String) : []);
  const timestamps = listed('timestamps');
  const geopoints = listed('geopoints');
  const references = new Set([...listed('documents'), ...listed('references')]);
  const read = (value: Json, at: string): FsValue => {
    if (timestamps.has(at)) {
      const t = value as { _seconds: number; _nanoseconds: number };
      return fs.ts(BigInt(t._seconds), t._nanoseconds);
    }
    if (geopoints.has(at)) {
      const g = value as { _latitude: number; _longitude: number };
      return fs.geo(g._latitude, g._longitude);
    }
    if (references.has(at)) {
      const r = value as { _path: { segments: string[] } };
      return fs.ref(r._path.segments.join('/'));
    }
    if (value === null || typeof value === 'boolean' || typeof value === 'string') return value;
    if (typeof value === 'number')
      return Number.isInteger(value) ? fs.int(value) : fs.double(value);
    if (Array.isArray(value)) return value.map((item, i) => read(item, `${at}.${i}`));
    if (value.type === 'Buffer' && Array.isArray(value.data)) {
      return fs.bytes(Uint8Array.from(value.data as number[]));
    }
    const fields: FsFields = {};
    for (const [key, item] of Object.entries(value))
      setOwn(fields, key, read(item, `${at}.${key}`));
    return fs.map(fields);
  };
  const fields: FsFields = {};
  for (const [key, value] of Object.entries(data)) setOwn(fields, key, read(value, key));
  return { path: docPath, fields };
}

import { BSON, EJSON, Long, ObjectId } from 'bson';
import type { Document } from '../../database.js';

/**
 * Canonical Extended JSON of the engine's journal and snapshot before it moved to SQLite: how
 * `legacy-journal.ts` reads a developer's old `.data/db` once to import it (tests write old
 * journals with `encodeValue`). Read and written without the `bson` package's
 * `EJSON.parse`/`EJSON.stringify`, for two measured reasons:
 * - `EJSON.parse` revives through a per-node callback: about twice the time of `JSON.parse` plus
 *   the walk below, and its Int32/Double wrappers then need promoting on top.
 * - `EJSON.stringify` writes an integral double beyond 2^31 as `$numberLong` from its shortest
 *   decimal form, so 2^60 came back as a different Long: lossy.
 * Only the common wrappers are handled here; every other BSON type goes through the library both
 * ways, and the result equals what the driver's `BSON.deserialize` returns (promoted numbers).
 */
export function encodeValue(value: unknown): string {
  // Building the wrapper tree and letting the native JSON.stringify write it is twice as fast
  // as concatenating strings here.
  return JSON.stringify(toExtendedJson(value));
}

function toExtendedJson(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return numberWrapper(value);
    case 'object':
      break;
    default:
      return null;
  }
  if (Array.isArray(value)) return value.map(toExtendedJson);
  if (value instanceof Date) return { $date: { $numberLong: String(value.getTime()) } };
  if (value instanceof ObjectId) return { $oid: value.toHexString() };
  // Not `instanceof Long` alone: a Timestamp is a Long subclass with its own encoding.
  if (value instanceof Long && value._bsontype === 'Long') return { $numberLong: value.toString() };
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto === Object.prototype || proto === null) {
    const out: Document = {};
    for (const key of Object.keys(value)) out[key] = toExtendedJson((value as Document)[key]);
    return out;
  }
  return EJSON.serialize(value, { relaxed: false });
}

function numberWrapper(value: number): Document {
  if (
    Number.isInteger(value) &&
    value >= -2147483648 &&
    value <= 2147483647 &&
    !Object.is(value, -0)
  ) {
    return { $numberInt: String(value) };
  }
  let text: string;
  if (Object.is(value, -0)) text = '-0.0';
  else if (Number.isInteger(value) && Math.abs(value) < 1e21) text = value.toFixed(1);
  else text = String(value);
  return { $numberDouble: text };
}

export function decodeDocument(text: string): Document {
  return revive(JSON.parse(text)) as Document;
}

const MAX_SAFE = Long.fromNumber(Number.MAX_SAFE_INTEGER + 1);
const MIN_SAFE = Long.fromNumber(-(Number.MAX_SAFE_INTEGER + 1));

function revive(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = revive(value[i]);
    return value;
  }
  const doc = value as Document;
  const keys = Object.keys(doc);
  const first = keys[0];
  if (first !== undefined && first.charCodeAt(0) === 36 /* $ */)
    return reviveWrapper(doc, first, keys.length);
  for (const key of keys) doc[key] = revive(doc[key]);
  return doc;
}

function reviveWrapper(doc: Document, key: string, size: number): unknown {
  if (size === 1) {
    const inner = doc[key];
    switch (key) {
      case '$oid':
        if (typeof inner === 'string') return ObjectId.createFromHexString(inner);
        break;
      case '$numberInt':
        if (typeof inner === 'string') return Number.parseInt(inner, 10);
        break;
      case '$numberDouble':
        if (typeof inner === 'string') return Number.parseFloat(inner);
        break;
      case '$numberLong':
        if (typeof inner === 'string') return promoteLong(Long.fromString(inner));
        break;
      case '$date': {
        const ms = (inner as Document | null)?.$numberLong;
        if (typeof ms === 'string') return new Date(Number(ms));
        break;
      }
    }
  }
  // Rare types ($binary, $numberDecimal, $regularExpression, $timestamp, DBRef…): the library.
  const parsed: unknown = EJSON.deserialize({ v: doc }, { relaxed: false }).v;
  return BSON.deserialize(BSON.serialize({ v: parsed })).v;
}

/** As the driver's `promoteLongs`: a Long that fits a double exactly becomes a number. */
function promoteLong(value: Long): number | Long {
  return value.lessThanOrEqual(MAX_SAFE) && value.greaterThanOrEqual(MIN_SAFE)
    ? value.toNumber()
    : value;
}

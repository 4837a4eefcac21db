import {
  DocumentReference,
  FieldValue,
  GeoPoint,
  Timestamp,
  VectorValue,
} from '@google-cloud/firestore';
import { type FsFields, type FsValue, kindOf } from '../firestore/value.js';
import type { Ts } from './firestore-source.js';

/**
 * The official SDK's values ⇄ canonical `FsValue` (firestore/value.ts). Reading assumes the
 * client was built with `useBigInt: true`: then every Firestore integer arrives as a `bigint` and
 * every JS `number` is a Firestore double, so `5` (int) and `5.0` (double) stay apart and an int64
 * above 2^53 stays exact. Without it the two cannot be told apart, which is why the live source
 * refuses a client without it.
 */
export function fromSdkValue(value: unknown): FsValue {
  if (value === null) return null;
  switch (typeof value) {
    case 'boolean':
    case 'string':
      return value;
    case 'bigint':
      return { int: value };
    case 'number':
      return { double: value };
    case 'object':
      break;
    default:
      throw new TypeError(`not a Firestore value: ${typeof value}`);
  }
  if (Array.isArray(value)) return value.map(fromSdkValue);
  if (value instanceof Timestamp) return { ts: tsOf(value) };
  if (value instanceof GeoPoint) return { geo: { lat: value.latitude, lng: value.longitude } };
  if (value instanceof DocumentReference) return { ref: value.path };
  if (value instanceof VectorValue) return { vector: value.toArray() };
  // The SDK answers bytes as a Buffer; copy, so a canonical value never aliases a pooled buffer.
  if (value instanceof Uint8Array) return { bytes: Uint8Array.from(value) };
  return { map: fromSdkFields(value as Record<string, unknown>) };
}

export function fromSdkFields(data: Record<string, unknown>): FsFields {
  const fields: FsFields = {};
  for (const key of Object.keys(data)) {
    // defineProperty: a field named like an Object.prototype member stays an own, plain field.
    Object.defineProperty(fields, key, {
      value: fromSdkValue(data[key]),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return fields;
}

/** A document's create/update time, or a timestamp value, as canonical seconds + nanos. */
export function tsOf(timestamp: Timestamp): Ts {
  return { seconds: BigInt(timestamp.seconds), nanos: timestamp.nanoseconds };
}

export function toSdkTimestamp(ts: Ts): Timestamp {
  return new Timestamp(Number(ts.seconds), ts.nanos);
}

/**
 * Canonical → what the SDK writes (test setup, tooling). `doc` makes a DocumentReference of the
 * target client. One thing cannot be written through the Node SDK: a double with an integral value
 * (`{double: 5}`) — the SDK's serializer sends every safe-integer `number` as an integer (only -0
 * stays a double). Such values are still read correctly when another client wrote them.
 */
export function toSdkValue(value: FsValue, doc: (path: string) => DocumentReference): unknown {
  switch (kindOf(value)) {
    case 'null':
    case 'boolean':
    case 'string':
      return value;
    case 'int':
      return (value as { int: bigint }).int;
    case 'double':
      return (value as { double: number }).double;
    case 'bytes':
      return Buffer.from((value as { bytes: Uint8Array }).bytes);
    case 'timestamp':
      return toSdkTimestamp((value as { ts: Ts }).ts);
    case 'geo': {
      const { lat, lng } = (value as { geo: { lat: number; lng: number } }).geo;
      return new GeoPoint(lat, lng);
    }
    case 'ref':
      return doc((value as { ref: string }).ref);
    case 'vector':
      return FieldValue.vector((value as { vector: number[] }).vector);
    case 'array':
      return (value as FsValue[]).map((item) => toSdkValue(item, doc));
    case 'map':
      return toSdkFields((value as { map: FsFields }).map, doc);
  }
}

export function toSdkFields(
  fields: FsFields,
  doc: (path: string) => DocumentReference,
): Record<string, unknown> {
  const data: Record<string, unknown> = {};
  for (const key of Object.keys(fields)) {
    Object.defineProperty(data, key, {
      value: toSdkValue(fields[key]!, doc),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return data;
}

import protobuf from 'protobufjs';
import { type FsFields, type FsValue, fs, kindOf, timestampMicros } from '../firestore/value.js';
import { setOwn } from '../codec/legacy-codec.js';

/**
 * The Datastore v3 `EntityProto` that each record of a managed export holds (proto2, with
 * groups), reduced to what Firestore writes: the key (a path of collection/id elements) and the
 * properties. Field numbers as in App Engine's `entity.proto`; a fixture from a real export is
 * decoded with it in the tests. protobufjs names the groups' fields in lower camel case.
 */
const ENTITY_PROTO = `
syntax = "proto2";
package storage_onestore_v3;

message PropertyValue {
  optional int64 int64Value = 1;
  optional bool booleanValue = 2;
  optional bytes stringValue = 3;
  optional double doubleValue = 4;
  optional group PointValue = 5 {
    required double x = 6;
    required double y = 7;
  }
  optional group ReferenceValue = 12 {
    required string app = 13;
    optional string name_space = 20;
    repeated group PathElement = 14 {
      required string type = 15;
      optional int64 id = 16;
      optional string name = 17;
    }
    optional string database_id = 23;
  }
}

message Property {
  optional int32 meaning = 1;
  optional string meaning_uri = 2;
  required string name = 3;
  required bool multiple = 4;
  required PropertyValue value = 5;
}

message Path {
  repeated group Element = 1 {
    required string type = 2;
    optional int64 id = 3;
    optional string name = 4;
  }
}

message Reference {
  required string app = 13;
  optional string name_space = 20;
  required Path path = 14;
  optional string database_id = 23;
}

message EntityProto {
  optional Reference key = 13;
  optional Path entity_group = 16;
  repeated Property property = 14;
  repeated Property raw_property = 15;
}
`;

/** `Property.meaning` values Firestore uses (App Engine's `datastore_types`). */
const MEANING = {
  NONE: 0,
  GD_WHEN: 7,
  GEORSS_POINT: 9,
  BLOB: 14,
  TEXT: 15,
  BYTESTRING: 16,
  ENTITY_PROTO: 19,
  EMPTY_LIST: 24,
} as const;

/** How Firestore spells a vector inside its map encoding. */
const VECTOR_TYPE = '__vector__';

const root = protobuf.parse(ENTITY_PROTO, { keepCase: true }).root;
const EntityProtoType = root.lookupType('storage_onestore_v3.EntityProto');

/** protobufjs reads int64 as a Long (its `long` dependency) or, without it, a number. */
type Int64 = number | { toString(): string };

interface PathElementMessage {
  type: string;
  id?: Int64;
  name?: string;
}
interface PropertyValueMessage {
  int64Value?: Int64 | string;
  booleanValue?: boolean;
  stringValue?: Uint8Array;
  doubleValue?: number;
  pointValue?: { x: number; y: number };
  referenceValue?: { app: string; pathElement?: PathElementMessage[]; database_id?: string };
}
interface PropertyMessage {
  meaning?: number;
  name: string;
  multiple: boolean;
  value: PropertyValueMessage;
}
interface EntityMessage {
  key?: { app: string; path: { element?: PathElementMessage[] }; database_id?: string };
  property?: PropertyMessage[];
  raw_property?: PropertyMessage[];
}

export class EntityDecodeError extends Error {
  override readonly name = 'EntityDecodeError';
}

const has = (message: object, field: string) =>
  Object.prototype.hasOwnProperty.call(message, field);

function toBigInt(value: Int64 | string): bigint {
  return typeof value === 'number' ? BigInt(value) : BigInt(value.toString());
}

/** `users/abc/accounts/x` from a key path; a numeric id reads as Firestore shows it, `__id7__`. */
function pathOf(elements: readonly PathElementMessage[]): string {
  return elements
    .map((e) => {
      const id =
        has(e, 'name') && e.name !== undefined
          ? e.name
          : has(e, 'id') && e.id !== undefined
            ? `__id${toBigInt(e.id).toString()}__`
            : undefined;
      if (id === undefined) throw new EntityDecodeError(`a key element of ${e.type} has no id`);
      return `${e.type}/${id}`;
    })
    .join('/');
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function valueOf(property: PropertyMessage): FsValue {
  const meaning = property.meaning ?? MEANING.NONE;
  const v = property.value;
  if (meaning === MEANING.EMPTY_LIST) return [];
  if (meaning === MEANING.ENTITY_PROTO) {
    const nested = decodeEntityMessage(v.stringValue ?? new Uint8Array());
    return asVector(nested) ?? fs.map(nested);
  }
  if (has(v, 'int64Value') && v.int64Value !== undefined) {
    const n = toBigInt(v.int64Value);
    return meaning === MEANING.GD_WHEN ? fs.tsFromMicros(n) : fs.int(n);
  }
  if (has(v, 'doubleValue') && v.doubleValue !== undefined) return fs.double(v.doubleValue);
  if (has(v, 'booleanValue') && v.booleanValue !== undefined) return v.booleanValue;
  if (has(v, 'pointValue') && v.pointValue) return fs.geo(v.pointValue.x, v.pointValue.y);
  if (has(v, 'referenceValue') && v.referenceValue) {
    return fs.ref(pathOf(v.referenceValue.pathElement ?? []));
  }
  if (has(v, 'stringValue') && v.stringValue !== undefined) {
    if (meaning === MEANING.BLOB || meaning === MEANING.BYTESTRING) {
      return fs.bytes(new Uint8Array(v.stringValue));
    }
    return utf8.decode(v.stringValue);
  }
  return null;
}

/** A map Firestore wrote for a vector: `{__type__: "__vector__", value: [doubles]}`. */
function asVector(fields: FsFields): FsValue | undefined {
  const keys = Object.keys(fields);
  if (keys.length !== 2 || fields.__type__ !== VECTOR_TYPE) return undefined;
  const values = fields.value;
  if (!Array.isArray(values)) return undefined;
  const doubles: number[] = [];
  for (const item of values) {
    if (item === null || typeof item !== 'object' || Array.isArray(item) || !('double' in item)) {
      return undefined;
    }
    doubles.push(item.double);
  }
  return fs.vector(doubles);
}

/** The fields of an entity: each property by name, repeated ones (`multiple`) as an array. */
function fieldsOf(entity: EntityMessage): FsFields {
  const fields: FsFields = {};
  const arrays = new Set<string>();
  for (const property of [...(entity.property ?? []), ...(entity.raw_property ?? [])]) {
    const value = valueOf(property);
    if (property.multiple) {
      const existing = arrays.has(property.name) ? fields[property.name] : undefined;
      if (Array.isArray(existing)) existing.push(value);
      else {
        setOwn(fields, property.name, [value]);
        arrays.add(property.name);
      }
    } else {
      setOwn(fields, property.name, value);
    }
  }
  return fields;
}

function decodeEntityMessage(bytes: Uint8Array): FsFields {
  return fieldsOf(EntityProtoType.decode(bytes) as unknown as EntityMessage);
}

const ReferenceType = root.lookupType('storage_onestore_v3.Reference');
/** `EntityProto.key`: field 13, length-delimited. */
const KEY_FIELD = 13;

/**
 * Only the document's path, without decoding its properties: a stage reads every record of an
 * export and decodes just those of its collection groups.
 */
export function decodeEntityPath(bytes: Uint8Array): string {
  try {
    const reader = protobuf.Reader.create(bytes);
    while (reader.pos < reader.len) {
      const tag = reader.uint32();
      if (tag >>> 3 === KEY_FIELD && (tag & 7) === 2) {
        const key = ReferenceType.decode(reader.bytes()) as unknown as {
          path: { element?: PathElementMessage[] };
        };
        const elements = key.path.element ?? [];
        if (elements.length === 0) break;
        return pathOf(elements);
      }
      reader.skipType(tag & 7);
    }
  } catch (error) {
    if (error instanceof EntityDecodeError) throw error;
    throw new EntityDecodeError(`not an EntityProto: ${(error as Error).message}`);
  }
  throw new EntityDecodeError('an entity without a key');
}

/** One export record: the document's path and its fields. */
export function decodeEntity(bytes: Uint8Array): { path: string; fields: FsFields } {
  let entity: EntityMessage;
  try {
    entity = EntityProtoType.decode(bytes) as unknown as EntityMessage;
  } catch (error) {
    throw new EntityDecodeError(`not an EntityProto: ${(error as Error).message}`);
  }
  const elements = entity.key?.path.element ?? [];
  if (elements.length === 0) throw new EntityDecodeError('an entity without a key');
  return { path: pathOf(elements), fields: fieldsOf(entity) };
}

// ---------------------------------------------------------------------------------------------
// Encoding: what `gcloud firestore export` writes, for the dataset generator and the tests.

function elementsOf(path: string): PathElementMessage[] {
  const parts = path.split('/');
  if (parts.length % 2 !== 0 || parts.some((p) => p === '')) {
    throw new EntityDecodeError(`not a document path: ${path}`);
  }
  const elements: PathElementMessage[] = [];
  for (let i = 0; i < parts.length; i += 2) {
    elements.push({ type: parts[i]!, name: parts[i + 1]! });
  }
  return elements;
}

const utf8Encoder = new TextEncoder();

function propertiesOf(name: string, value: FsValue, multiple: boolean): PropertyMessage[] {
  const property = (meaning: number, v: PropertyValueMessage): PropertyMessage => ({
    ...(meaning === MEANING.NONE ? {} : { meaning }),
    name,
    multiple,
    value: v,
  });
  switch (kindOf(value)) {
    case 'null':
      return [property(MEANING.NONE, {})];
    case 'boolean':
      return [property(MEANING.NONE, { booleanValue: value as boolean })];
    case 'string':
      return [property(MEANING.NONE, { stringValue: utf8Encoder.encode(value as string) })];
    case 'int':
      return [
        property(MEANING.NONE, {
          int64Value: longOf((value as { int: bigint }).int),
        }),
      ];
    case 'double':
      return [property(MEANING.NONE, { doubleValue: (value as { double: number }).double })];
    case 'bytes':
      return [property(MEANING.BLOB, { stringValue: (value as { bytes: Uint8Array }).bytes })];
    case 'timestamp':
      return [
        property(MEANING.GD_WHEN, {
          int64Value: longOf(
            timestampMicros((value as { ts: { seconds: bigint; nanos: number } }).ts),
          ),
        }),
      ];
    case 'geo': {
      const { lat, lng } = (value as { geo: { lat: number; lng: number } }).geo;
      return [property(MEANING.GEORSS_POINT, { pointValue: { x: lat, y: lng } })];
    }
    case 'ref':
      return [
        property(MEANING.NONE, {
          referenceValue: {
            app: 'legacy',
            pathElement: elementsOf((value as { ref: string }).ref),
          },
        }),
      ];
    case 'vector': {
      const doubles = (value as { vector: number[] }).vector.map((d) => fs.double(d));
      return [
        property(MEANING.ENTITY_PROTO, {
          stringValue: encodeFieldsEntity({ __type__: VECTOR_TYPE, value: doubles }),
        }),
      ];
    }
    case 'array': {
      const items = value as FsValue[];
      if (items.length === 0) return [property(MEANING.EMPTY_LIST, {})];
      return items.flatMap((item) => {
        if (Array.isArray(item)) throw new EntityDecodeError('Firestore has no arrays in arrays');
        return propertiesOf(name, item, true);
      });
    }
    case 'map':
      return [
        property(MEANING.ENTITY_PROTO, {
          stringValue: encodeFieldsEntity((value as { map: FsFields }).map),
        }),
      ];
  }
}

/** int64 for `fromObject`: a decimal string, which protobufjs reads into a Long exactly. */
function longOf(n: bigint): string {
  return n.toString();
}

function encodeFieldsEntity(fields: FsFields): Uint8Array {
  const property = Object.entries(fields).flatMap(([name, value]) =>
    propertiesOf(name, value, false),
  );
  return EntityProtoType.encode(EntityProtoType.fromObject({ property })).finish();
}

/** One export record for a document (the project id `app` is not read back). */
export function encodeEntity(path: string, fields: FsFields, app = 'legacy'): Uint8Array {
  const element = elementsOf(path);
  const property = Object.entries(fields).flatMap(([name, value]) =>
    propertiesOf(name, value, false),
  );
  return EntityProtoType.encode(
    EntityProtoType.fromObject({
      key: { app, path: { element } },
      entity_group: { element: element.slice(0, 1) },
      property,
    }),
  ).finish();
}

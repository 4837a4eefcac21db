import { ObjectId } from 'bson';
import type { Document } from '../database.js';
import { isPlainObject, isPlainPathPart } from './documents.js';

/** The filter's answer for this document needs mingo (an array on the path, an unusual type). */
const UNKNOWN: unique symbol = Symbol('unknown');
const MISSING: unique symbol = Symbol('missing');

type Scalar = string | boolean | number | Date | ObjectId;

interface Condition {
  parts: string[];
  operand: Scalar;
  negated: boolean;
}

function isScalar(value: unknown): value is Scalar {
  return (
    typeof value === 'string' ||
    typeof value === 'boolean' ||
    (typeof value === 'number' && !Number.isNaN(value)) ||
    (value instanceof Date && !Number.isNaN(value.getTime())) ||
    value instanceof ObjectId
  );
}

function conditionOf(path: string, condition: unknown): Condition | undefined {
  const parts = path.split('.');
  // A numeric part may name an array element; `$` parts are operators or positional.
  if (!parts.every(isPlainPathPart)) return undefined;
  if (isScalar(condition)) return { parts, operand: condition, negated: false };
  if (!isPlainObject(condition)) return undefined;
  const ops = Object.keys(condition);
  if (ops.length !== 1 || (ops[0] !== '$eq' && ops[0] !== '$ne')) return undefined;
  const operand: unknown = condition[ops[0]];
  return isScalar(operand) ? { parts, operand, negated: ops[0] === '$ne' } : undefined;
}

function valueAt(doc: Document, parts: readonly string[]): unknown {
  let value: unknown = doc;
  for (const part of parts) {
    if (value === null || value === undefined || typeof value !== 'object') return MISSING;
    if (!isPlainObject(value)) return UNKNOWN; // an array, or a value of a BSON type
    if (!Object.hasOwn(value, part)) return MISSING;
    value = value[part];
  }
  if (value === undefined) return MISSING;
  return Array.isArray(value) ? UNKNOWN : value;
}

/** Whether `value` equals `operand`, or UNKNOWN when mingo must say (a type this does not know). */
function equals(value: unknown, operand: Scalar): boolean | typeof UNKNOWN {
  if (value === null) return false;
  if (typeof value === 'object' && !(value instanceof Date) && !(value instanceof ObjectId)) {
    return UNKNOWN; // a subdocument, a Long, a Decimal128, a Binary, …
  }
  if (operand instanceof Date)
    return value instanceof Date && value.getTime() === operand.getTime();
  if (operand instanceof ObjectId) return value instanceof ObjectId && value.equals(operand);
  return value === operand;
}

/**
 * A filter that is only equalities (`path: value` or `$eq`) and `$ne`s of strings, booleans,
 * numbers, dates or ids, on dotted paths through subdocuments, tested without mingo: compiling a
 * mingo query for every write cost more than the write (a versioned update's `{ _id, version }`,
 * a migration's `{ _id, <marker>: { $ne: … } }`). Each document gets true or false, or undefined
 * when an array or a value of another type lies on a path: then mingo decides. Undefined for
 * any other filter. Written here because mingo has no cheaper entry for the simplest filters.
 */
export function simpleFilter(
  filter: Document,
): ((doc: Document) => boolean | undefined) | undefined {
  const conditions: Condition[] = [];
  for (const [path, condition] of Object.entries(filter)) {
    if (path.startsWith('$')) return undefined;
    const parsed = conditionOf(path, condition);
    if (!parsed) return undefined;
    conditions.push(parsed);
  }
  if (conditions.length === 0) return undefined;
  return (doc) => {
    let unknown = false;
    for (const { parts, operand, negated } of conditions) {
      const value = valueAt(doc, parts);
      const same = value === UNKNOWN ? UNKNOWN : value === MISSING ? false : equals(value, operand);
      if (same === UNKNOWN) unknown = true;
      else if (same === negated) return false; // one failed condition fails the conjunction
    }
    return unknown ? undefined : true;
  };
}

import { isEqual } from 'mingo/util';
import type { Document } from '../database.js';
import { copyValue, isPlainObject, isPlainPathPart } from './documents.js';

const OPERATORS = new Set(['$set', '$unset', '$inc']);

interface Edit {
  op: '$set' | '$unset' | '$inc';
  parts: string[];
  value: unknown;
}

/** The object holding the path's last part, or null when it is missing (undefined: not plain). */
function parentOf(doc: Document, parts: readonly string[]): Document | null | undefined {
  let node: Document = doc;
  for (const part of parts.slice(0, -1)) {
    const next: unknown = node[part];
    if (next === undefined) return null;
    if (!isPlainObject(next)) return undefined; // an array, a scalar, a BSON value: mingo's case
    node = next;
  }
  return node;
}

/** The parent of the path's last part, made (as empty subdocuments) where it is missing. */
function buildParent(doc: Document, parts: readonly string[]): Document {
  let node: Document = doc;
  for (const part of parts.slice(0, -1)) {
    node[part] ??= {};
    node = node[part] as Document;
  }
  return node;
}

/**
 * Applies `$set`, `$unset` and `$inc` on dotted paths through subdocuments to `doc` as mingo's
 * updater would (deep copies of the values; an equal value, an absent field unset or a zero
 * increment changing nothing), without it: mingo's updater built and walked a graph for every
 * write, an eighth of a migration's time. Answers whether the document changed; undefined,
 * having touched nothing, for anything else (another operator, an array or a value of a BSON
 * type on a path, a numeric or positional part, `_id`, two paths where one holds the other, a
 * value `$inc` cannot add): mingo's updater decides those, and raises their errors.
 */
export function simpleUpdate(doc: Document, modifier: Document): boolean | undefined {
  const edits: Edit[] = [];
  for (const [op, spec] of Object.entries(modifier)) {
    if (!OPERATORS.has(op) || !isPlainObject(spec)) return undefined;
    for (const [path, value] of Object.entries(spec)) {
      const parts = path.split('.');
      const plain = parts.every(isPlainPathPart);
      if (!plain || parts[0] === '_id' || value === undefined) return undefined;
      if (op === '$inc' && (typeof value !== 'number' || Number.isNaN(value))) return undefined;
      edits.push({ op: op as Edit['op'], parts, value });
    }
  }
  if (edits.length === 0) return undefined;
  // No path twice, and none inside another (`a` and `a.b`): each path's prefixes are not paths.
  const paths = new Set<string>();
  for (const { parts } of edits) {
    const path = parts.join('.');
    if (paths.has(path)) return undefined;
    paths.add(path);
  }
  for (const { parts } of edits) {
    let prefix = parts[0]!;
    for (let i = 1; i < parts.length; i++) {
      if (paths.has(prefix)) return undefined;
      prefix += `.${parts[i]!}`;
    }
  }
  // Everything checked before anything is written: a case for mingo finds `doc` untouched.
  for (const { op, parts } of edits) {
    const parent = parentOf(doc, parts);
    if (parent === undefined) return undefined;
    const current = parent?.[parts.at(-1)!];
    if (op === '$inc' && current !== undefined) {
      if (typeof current !== 'number' || Number.isNaN(current)) return undefined;
    }
  }
  let changed = false;
  for (const { op, parts, value } of edits) {
    const key = parts.at(-1)!;
    if (op === '$unset') {
      const parent = parentOf(doc, parts);
      if (parent && Object.hasOwn(parent, key)) {
        delete parent[key];
        changed = true;
      }
      continue;
    }
    const parent = buildParent(doc, parts);
    if (op === '$set') {
      if (isEqual(parent[key], value)) continue;
      parent[key] = copyValue(value);
      changed = true;
      continue;
    }
    const previous = parent[key] as number | undefined;
    parent[key] = (previous ?? 0) + (value as number);
    if (parent[key] !== previous) changed = true;
  }
  return changed;
}

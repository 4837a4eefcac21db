import { BSON } from 'bson';

/**
 * What Amazon DocumentDB 5.0 refuses, checked before a document is written, so a migration batch
 * reports the document (with its source path) instead of failing at the database or, worse,
 * writing part of a batch. Limits from the DocumentDB developer guide ("Quotas and limits",
 * "Functional differences"); the numbers are configuration-free constants because the target is
 * fixed, and each cites where it comes from.
 */
export const DOCUMENTDB_LIMITS = {
  /** Maximum BSON document size: 16 MiB. */
  documentBytes: 16 * 1024 * 1024,
  /** Maximum nesting depth of embedded documents and arrays: 100 levels. */
  nestingDepth: 100,
  /**
   * Index key size: 2,048 bytes (a larger key cannot be indexed). `_id` is always indexed, so it
   * is held to this too; a Firestore id can reach 1,500 bytes and a path far more.
   */
  indexKeyBytes: 2_048,
} as const;

/** The BSON size of a document as it would be written. */
export function bsonSize(doc: Record<string, unknown>): number {
  return BSON.calculateObjectSize(doc);
}

export interface PreflightProblem {
  code:
    | 'document_too_large'
    | 'nesting_too_deep'
    | 'id_too_long'
    | 'index_key_too_long'
    | 'field_name_refused';
  /** Where in the document (dotted, escaped names), never the value. */
  at: string;
  detail: string;
}

function depthAndNames(
  value: unknown,
  at: string,
  depth: number,
  problems: PreflightProblem[],
): number {
  if (value === null || typeof value !== 'object') return depth;
  // BSON values (Binary, Long, ObjectId…) and Dates are leaves.
  if (value instanceof Date || value instanceof Uint8Array) return depth;
  if ((value as { _bsontype?: unknown })._bsontype !== undefined) return depth;
  let deepest = depth + 1;
  const entries = Array.isArray(value)
    ? value.map((v, i) => [String(i), v] as const)
    : Object.entries(value);
  for (const [key, item] of entries) {
    if (
      !Array.isArray(value) &&
      (key === '' || key.includes('.') || key.startsWith('$') || key.includes('\0'))
    ) {
      problems.push({
        code: 'field_name_refused',
        at: at ? `${at}.${key}` : key,
        detail: 'DocumentDB refuses empty names, dots, NUL and a leading $',
      });
    }
    deepest = Math.max(
      deepest,
      depthAndNames(item, at ? `${at}.${key}` : key, depth + 1, problems),
    );
  }
  return deepest;
}

/**
 * The problems of one document as it would be written (BSON-ready: escaped names, stored
 * values); `indexed` names the fields our indexes cover, whose values must fit an index key.
 */
export function preflight(
  doc: Record<string, unknown>,
  indexed: readonly string[] = [],
): PreflightProblem[] {
  const problems: PreflightProblem[] = [];
  const bytes = BSON.calculateObjectSize(doc);
  if (bytes > DOCUMENTDB_LIMITS.documentBytes) {
    problems.push({
      code: 'document_too_large',
      at: '',
      detail: `${bytes} bytes, over ${DOCUMENTDB_LIMITS.documentBytes}`,
    });
  }
  const depth = depthAndNames(doc, '', 0, problems);
  if (depth > DOCUMENTDB_LIMITS.nestingDepth) {
    problems.push({
      code: 'nesting_too_deep',
      at: '',
      detail: `${depth} levels, over ${DOCUMENTDB_LIMITS.nestingDepth}`,
    });
  }
  const idBytes = BSON.calculateObjectSize({ _id: doc._id });
  if (idBytes > DOCUMENTDB_LIMITS.indexKeyBytes) {
    problems.push({
      code: 'id_too_long',
      at: '_id',
      detail: `${idBytes} bytes, over ${DOCUMENTDB_LIMITS.indexKeyBytes}`,
    });
  }
  for (const field of indexed) {
    const value = field
      .split('.')
      .reduce<unknown>(
        (v, key) =>
          v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[key] : undefined,
        doc,
      );
    if (value === undefined) continue;
    const keyBytes = BSON.calculateObjectSize({ k: value });
    if (keyBytes > DOCUMENTDB_LIMITS.indexKeyBytes) {
      problems.push({
        code: 'index_key_too_long',
        at: field,
        detail: `${keyBytes} bytes, over ${DOCUMENTDB_LIMITS.indexKeyBytes}`,
      });
    }
  }
  return problems;
}

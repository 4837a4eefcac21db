import { BSON, ObjectId } from 'bson';
import { update as applyModifier } from 'mingo/updater';
import type {
  AnyBulkWriteOperation,
  BulkWriteSummary,
  Document,
  ReplaceOptions,
  Sort,
  UpdateResult,
} from '../database.js';
import { EmbeddedServerError, type WriteErrorInfo } from '../errors.js';
import type { CollectionMeta } from './catalog.js';
import {
  assertReplacement,
  assertUpdateDocument,
  copyValue,
  serializeDocument,
  storedForm,
  upsertSeed,
  withIdFirst,
  type StoredForm,
} from './documents.js';
import type { EngineContext } from './engine-context.js';
import { encodeComponent } from './key-encoding.js';
import { compileFilter, mingo, select } from './selection.js';
import { simpleUpdate } from './simple-update.js';
import { KeepChanges } from './sqlite-store.js';

export interface UpdateOutcome {
  matched: number;
  modified: number;
  upserted: Document | undefined;
  before: Document | undefined;
  after: Document | undefined;
}

/**
 * The writes of one collection, inside a write transaction: inserts, updates (with their
 * upserts), replacements, deletes and the operations of a bulk write. `ensure()` creates the
 * collection on first use; `existing` is it, if it exists.
 */
export class CollectionWrites {
  readonly #engine: EngineContext;

  constructor(engine: EngineContext) {
    this.#engine = engine;
  }

  insert(meta: CollectionMeta, doc: Document): Document {
    const prepared = storedForm(doc);
    this.#engine.tables.insert(meta, prepared.doc, prepared.bytes);
    return prepared.doc;
  }

  /**
   * Updates the first match (or every one), or upserts. In a multi-document update each
   * document is its own savepoint: a failure keeps the documents already changed, as the
   * server does, and reports the error.
   */
  update(
    ensure: () => CollectionMeta,
    existing: CollectionMeta | undefined,
    filter: Document,
    update: Document,
    options: { multi: boolean; upsert?: boolean; arrayFilters?: Document[]; sort?: Sort },
  ): UpdateOutcome {
    assertUpdateDocument(update);
    const targets = select(
      this.#engine.tables,
      existing,
      filter,
      options.multi ? {} : { sort: options.sort, limit: 1 },
    ).docs;
    const outcome: UpdateOutcome = {
      matched: 0,
      modified: 0,
      upserted: undefined,
      before: undefined,
      after: undefined,
    };
    const { $setOnInsert: _ignored, ...modifier } = update;
    // mingo compiles the filter again for every document; only the positional `$` needs it.
    const condition = usesPositional(modifier) ? filter : {};
    const { store } = this.#engine;
    for (const { rid, doc } of targets) {
      outcome.matched++;
      outcome.before ??= doc;
      const draft = copyValue(doc);
      const changed =
        Object.keys(modifier).length > 0 &&
        (simpleUpdate(draft, modifier) ??
          mingo(
            () =>
              applyModifier(draft, modifier, options.arrayFilters ?? [], condition, {
                cloneMode: 'deep',
              }).length > 0,
          ));
      if (!changed) {
        outcome.after ??= doc;
        continue;
      }
      const write = () => {
        const next = prepareReplacement(doc, draft);
        this.#engine.tables.replace(existing!, rid, doc, next.doc, next.bytes);
        return next.doc;
      };
      try {
        const next = options.multi ? store.savepoint(write) : write();
        outcome.modified++;
        outcome.after ??= next;
      } catch (error) {
        if (options.multi && outcome.modified > 0) throw new KeepChanges(error);
        throw error;
      }
    }
    if (outcome.matched === 0 && options.upsert) {
      const draft = upsertSeed(filter);
      const insertModifier = withSetOnInsert(update);
      if (
        Object.keys(insertModifier).length > 0 &&
        simpleUpdate(draft, insertModifier) === undefined
      ) {
        mingo(() =>
          applyModifier(
            draft,
            insertModifier,
            options.arrayFilters ?? [],
            {},
            { cloneMode: 'deep' },
          ),
        );
      }
      draft._id ??= new ObjectId();
      outcome.after = this.insert(ensure(), draft);
      outcome.upserted = outcome.after;
    }
    return outcome;
  }

  replace(
    ensure: () => CollectionMeta,
    existing: CollectionMeta | undefined,
    filter: Document,
    replacement: Document,
    options: ReplaceOptions,
  ): UpdateOutcome {
    assertReplacement(replacement);
    const [current] = select(this.#engine.tables, existing, filter, { limit: 1 }).docs;
    if (current) {
      const { rid, doc } = current;
      if (replacement._id !== undefined && !sameId(replacement._id, doc._id)) {
        throw new EmbeddedServerError(
          66,
          'ImmutableField',
          "After applying the update, the (immutable) field '_id' was found to have been altered",
        );
      }
      const next = prepareReplacement(doc, withIdFirst({ ...replacement, _id: doc._id }));
      if (Buffer.from(next.bytes).equals(BSON.serialize(doc)))
        return { matched: 1, modified: 0, upserted: undefined, before: doc, after: doc };
      this.#engine.tables.replace(existing!, rid, doc, next.doc, next.bytes);
      return { matched: 1, modified: 1, upserted: undefined, before: doc, after: next.doc };
    }
    if (!options.upsert)
      return { matched: 0, modified: 0, upserted: undefined, before: undefined, after: undefined };
    const draft: Document = { ...replacement };
    draft._id ??= upsertSeed(filter)._id ?? new ObjectId();
    const inserted = this.insert(ensure(), draft);
    return { matched: 0, modified: 0, upserted: inserted, before: undefined, after: inserted };
  }

  delete(existing: CollectionMeta | undefined, filter: Document, multi: boolean): number {
    if (!existing) {
      compileFilter(filter);
      return 0;
    }
    if (multi && Object.keys(filter).length === 0) return this.#engine.tables.truncate(existing);
    let deleted = 0;
    for (const { rid, doc } of select(
      this.#engine.tables,
      existing,
      filter,
      multi ? {} : { limit: 1 },
    ).docs) {
      this.#engine.tables.remove(existing, rid, doc);
      deleted++;
    }
    return deleted;
  }

  bulkOperation(
    ensure: () => CollectionMeta,
    existing: CollectionMeta | undefined,
    op: AnyBulkWriteOperation<Document>,
    index: number,
    summary: BulkWriteSummary,
  ): void {
    let outcome: UpdateOutcome | undefined;
    if ('insertOne' in op) {
      this.insert(ensure(), op.insertOne.document);
      summary.insertedCount++;
      summary.insertedIds[index] = op.insertOne.document._id;
      return;
    }
    if ('deleteOne' in op) {
      summary.deletedCount += this.delete(existing, op.deleteOne.filter, false);
      return;
    }
    if ('deleteMany' in op) {
      summary.deletedCount += this.delete(existing, op.deleteMany.filter, true);
      return;
    }
    if ('updateOne' in op || 'updateMany' in op) {
      const multi = 'updateMany' in op;
      const { filter, update, upsert, arrayFilters } = multi ? op.updateMany : op.updateOne;
      outcome = this.update(ensure, existing, filter, update as Document, {
        multi,
        upsert,
        arrayFilters,
      });
    } else if ('replaceOne' in op) {
      const { filter, replacement, upsert } = op.replaceOne;
      outcome = this.replace(ensure, existing, filter, replacement, { upsert });
    } else {
      throw new EmbeddedServerError(
        2,
        'BadValue',
        `Unknown bulk operation: ${Object.keys(op).join(',')}`,
      );
    }
    summary.matchedCount += outcome.matched;
    summary.modifiedCount += outcome.modified;
    if (outcome.upserted) {
      summary.upsertedCount++;
      summary.upsertedIds[index] = outcome.upserted._id;
    }
  }
}

/** The stored form of an updated document, which must keep its `_id`. */
function prepareReplacement(before: Document, draft: Document): StoredForm {
  const bytes = serializeDocument(draft);
  const doc = BSON.deserialize(bytes);
  if (!sameId(doc._id, before._id)) {
    throw new EmbeddedServerError(
      66,
      'ImmutableField',
      "After applying the update, the (immutable) field '_id' was found to have been altered",
    );
  }
  return { doc, bytes };
}

function sameId(a: unknown, b: unknown): boolean {
  return encodeComponent(a).equals(encodeComponent(b));
}

export function updateResult<T extends Document>(outcome: UpdateOutcome): UpdateResult<T> {
  return {
    acknowledged: true,
    matchedCount: outcome.matched,
    modifiedCount: outcome.modified,
    upsertedCount: outcome.upserted ? 1 : 0,
    upsertedId: (outcome.upserted?._id ?? null) as UpdateResult<T>['upsertedId'],
  };
}

/** On insert, an upsert applies `$setOnInsert` like `$set`; the server refuses both on one path. */
function withSetOnInsert(update: Document): Document {
  const { $setOnInsert, ...rest } = update;
  if (!$setOnInsert) return rest;
  const set = (rest.$set ?? {}) as Document;
  for (const path of Object.keys($setOnInsert as Document)) {
    if (Object.hasOwn(set, path)) {
      throw new EmbeddedServerError(
        40,
        'ConflictingUpdateOperators',
        `Updating the path '${path}' would create a conflict at '${path}'`,
      );
    }
  }
  return { ...rest, $set: { ...set, ...($setOnInsert as Document) } };
}

function usesPositional(modifier: Document): boolean {
  return Object.values(modifier).some(
    (fields) =>
      typeof fields === 'object' &&
      fields !== null &&
      Object.keys(fields).some((path) => /(^|\.)\$(\.|$)/.test(path)),
  );
}

export function writeErrorInfo(error: EmbeddedServerError, index: number): WriteErrorInfo {
  const info: WriteErrorInfo = { index, code: error.code, errmsg: error.errmsg };
  const keyed = error as EmbeddedServerError & { keyPattern?: Document; keyValue?: Document };
  if (keyed.keyPattern) info.keyPattern = keyed.keyPattern;
  if (keyed.keyValue) info.keyValue = keyed.keyValue;
  return info;
}

import { ObjectId } from 'bson';
import { Aggregator, Query } from 'mingo';
import { update as applyModifier } from 'mingo/updater';
import { MingoError, compare } from 'mingo/util';
import type {
  AggregateCursor,
  AnyBulkWriteOperation,
  BulkWriteOptions,
  BulkWriteSummary,
  Collection,
  CountOptions,
  CreateIndexOptions,
  DeleteResult,
  Document,
  Filter,
  FindCursor,
  FindOneAndDeleteOptions,
  FindOneAndUpdateOptions,
  FindOptions,
  IndexSpecification,
  InsertManyResult,
  InsertOneResult,
  OptionalUnlessRequiredId,
  ReplaceOptions,
  Sort,
  UpdateFilter,
  UpdateOptions,
  UpdateResult,
  WithId,
  WithoutId,
} from '../database.js';
import { BulkWriteError, EmbeddedServerError, type WriteErrorInfo } from '../errors.js';
import { MINGO_OPTIONS, type CollectionStore } from './collection-store.js';
import { EmbeddedAggregateCursor, EmbeddedFindCursor } from './cursors.js';
import {
  assertReplacement,
  assertUpdateDocument,
  copyValue,
  normalizeDocument,
  normalizeSort,
  upsertSeed,
  withIdFirst,
} from './documents.js';
import { encodeValue } from './ejson-codec.js';
import { WriteBatch, type Engine } from './engine.js';
import { indexDefinition, pathValues, valueKey } from './index-keys.js';

type Result<T extends Document> = UpdateResult<T>;

interface UpdateOutcome {
  matched: number;
  modified: number;
  upserted: Document | undefined;
  before: Document | undefined;
  after: Document | undefined;
}

/**
 * A collection of the embedded engine. Every write runs synchronously against the in-memory
 * state (so it is atomic with respect to every other operation), then waits for its journal
 * record to be durable before acknowledging.
 */
export class EmbeddedCollection<T extends Document = Document> implements Collection<T> {
  readonly #engine: Engine;
  readonly collectionName: string;

  constructor(engine: Engine, name: string) {
    if (!name || name.includes('$') || name.includes('\0') || name.startsWith('system.')) {
      throw new EmbeddedServerError(
        73,
        'InvalidNamespace',
        `Invalid collection name: ${JSON.stringify(name)}`,
      );
    }
    this.#engine = engine;
    this.collectionName = name;
  }

  // ── reads ────────────────────────────────────────────────────────────────────────────────

  #matches(filter: Document | undefined, firstOnly = false): Document[] {
    this.#engine.assertUsable();
    const criteria = filter ?? {};
    // `{ _id: value }` and `{ _id: { $in: [...] } }`, the commonest filters, are answered by the
    // id map alone: compiling them with mingo cost more than the rest of a by-id update.
    if (isIdEquality(criteria)) {
      return [...(this.#engine.store(this.collectionName)?.candidates(criteria) ?? [])];
    }
    // Compiled first, so a bad filter fails even on an empty collection, as on the server.
    const query = mingo(() => new Query(criteria, MINGO_OPTIONS));
    const store = this.#engine.store(this.collectionName);
    if (!store) return [];
    const out: Document[] = [];
    for (const doc of store.candidates(criteria)) {
      if (mingo(() => query.test(doc))) {
        out.push(doc);
        if (firstOnly) break;
      }
    }
    return out;
  }

  /** Matching stored documents (not copies) in sort order, after skip and limit. */
  #select(filter: Document | undefined, options: Omit<FindOptions, 'projection'>): Document[] {
    const sort = normalizeSort(options.sort);
    const skip = options.skip ?? 0;
    // As on the server, a limit of 0 means none and a negative one means its absolute value.
    const limit = options.limit ? Math.abs(options.limit) : undefined;
    const earlyExit = !sort && skip === 0 && limit === 1;
    let docs = this.#matches(filter, earlyExit);
    if (sort) docs = mingo(() => new Aggregator([{ $sort: sort }], MINGO_OPTIONS).run(docs));
    if (skip > 0 || limit !== undefined)
      docs = docs.slice(skip, limit === undefined ? undefined : skip + limit);
    return docs;
  }

  /** Copies for the caller, projected if asked. */
  #present(docs: Document[], projection: Document | undefined): Document[] {
    if (!projection || Object.keys(projection).length === 0) return docs.map(copyValue);
    const fields = topLevelInclusion(projection);
    // Only the named top-level fields (and `_id`, unless excluded), as `$project` would give:
    // picking them is a fraction of compiling and running a `$project` per read.
    if (fields) return docs.map((doc) => pickFields(doc, fields));
    const copies = docs.map(copyValue);
    return mingo(() => new Aggregator([{ $project: projection }], MINGO_OPTIONS).run(copies));
  }

  #find(filter: Document | undefined, options: FindOptions): Document[] {
    return this.#present(this.#select(filter, options), options.projection);
  }

  find(filter?: Filter<T>, options: FindOptions = {}): FindCursor<WithId<T>> {
    return new EmbeddedFindCursor<WithId<T>>((o) => this.#find(filter, o), options);
  }

  async findOne(filter?: Filter<T>, options: FindOptions = {}): Promise<WithId<T> | null> {
    const [doc] = this.#find(filter, { ...options, limit: 1 });
    return (doc as WithId<T> | undefined) ?? null;
  }

  async countDocuments(filter?: Filter<T>, options: CountOptions = {}): Promise<number> {
    const count = this.#matches(filter).length - (options.skip ?? 0);
    return Math.max(0, options.limit ? Math.min(count, options.limit) : count);
  }

  async distinct(key: string, filter?: Filter<T>): Promise<never[]> {
    const seen = new Map<string, unknown>();
    for (const doc of this.#matches(filter)) {
      for (const value of pathValues(doc, key)) {
        if (value === undefined || typeof value === 'symbol') continue;
        const k = valueKey(value);
        if (!seen.has(k)) seen.set(k, copyValue(value));
      }
    }
    return [...seen.values()].sort(compare) as never[];
  }

  aggregate<R extends Document = Document>(pipeline: Document[]): AggregateCursor<R> {
    return new EmbeddedAggregateCursor<R>(() => {
      assertSupportedPipeline(pipeline);
      const first = pipeline[0];
      const filter = first && '$match' in first ? (first.$match as Document) : undefined;
      const input = this.#matches(filter).map(copyValue);
      const rest = filter ? pipeline.slice(1) : pipeline;
      return mingo(() =>
        new Aggregator(rest, {
          ...MINGO_OPTIONS,
          collectionResolver: this.#engine.resolveCollection,
        }).run(input),
      );
    });
  }

  // ── writes ───────────────────────────────────────────────────────────────────────────────

  /**
   * Runs `apply` (synchronous: nothing else can interleave), journals what it changed as one
   * record, and settles once that record is durable: with the result, or with `apply`'s error
   * after the changes made before it are durable (as the server keeps an ordered prefix).
   */
  async #write<R>(apply: (batch: WriteBatch, store: CollectionStore) => R): Promise<R> {
    this.#engine.assertUsable();
    const batch = new WriteBatch();
    let result: R | undefined;
    let failure: { error: unknown } | undefined;
    try {
      result = apply(batch, this.#engine.storeForWrite(this.collectionName));
    } catch (error) {
      failure = { error };
    }
    await this.#engine.commit(batch);
    if (failure) throw failure.error;
    return result as R;
  }

  #insert(batch: WriteBatch, store: CollectionStore, doc: Document): void {
    const stored = normalizeDocument(withIdFirst(doc));
    store.assertUnique(stored, undefined);
    batch.put(store, stored);
  }

  async insertOne(doc: OptionalUnlessRequiredId<T>): Promise<InsertOneResult<T>> {
    const target = doc as Document;
    target._id ??= new ObjectId();
    await this.#write((batch, store) => this.#insert(batch, store, target));
    return { acknowledged: true, insertedId: target._id as InsertOneResult<T>['insertedId'] };
  }

  async insertMany(
    docs: readonly OptionalUnlessRequiredId<T>[],
    options: BulkWriteOptions = {},
  ): Promise<InsertManyResult<T>> {
    const summary = await this.bulkWrite(
      docs.map((document) => ({ insertOne: { document } }) as AnyBulkWriteOperation<T>),
      options,
    );
    return {
      acknowledged: true,
      insertedCount: summary.insertedCount,
      insertedIds: summary.insertedIds as InsertManyResult<T>['insertedIds'],
    };
  }

  #update(
    batch: WriteBatch,
    store: CollectionStore,
    filter: Document,
    update: Document,
    options: { multi: boolean; upsert?: boolean; arrayFilters?: Document[]; sort?: Sort },
  ): UpdateOutcome {
    assertUpdateDocument(update);
    const sort = options.sort;
    const targets = options.multi
      ? this.#select(filter, {})
      : this.#select(filter, { sort, limit: 1 });
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
    for (const current of targets) {
      outcome.matched++;
      outcome.before ??= current;
      const draft = copyValue(current);
      const changed =
        Object.keys(modifier).length === 0
          ? []
          : mingo(() =>
              applyModifier(draft, modifier, options.arrayFilters ?? [], condition, {
                cloneMode: 'deep',
              }),
            );
      if (changed.length === 0) {
        outcome.after ??= current;
        continue;
      }
      const next = normalizeDocument(draft);
      store.assertUnique(next, valueKey(current._id));
      batch.put(store, next);
      outcome.modified++;
      outcome.after ??= next;
    }
    if (outcome.matched === 0 && options.upsert) {
      const draft = upsertSeed(filter);
      const insertModifier = withSetOnInsert(update);
      if (Object.keys(insertModifier).length > 0) {
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
      this.#insert(batch, store, draft);
      outcome.upserted = draft;
      outcome.after = store.getByKey(valueKey(draft._id))?.doc;
    }
    return outcome;
  }

  async updateOne(
    filter: Filter<T>,
    update: UpdateFilter<T>,
    options: UpdateOptions = {},
  ): Promise<Result<T>> {
    const outcome = await this.#write((batch, store) =>
      this.#update(batch, store, filter, update, { ...options, multi: false }),
    );
    return updateResult<T>(outcome);
  }

  async updateMany(
    filter: Filter<T>,
    update: UpdateFilter<T>,
    options: UpdateOptions = {},
  ): Promise<Result<T>> {
    const outcome = await this.#write((batch, store) =>
      this.#update(batch, store, filter, update, { ...options, multi: true }),
    );
    return updateResult<T>(outcome);
  }

  #replace(
    batch: WriteBatch,
    store: CollectionStore,
    filter: Document,
    replacement: Document,
    options: ReplaceOptions & { sort?: Sort },
  ): UpdateOutcome {
    assertReplacement(replacement);
    const [current] = this.#select(filter, { sort: options.sort, limit: 1 });
    if (current) {
      if (replacement._id !== undefined && valueKey(replacement._id) !== valueKey(current._id)) {
        throw new EmbeddedServerError(
          66,
          'ImmutableField',
          "After applying the update, the (immutable) field '_id' was found to have been altered",
        );
      }
      const ordered = normalizeDocument(withIdFirst({ ...replacement, _id: current._id }));
      const text = encodeValue(ordered);
      if (text === encodeValue(current))
        return { matched: 1, modified: 0, upserted: undefined, before: current, after: current };
      store.assertUnique(ordered, valueKey(current._id));
      batch.put(store, ordered, text);
      return { matched: 1, modified: 1, upserted: undefined, before: current, after: ordered };
    }
    if (!options.upsert)
      return { matched: 0, modified: 0, upserted: undefined, before: undefined, after: undefined };
    const draft: Document = { ...replacement };
    draft._id ??= upsertSeed(filter)._id ?? new ObjectId();
    this.#insert(batch, store, draft);
    return {
      matched: 0,
      modified: 0,
      upserted: draft,
      before: undefined,
      after: store.getByKey(valueKey(draft._id))?.doc,
    };
  }

  async replaceOne(
    filter: Filter<T>,
    replacement: WithoutId<T>,
    options: ReplaceOptions = {},
  ): Promise<Result<T>> {
    const outcome = await this.#write((batch, store) =>
      this.#replace(batch, store, filter, replacement, options),
    );
    return updateResult<T>(outcome);
  }

  async findOneAndUpdate(
    filter: Filter<T>,
    update: UpdateFilter<T>,
    options: FindOneAndUpdateOptions = {},
  ): Promise<WithId<T> | null> {
    const outcome = await this.#write((batch, store) =>
      this.#update(batch, store, filter, update, { ...options, multi: false }),
    );
    const doc = options.returnDocument === 'after' ? outcome.after : outcome.before;
    return doc ? (this.#present([doc], options.projection)[0] as WithId<T>) : null;
  }

  async findOneAndDelete(
    filter: Filter<T>,
    options: FindOneAndDeleteOptions = {},
  ): Promise<WithId<T> | null> {
    const deleted = await this.#write((batch, store) => {
      const [current] = this.#select(filter, { sort: options.sort, limit: 1 });
      if (current) batch.remove(store, current._id);
      return current;
    });
    return deleted ? (this.#present([deleted], options.projection)[0] as WithId<T>) : null;
  }

  #delete(batch: WriteBatch, store: CollectionStore, filter: Document, multi: boolean): number {
    let deleted = 0;
    for (const doc of this.#select(filter, multi ? {} : { limit: 1 }))
      if (batch.remove(store, doc._id)) deleted++;
    return deleted;
  }

  async deleteOne(filter: Filter<T>): Promise<DeleteResult> {
    const deletedCount = await this.#write((batch, store) =>
      this.#delete(batch, store, filter, false),
    );
    return { acknowledged: true, deletedCount };
  }

  async deleteMany(filter: Filter<T>): Promise<DeleteResult> {
    const deletedCount = await this.#write((batch, store) =>
      this.#delete(batch, store, filter, true),
    );
    return { acknowledged: true, deletedCount };
  }

  async bulkWrite(
    operations: readonly AnyBulkWriteOperation<T>[],
    options: BulkWriteOptions = {},
  ): Promise<BulkWriteSummary> {
    const ordered = options.ordered ?? true;
    // As the driver does, every insert gets its _id before anything is sent.
    for (const op of operations) {
      if ('insertOne' in op) (op.insertOne.document as Document)._id ??= new ObjectId();
    }
    const summary: BulkWriteSummary = {
      insertedCount: 0,
      matchedCount: 0,
      modifiedCount: 0,
      deletedCount: 0,
      upsertedCount: 0,
      insertedIds: {},
      upsertedIds: {},
    };
    const errors: WriteErrorInfo[] = [];
    await this.#write((batch, store) => {
      for (const [index, op] of operations.entries()) {
        try {
          this.#bulkOperation(batch, store, op as AnyBulkWriteOperation<Document>, index, summary);
        } catch (error) {
          if (!(error instanceof EmbeddedServerError)) throw error;
          errors.push(writeErrorInfo(error, index));
          if (ordered) break;
        }
      }
    });
    if (errors.length > 0) throw new BulkWriteError(errors, summary);
    return summary;
  }

  #bulkOperation(
    batch: WriteBatch,
    store: CollectionStore,
    op: AnyBulkWriteOperation<Document>,
    index: number,
    summary: BulkWriteSummary,
  ): void {
    let outcome: UpdateOutcome | undefined;
    if ('insertOne' in op) {
      this.#insert(batch, store, op.insertOne.document);
      summary.insertedCount++;
      summary.insertedIds[index] = op.insertOne.document._id;
      return;
    }
    if ('deleteOne' in op) {
      summary.deletedCount += this.#delete(batch, store, op.deleteOne.filter, false);
      return;
    }
    if ('deleteMany' in op) {
      summary.deletedCount += this.#delete(batch, store, op.deleteMany.filter, true);
      return;
    }
    if ('updateOne' in op) {
      const { filter, update, upsert, arrayFilters } = op.updateOne;
      outcome = this.#update(batch, store, filter, update as Document, {
        multi: false,
        upsert,
        arrayFilters,
      });
    } else if ('updateMany' in op) {
      const { filter, update, upsert, arrayFilters } = op.updateMany;
      outcome = this.#update(batch, store, filter, update as Document, {
        multi: true,
        upsert,
        arrayFilters,
      });
    } else if ('replaceOne' in op) {
      const { filter, replacement, upsert } = op.replaceOne;
      outcome = this.#replace(batch, store, filter, replacement, { upsert });
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

  async createIndex(spec: IndexSpecification, options: CreateIndexOptions = {}): Promise<string> {
    const def = indexDefinition(spec, options);
    await this.#write((batch, store) => batch.index(store, def));
    return def.name;
  }
}

function updateResult<T extends Document>(outcome: UpdateOutcome): Result<T> {
  return {
    acknowledged: true,
    matchedCount: outcome.matched,
    modifiedCount: outcome.modified,
    upsertedCount: outcome.upserted ? 1 : 0,
    upsertedId: (outcome.upserted?._id ?? null) as Result<T>['upsertedId'],
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

const isScalarId = (id: unknown): boolean =>
  typeof id === 'string' || typeof id === 'number' || id instanceof ObjectId;

/** `{ _id: scalar }` or `{ _id: { $in: [scalars] } }`: what the id map answers exactly. */
function isIdEquality(filter: Document): boolean {
  const keys = Object.keys(filter);
  if (keys.length !== 1 || keys[0] !== '_id') return false;
  const id: unknown = filter._id;
  if (isScalarId(id)) return true;
  if (typeof id !== 'object' || id === null || id instanceof ObjectId) return false;
  const operators = Object.keys(id);
  const values = (id as { $in?: unknown }).$in;
  return (
    operators.length === 1 &&
    operators[0] === '$in' &&
    Array.isArray(values) &&
    values.every(isScalarId)
  );
}

/**
 * The fields of a projection that only includes top-level fields (`{ a: 1, b: true }`, with
 * `_id: 0` allowed), with `_id` first unless excluded; undefined for any other projection.
 */
function topLevelInclusion(projection: Document): string[] | undefined {
  const fields: string[] = [];
  let withId = true;
  for (const [field, value] of Object.entries(projection)) {
    if (field === '_id' && (value === 0 || value === false)) {
      withId = false;
      continue;
    }
    if ((value !== 1 && value !== true) || field.includes('.') || field.startsWith('$')) {
      return undefined;
    }
    if (field !== '_id') fields.push(field);
  }
  // `{ _id: 0 }` alone (or `{ _id: 1 }` alone) excludes or keeps fields otherwise: not ours.
  if (fields.length === 0) return undefined;
  return withId ? ['_id', ...fields] : fields;
}

function pickFields(doc: Document, fields: readonly string[]): Document {
  const out: Document = {};
  for (const field of fields) {
    if (doc[field] !== undefined) out[field] = copyValue(doc[field]);
  }
  return out;
}

function usesPositional(modifier: Document): boolean {
  return Object.values(modifier).some(
    (fields) =>
      typeof fields === 'object' &&
      fields !== null &&
      Object.keys(fields).some((path) => /(^|\.)\$(\.|$)/.test(path)),
  );
}

function writeErrorInfo(error: EmbeddedServerError, index: number): WriteErrorInfo {
  const info: WriteErrorInfo = { index, code: error.code, errmsg: error.errmsg };
  const keyed = error as EmbeddedServerError & { keyPattern?: Document; keyValue?: Document };
  if (keyed.keyPattern) info.keyPattern = keyed.keyPattern;
  if (keyed.keyValue) info.keyValue = keyed.keyValue;
  return info;
}

/**
 * Refuses what DocumentDB 5.0 would refuse, so code that runs locally also runs in production:
 * `$lookup` only in its `from`/`localField`/`foreignField`/`as` form; no `$out`/`$merge`.
 */
function assertSupportedPipeline(pipeline: Document[]): void {
  for (const stage of pipeline) {
    const [name] = Object.keys(stage);
    if (name === '$out' || name === '$merge') {
      throw new EmbeddedServerError(
        40324,
        'UnsupportedStage',
        `${name} is not supported by the storage layer`,
      );
    }
    if (name === '$lookup') {
      const spec = stage.$lookup as Document;
      const keys = Object.keys(spec).sort().join(',');
      if (keys !== 'as,foreignField,from,localField' || typeof spec.from !== 'string') {
        throw new EmbeddedServerError(
          40324,
          'UnsupportedStage',
          'Only the $lookup form {from, localField, foreignField, as} is supported (DocumentDB 5.0 lacks let/pipeline)',
        );
      }
    }
  }
}

/** mingo reports bad queries and updates with its own error; callers get the server's shape. */
function mingo<R>(run: () => R): R {
  try {
    return run();
  } catch (error) {
    if (error instanceof MingoError) {
      const immutable = error.message.includes('immutable field');
      throw new EmbeddedServerError(
        immutable ? 66 : 2,
        immutable ? 'ImmutableField' : 'BadValue',
        error.message,
      );
    }
    throw error;
  }
}

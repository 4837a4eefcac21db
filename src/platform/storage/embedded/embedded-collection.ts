import { BSON, ObjectId } from 'bson';
import { Aggregator, Query } from 'mingo';
import { update as applyModifier } from 'mingo/updater';
import { MingoError } from 'mingo/util';
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
  QueryExplanation,
  ReplaceOptions,
  Sort,
  UpdateFilter,
  UpdateOptions,
  UpdateResult,
  WithId,
  WithoutId,
} from '../database.js';
import { BulkWriteError, EmbeddedServerError, type WriteErrorInfo } from '../errors.js';
import type { CollectionMeta } from './catalog.js';
import type { CollectionTables, ScanCounters, StoredDocument } from './collection-tables.js';
import { EmbeddedAggregateCursor, EmbeddedFindCursor } from './cursors.js';
import {
  MINGO_OPTIONS,
  assertReplacement,
  assertUpdateDocument,
  copyValue,
  normalizeSort,
  serializeDocument,
  storedForm,
  upsertSeed,
  withIdFirst,
  type StoredForm,
} from './documents.js';
import type { EngineContext } from './engine-context.js';
import { indexDefinition, pathValues } from './index-keys.js';
import { EMPTY_ARRAY, encodeComponent } from './key-encoding.js';
import { boundsAreExact, choosePlan, sortKey, type Plan } from './planner.js';
import { KeepChanges } from './sqlite-store.js';

type Result<T extends Document> = UpdateResult<T>;

interface UpdateOutcome {
  matched: number;
  modified: number;
  upserted: Document | undefined;
  before: Document | undefined;
  after: Document | undefined;
}

interface Selection {
  docs: StoredDocument[];
  plan: Plan | undefined;
  counters: ScanCounters;
}

/** Bulk operations per transaction: other writers get the lock between chunks, as on a server. */
const BULK_CHUNK = 1000;

/**
 * A collection of the embedded engine. Reads run in one SQLite read transaction; each write is
 * one (group-committed) SQLite transaction, so a conditional update or `findOneAndUpdate` reads
 * and writes under the write lock, atomically with respect to every other process.
 */
export class EmbeddedCollection<T extends Document = Document> implements Collection<T> {
  readonly #engine: EngineContext;
  readonly collectionName: string;

  constructor(engine: EngineContext, name: string) {
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

  get #tables(): CollectionTables {
    return this.#engine.tables;
  }

  /** `fn` in a read transaction, with the catalog as of that snapshot. */
  #read<R>(fn: (meta: CollectionMeta | undefined) => R): Promise<R> {
    const { store, catalog } = this.#engine;
    return store.read(() => {
      catalog.refresh();
      return fn(catalog.get(this.collectionName));
    });
  }

  /** `fn` in a write transaction; `meta()` creates the collection on first use. */
  #write<R>(
    fn: (meta: () => CollectionMeta, existing: CollectionMeta | undefined) => R,
  ): Promise<R> {
    const { store, catalog } = this.#engine;
    return store.write(() => {
      catalog.refresh();
      return fn(
        () => catalog.ensureCollection(this.collectionName),
        catalog.get(this.collectionName),
      );
    });
  }

  // ── reads ────────────────────────────────────────────────────────────────────────────────

  /**
   * Matching documents in sort order, after skip and limit. The planner picks the index; every
   * candidate is tested against the whole filter, unless the index bounds are the filter.
   */
  #select(
    meta: CollectionMeta | undefined,
    filter: Document | undefined,
    options: Omit<FindOptions, 'projection'>,
  ): Selection {
    const criteria = filter ?? {};
    const counters: ScanCounters = { keysExamined: 0, docsExamined: 0 };
    if (!meta) {
      // Compiled anyway, so a bad filter fails even on a missing collection, as on the server.
      compileFilter(criteria);
      return { docs: [], plan: undefined, counters };
    }
    const sort = normalizeSort(options.sort);
    const skip = options.skip ?? 0;
    // As on the server, a limit of 0 means none and a negative one means its absolute value.
    const limit = options.limit ? Math.abs(options.limit) : undefined;
    const plan = choosePlan(meta, criteria, sort, (p) => this.#tables.estimate(p));
    // Compiling a filter with mingo costs more than an indexed read; exact bounds need none.
    const test =
      isIdEquality(criteria) || boundsAreExact(criteria, plan)
        ? undefined
        : compileFilter(criteria);
    const scan = this.#tables.scan(meta, plan, counters);
    if (!sort || plan.providesSort) {
      const docs: StoredDocument[] = [];
      let skipped = 0;
      for (const stored of scan) {
        if (test && !test(stored.doc)) continue;
        if (skipped < skip) {
          skipped++;
          continue;
        }
        docs.push(stored);
        if (limit !== undefined && docs.length >= limit) break;
      }
      return { docs, plan, counters };
    }
    const keyed: Array<{ stored: StoredDocument; key: Buffer }> = [];
    for (const stored of scan) {
      if (!test || test(stored.doc)) keyed.push({ stored, key: sortKey(stored.doc, sort) });
    }
    keyed.sort((a, b) => Buffer.compare(a.key, b.key));
    const end = limit === undefined ? undefined : skip + limit;
    return { docs: keyed.slice(skip, end).map((k) => k.stored), plan, counters };
  }

  #find(filter: Document | undefined, options: FindOptions): Promise<Document[]> {
    return this.#read((meta) =>
      present(
        this.#select(meta, filter, options).docs.map((s) => s.doc),
        options.projection,
      ),
    );
  }

  #explain(filter: Document | undefined, options: FindOptions): Promise<QueryExplanation> {
    return this.#read((meta) => {
      const { docs, plan, counters } = this.#select(meta, filter, options);
      return {
        stage: plan?.stage ?? 'COLLSCAN',
        indexName: plan?.indexName,
        sortedInMemory: options.sort !== undefined && !(plan?.providesSort ?? true),
        keysExamined: counters.keysExamined,
        docsExamined: counters.docsExamined,
        returned: docs.length,
      };
    });
  }

  find(filter?: Filter<T>, options: FindOptions = {}): FindCursor<WithId<T>> {
    return new EmbeddedFindCursor<WithId<T>>(
      (o) => this.#find(filter, o),
      (o) => this.#explain(filter, o),
      options,
    );
  }

  async findOne(filter?: Filter<T>, options: FindOptions = {}): Promise<WithId<T> | null> {
    const [doc] = await this.#find(filter, { ...options, limit: 1 });
    return (doc as WithId<T> | undefined) ?? null;
  }

  countDocuments(filter?: Filter<T>, options: CountOptions = {}): Promise<number> {
    return this.#read((meta) => {
      const empty = !filter || Object.keys(filter).length === 0;
      const total =
        empty && meta ? this.#tables.count(meta) : this.#select(meta, filter, {}).docs.length;
      const count = total - (options.skip ?? 0);
      return Math.max(0, options.limit ? Math.min(count, options.limit) : count);
    });
  }

  distinct(key: string, filter?: Filter<T>): Promise<never[]> {
    return this.#read((meta) => {
      const seen = new Map<string, { key: Buffer; value: unknown }>();
      for (const { doc } of this.#select(meta, filter, {}).docs) {
        for (const value of pathValues(doc, key)) {
          if (value === undefined || value === EMPTY_ARRAY) continue;
          const encoded = encodeComponent(value);
          seen.set(encoded.toString('latin1'), { key: encoded, value: copyValue(value) });
        }
      }
      return [...seen.values()]
        .sort((a, b) => Buffer.compare(a.key, b.key))
        .map((v) => v.value) as never[];
    });
  }

  aggregate<R extends Document = Document>(pipeline: Document[]): AggregateCursor<R> {
    return new EmbeddedAggregateCursor<R>(() => {
      assertSupportedPipeline(pipeline);
      const first = pipeline[0];
      const filter = first && '$match' in first ? (first.$match as Document) : undefined;
      const rest = filter ? pipeline.slice(1) : pipeline;
      return this.#read((meta) => {
        // Copies: mingo's stages may write into the documents they are given.
        const input = this.#select(meta, filter, {}).docs.map((s) => copyValue(s.doc));
        const { catalog, tables } = this.#engine;
        // `$lookup` reads the joined collection in the same snapshot.
        const collectionResolver = (name: string): Document[] => {
          const joined = catalog.get(name);
          return joined ? Array.from(tables.all(joined), (s) => copyValue(s.doc)) : [];
        };
        return mingo(() =>
          new Aggregator(rest, { ...MINGO_OPTIONS, collectionResolver }).run(input),
        );
      });
    });
  }

  // ── writes ───────────────────────────────────────────────────────────────────────────────

  async insertOne(doc: OptionalUnlessRequiredId<T>): Promise<InsertOneResult<T>> {
    const target = doc as Document;
    target._id ??= new ObjectId();
    const prepared = storedForm(target);
    await this.#write((meta) => this.#tables.insert(meta(), prepared.doc, prepared.bytes));
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

  #insert(meta: CollectionMeta, doc: Document): Document {
    const prepared = storedForm(doc);
    this.#tables.insert(meta, prepared.doc, prepared.bytes);
    return prepared.doc;
  }

  /**
   * Updates the first match (or every one), or upserts. In a multi-document update each
   * document is its own savepoint: a failure keeps the documents already changed, as the
   * server does, and reports the error.
   */
  #update(
    ensure: () => CollectionMeta,
    existing: CollectionMeta | undefined,
    filter: Document,
    update: Document,
    options: { multi: boolean; upsert?: boolean; arrayFilters?: Document[]; sort?: Sort },
  ): UpdateOutcome {
    assertUpdateDocument(update);
    const targets = this.#select(
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
        Object.keys(modifier).length === 0
          ? []
          : mingo(() =>
              applyModifier(draft, modifier, options.arrayFilters ?? [], condition, {
                cloneMode: 'deep',
              }),
            );
      if (changed.length === 0) {
        outcome.after ??= doc;
        continue;
      }
      const write = () => {
        const next = prepareReplacement(doc, draft);
        this.#tables.replace(existing!, rid, doc, next.doc, next.bytes);
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
      outcome.after = this.#insert(ensure(), draft);
      outcome.upserted = outcome.after;
    }
    return outcome;
  }

  async updateOne(
    filter: Filter<T>,
    update: UpdateFilter<T>,
    options: UpdateOptions = {},
  ): Promise<Result<T>> {
    const outcome = await this.#write((ensure, existing) =>
      this.#update(ensure, existing, filter, update, { ...options, multi: false }),
    );
    return updateResult<T>(outcome);
  }

  async updateMany(
    filter: Filter<T>,
    update: UpdateFilter<T>,
    options: UpdateOptions = {},
  ): Promise<Result<T>> {
    const outcome = await this.#write((ensure, existing) =>
      this.#update(ensure, existing, filter, update, { ...options, multi: true }),
    );
    return updateResult<T>(outcome);
  }

  #replace(
    ensure: () => CollectionMeta,
    existing: CollectionMeta | undefined,
    filter: Document,
    replacement: Document,
    options: ReplaceOptions,
  ): UpdateOutcome {
    assertReplacement(replacement);
    const [current] = this.#select(existing, filter, { limit: 1 }).docs;
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
      this.#tables.replace(existing!, rid, doc, next.doc, next.bytes);
      return { matched: 1, modified: 1, upserted: undefined, before: doc, after: next.doc };
    }
    if (!options.upsert)
      return { matched: 0, modified: 0, upserted: undefined, before: undefined, after: undefined };
    const draft: Document = { ...replacement };
    draft._id ??= upsertSeed(filter)._id ?? new ObjectId();
    const inserted = this.#insert(ensure(), draft);
    return { matched: 0, modified: 0, upserted: inserted, before: undefined, after: inserted };
  }

  async replaceOne(
    filter: Filter<T>,
    replacement: WithoutId<T>,
    options: ReplaceOptions = {},
  ): Promise<Result<T>> {
    const outcome = await this.#write((ensure, existing) =>
      this.#replace(ensure, existing, filter, replacement, options),
    );
    return updateResult<T>(outcome);
  }

  async findOneAndUpdate(
    filter: Filter<T>,
    update: UpdateFilter<T>,
    options: FindOneAndUpdateOptions = {},
  ): Promise<WithId<T> | null> {
    const outcome = await this.#write((ensure, existing) =>
      this.#update(ensure, existing, filter, update, { ...options, multi: false }),
    );
    const doc = options.returnDocument === 'after' ? outcome.after : outcome.before;
    return doc ? (present([doc], options.projection)[0] as WithId<T>) : null;
  }

  async findOneAndDelete(
    filter: Filter<T>,
    options: FindOneAndDeleteOptions = {},
  ): Promise<WithId<T> | null> {
    const deleted = await this.#write((_ensure, existing) => {
      const [current] = this.#select(existing, filter, { sort: options.sort, limit: 1 }).docs;
      if (!current) return undefined;
      this.#tables.remove(existing!, current.rid, current.doc);
      return current.doc;
    });
    return deleted ? (present([deleted], options.projection)[0] as WithId<T>) : null;
  }

  #delete(existing: CollectionMeta | undefined, filter: Document, multi: boolean): number {
    if (!existing) {
      compileFilter(filter);
      return 0;
    }
    if (multi && Object.keys(filter).length === 0) return this.#tables.truncate(existing);
    let deleted = 0;
    for (const { rid, doc } of this.#select(existing, filter, multi ? {} : { limit: 1 }).docs) {
      this.#tables.remove(existing, rid, doc);
      deleted++;
    }
    return deleted;
  }

  async deleteOne(filter: Filter<T>): Promise<DeleteResult> {
    const deletedCount = await this.#write((_ensure, existing) =>
      this.#delete(existing, filter, false),
    );
    return { acknowledged: true, deletedCount };
  }

  async deleteMany(filter: Filter<T>): Promise<DeleteResult> {
    const deletedCount = await this.#write((_ensure, existing) =>
      this.#delete(existing, filter, true),
    );
    return { acknowledged: true, deletedCount };
  }

  /**
   * As on a server: every operation atomic on its own, an ordered bulk stopping at the first
   * failure and an unordered one attempting every operation. Operations run in transactions of
   * up to BULK_CHUNK, each in its own savepoint.
   */
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
    for (let start = 0; start < operations.length; start += BULK_CHUNK) {
      const chunk = operations.slice(start, start + BULK_CHUNK);
      await this.#write((ensure) => {
        const { store, catalog } = this.#engine;
        for (const [offset, op] of chunk.entries()) {
          const index = start + offset;
          try {
            // Again per operation: an earlier one may have created the collection, or rolled back.
            catalog.refresh();
            const existing = catalog.get(this.collectionName);
            store.savepoint(() =>
              this.#bulkOperation(
                ensure,
                existing,
                op as AnyBulkWriteOperation<Document>,
                index,
                summary,
              ),
            );
          } catch (thrown) {
            const error = thrown instanceof KeepChanges ? thrown.cause : thrown;
            if (!(error instanceof EmbeddedServerError)) throw error;
            errors.push(writeErrorInfo(error, index));
            if (ordered) break;
          }
        }
      });
      if (ordered && errors.length > 0) break;
    }
    if (errors.length > 0) throw new BulkWriteError(errors, summary);
    return summary;
  }

  #bulkOperation(
    ensure: () => CollectionMeta,
    existing: CollectionMeta | undefined,
    op: AnyBulkWriteOperation<Document>,
    index: number,
    summary: BulkWriteSummary,
  ): void {
    let outcome: UpdateOutcome | undefined;
    if ('insertOne' in op) {
      this.#insert(ensure(), op.insertOne.document);
      summary.insertedCount++;
      summary.insertedIds[index] = op.insertOne.document._id;
      return;
    }
    if ('deleteOne' in op) {
      summary.deletedCount += this.#delete(existing, op.deleteOne.filter, false);
      return;
    }
    if ('deleteMany' in op) {
      summary.deletedCount += this.#delete(existing, op.deleteMany.filter, true);
      return;
    }
    if ('updateOne' in op || 'updateMany' in op) {
      const multi = 'updateMany' in op;
      const { filter, update, upsert, arrayFilters } = multi ? op.updateMany : op.updateOne;
      outcome = this.#update(ensure, existing, filter, update as Document, {
        multi,
        upsert,
        arrayFilters,
      });
    } else if ('replaceOne' in op) {
      const { filter, replacement, upsert } = op.replaceOne;
      outcome = this.#replace(ensure, existing, filter, replacement, { upsert });
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
    await this.#write((ensure) => {
      const meta = ensure();
      if (def.name === '_id_') return;
      const index = this.#engine.catalog.addIndex(meta, def);
      if (index) this.#tables.build(meta, index);
    });
    return def.name;
  }
}

// ── helpers ────────────────────────────────────────────────────────────────────────────────

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

function compileFilter(filter: Document): ((doc: Document) => boolean) | undefined {
  if (Object.keys(filter).length === 0) return undefined;
  const query = mingo(() => new Query(filter, MINGO_OPTIONS));
  return (doc) => mingo(() => query.test(doc));
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

/**
 * `{ _id: scalar }` or `{ _id: { $in: [scalars] } }`: the id key answers these exactly, and
 * compiling them with mingo cost more than the rest of a by-id read.
 */
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
 * Results as the caller gets them: copies (what was read may be cached and shared), projected
 * if asked.
 */
function present(docs: Document[], projection: Document | undefined): Document[] {
  if (!projection || Object.keys(projection).length === 0) return docs.map(copyValue);
  const fields = topLevelInclusion(projection);
  // Only the named top-level fields (and `_id`, unless excluded), as `$project` would give:
  // picking them is a fraction of compiling and running a `$project` per read.
  if (fields) return docs.map((doc) => pickFields(doc, fields));
  const copies = docs.map(copyValue);
  return mingo(() => new Aggregator([{ $project: projection }], MINGO_OPTIONS).run(copies));
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

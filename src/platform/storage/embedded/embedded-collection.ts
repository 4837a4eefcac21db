import { ObjectId } from 'bson';
import { Aggregator } from 'mingo';
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
  UpdateFilter,
  UpdateOptions,
  UpdateResult,
  WithId,
  WithoutId,
} from '../database.js';
import { BulkWriteError, EmbeddedServerError, type WriteErrorInfo } from '../errors.js';
import type { CollectionMeta } from './catalog.js';
import type { CollectionTables } from './collection-tables.js';
import { coveredGroup } from './covered-group.js';
import { CollectionWrites, updateResult, writeErrorInfo } from './collection-writes.js';
import { EmbeddedAggregateCursor, EmbeddedFindCursor } from './cursors.js';
import { MINGO_OPTIONS, copyValue, storedForm } from './documents.js';
import type { EngineContext } from './engine-context.js';
import { ID_INDEX_NAME, indexDefinition, pathValues } from './index-keys.js';
import { EMPTY_ARRAY, encodeComponent } from './key-encoding.js';
import {
  assertSupportedPipeline,
  countMatching,
  mingo,
  present,
  select,
  selectEach,
} from './selection.js';
import { KeepChanges } from './sqlite-store.js';

/** Aggregation stages that never write into their input documents (mingo builds new ones). */
const READ_ONLY_STAGES: ReadonlySet<string> = new Set([
  '$match',
  '$group',
  '$project',
  '$sort',
  '$skip',
  '$limit',
  '$count',
]);

/**
 * Whether a stage never writes into its input documents: `$unwind` builds a new document per
 * element, but writes into its input for `includeArrayIndex` and `preserveNullAndEmptyArrays`.
 */
function readsOnly(stage: Document): boolean {
  const name = Object.keys(stage)[0]!;
  if (READ_ONLY_STAGES.has(name)) return true;
  const unwind: unknown = stage.$unwind;
  return (
    name === '$unwind' &&
    (typeof unwind === 'string' ||
      (typeof unwind === 'object' &&
        unwind !== null &&
        Object.keys(unwind).length === 1 &&
        'path' in unwind))
  );
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
  readonly #writes: CollectionWrites;
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
    this.#writes = new CollectionWrites(engine);
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

  #find(filter: Document | undefined, options: FindOptions): Promise<Document[]> {
    return this.#read((meta) =>
      present(
        select(this.#tables, meta, filter, options).docs.map((s) => s.doc),
        options.projection,
      ),
    );
  }

  #explain(filter: Document | undefined, options: FindOptions): Promise<QueryExplanation> {
    return this.#read((meta) => {
      const { docs, plan, counters } = select(this.#tables, meta, filter, options);
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
        empty && meta ? this.#tables.count(meta) : countMatching(this.#tables, meta, filter ?? {});
      const count = total - (options.skip ?? 0);
      return Math.max(0, options.limit ? Math.min(count, options.limit) : count);
    });
  }

  distinct(key: string, filter?: Filter<T>): Promise<never[]> {
    return this.#read((meta) => {
      const seen = new Map<string, { key: Buffer; value: unknown }>();
      for (const { doc } of select(this.#tables, meta, filter, {}).docs) {
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
        // Stages that only read their input (a month's statistics: $match, $group, $project)
        // run on the stored documents as they are read (streamed: only the groups are kept) and
        // their (smaller) output is copied; any other stage may write into what it is given, so
        // it gets copies. Either way no caller holds a stored document.
        const readOnly = rest.every(readsOnly);
        // A `$group` the index keys answer reads no document; what follows it runs on its groups.
        const next = rest[0];
        const covered =
          readOnly && filter && next && '$group' in next
            ? coveredGroup(this.#tables, meta, filter, next.$group as Document)
            : undefined;
        if (covered) {
          return rest.length === 1
            ? covered
            : mingo(() => new Aggregator(rest.slice(1), MINGO_OPTIONS).run(covered));
        }
        const input = readOnly
          ? selectEach(this.#tables, meta, filter)
          : select(this.#tables, meta, filter, {}).docs.map((s) => copyValue(s.doc));
        const { catalog, tables } = this.#engine;
        // `$lookup` reads the joined collection in the same snapshot.
        const collectionResolver = (name: string): Document[] => {
          const joined = catalog.get(name);
          return joined ? Array.from(tables.all(joined), (s) => copyValue(s.doc)) : [];
        };
        const output = mingo(() =>
          new Aggregator(rest, { ...MINGO_OPTIONS, collectionResolver }).run(input),
        );
        return readOnly ? output.map((doc) => copyValue(doc) as Document) : output;
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

  async updateOne(
    filter: Filter<T>,
    update: UpdateFilter<T>,
    options: UpdateOptions = {},
  ): Promise<UpdateResult<T>> {
    const outcome = await this.#write((ensure, existing) =>
      this.#writes.update(ensure, existing, filter, update, { ...options, multi: false }),
    );
    return updateResult<T>(outcome);
  }

  async updateMany(
    filter: Filter<T>,
    update: UpdateFilter<T>,
    options: UpdateOptions = {},
  ): Promise<UpdateResult<T>> {
    const outcome = await this.#write((ensure, existing) =>
      this.#writes.update(ensure, existing, filter, update, { ...options, multi: true }),
    );
    return updateResult<T>(outcome);
  }

  async replaceOne(
    filter: Filter<T>,
    replacement: WithoutId<T>,
    options: ReplaceOptions = {},
  ): Promise<UpdateResult<T>> {
    const outcome = await this.#write((ensure, existing) =>
      this.#writes.replace(ensure, existing, filter, replacement, options),
    );
    return updateResult<T>(outcome);
  }

  async findOneAndUpdate(
    filter: Filter<T>,
    update: UpdateFilter<T>,
    options: FindOneAndUpdateOptions = {},
  ): Promise<WithId<T> | null> {
    const outcome = await this.#write((ensure, existing) =>
      this.#writes.update(ensure, existing, filter, update, { ...options, multi: false }),
    );
    const doc = options.returnDocument === 'after' ? outcome.after : outcome.before;
    return doc ? (present([doc], options.projection)[0] as WithId<T>) : null;
  }

  async findOneAndDelete(
    filter: Filter<T>,
    options: FindOneAndDeleteOptions = {},
  ): Promise<WithId<T> | null> {
    const deleted = await this.#write((_ensure, existing) => {
      const [current] = select(this.#tables, existing, filter, {
        sort: options.sort,
        limit: 1,
      }).docs;
      if (!current) return undefined;
      this.#tables.remove(existing!, current.rid, current.doc);
      return current.doc;
    });
    return deleted ? (present([deleted], options.projection)[0] as WithId<T>) : null;
  }

  async deleteOne(filter: Filter<T>): Promise<DeleteResult> {
    const deletedCount = await this.#write((_ensure, existing) =>
      this.#writes.delete(existing, filter, false),
    );
    return { acknowledged: true, deletedCount };
  }

  async deleteMany(filter: Filter<T>): Promise<DeleteResult> {
    const deletedCount = await this.#write((_ensure, existing) =>
      this.#writes.delete(existing, filter, true),
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
              this.#writes.bulkOperation(
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

  async dropIndex(name: string): Promise<void> {
    if (name === ID_INDEX_NAME) {
      throw new EmbeddedServerError(72, 'InvalidOptions', 'cannot drop _id index');
    }
    await this.#write((_ensure, existing) => {
      if (existing) this.#engine.catalog.dropIndex(existing, name);
    });
  }
}

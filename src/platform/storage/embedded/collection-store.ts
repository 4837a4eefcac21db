import { Query } from 'mingo';
import type { Document } from '../database.js';
import { DuplicateKeyError, EmbeddedServerError } from '../errors.js';
import {
  compoundKey,
  equalityValues,
  indexEntries,
  keyPatternOf,
  keyValueOf,
  sameIndex,
  valueKey,
  type IndexDefinition,
} from './index-keys.js';

/** mingo's options for everything the engine evaluates; no server-side JavaScript (DocumentDB has none). */
export const MINGO_OPTIONS = { idKey: '_id', scriptEnabled: false, useStrictMode: true } as const;

/** A stored document is never mutated: a write replaces the object, so readers and snapshots can hold it. */
export interface StoredDocument {
  readonly doc: Document;
  /** Size of its journal encoding; the sum tells compaction how big the live data is. */
  readonly bytes: number;
}

interface IndexState {
  readonly def: IndexDefinition;
  readonly partial: Query | undefined;
  /** Unique indexes: key → id key of the one document holding it. */
  readonly owners: Map<string, string> | undefined;
  /** Other indexes: key → id keys of the documents holding it. */
  readonly members: Map<string, Set<string>> | undefined;
}

export const ID_INDEX_NAME = '_id_';

/** One collection's documents and indexes in memory. Knows nothing about the journal. */
export class CollectionStore {
  readonly docs = new Map<string, StoredDocument>();
  #indexes: IndexState[] = [];
  #liveBytes = 0;

  constructor(
    readonly dbName: string,
    readonly name: string,
  ) {}

  get liveBytes(): number {
    return this.#liveBytes;
  }

  get indexDefinitions(): IndexDefinition[] {
    return this.#indexes.map((i) => i.def);
  }

  getByKey(idKey: string): StoredDocument | undefined {
    return this.docs.get(idKey);
  }

  /**
   * Documents that may match `filter`: through `_id` or a non-sparse, non-partial index when the
   * filter pins every field of it by equality, otherwise all of them.
   */
  candidates(filter: Document): Iterable<Document> {
    const ids = equalityValues(filter, '_id');
    if (ids) return this.#lookup(ids.map(valueKey));
    let best: { state: IndexState; keys: string[] } | undefined;
    for (const state of this.#indexes) {
      if (state.def.sparse || state.partial) continue;
      const perField = state.def.key.map(([path]) => equalityValues(filter, path));
      if (perField.some((v) => v === undefined)) continue;
      let combos: unknown[][] = [[]];
      for (const values of perField as unknown[][])
        combos = combos.flatMap((p) => values.map((v) => [...p, v]));
      const keys = combos.map(compoundKey);
      if (!best || keys.length < best.keys.length) best = { state, keys };
    }
    if (!best) return this.#all();
    const idKeys = new Set<string>();
    for (const key of best.keys) {
      if (best.state.owners) {
        const owner = best.state.owners.get(key);
        if (owner !== undefined) idKeys.add(owner);
      } else {
        for (const id of best.state.members!.get(key) ?? []) idKeys.add(id);
      }
    }
    // Natural (insertion) order, as a scan would return them.
    return [...idKeys]
      .map((k) => this.docs.get(k))
      .filter((s): s is StoredDocument => s !== undefined)
      .sort((a, b) => this.#order(a) - this.#order(b))
      .map((s) => s.doc);
  }

  *#all(): Iterable<Document> {
    for (const stored of this.docs.values()) yield stored.doc;
  }

  #lookup(keys: string[]): Document[] {
    const out: Document[] = [];
    for (const key of new Set(keys)) {
      const stored = this.docs.get(key);
      if (stored) out.push(stored.doc);
    }
    return out;
  }

  // Insertion order is the Map's; index lookups that return several documents restore it.
  #positions = new WeakMap<StoredDocument, number>();
  #counter = 0;
  #order(stored: StoredDocument): number {
    return this.#positions.get(stored) ?? 0;
  }

  /**
   * Throws the server's duplicate key error when `doc` would take a key another document holds
   * in a unique index. `selfKey` is the id key of the document being replaced, if any.
   */
  assertUnique(doc: Document, selfKey: string | undefined): void {
    if (selfKey === undefined && this.docs.has(valueKey(doc._id))) {
      throw new DuplicateKeyError({
        dbName: this.dbName,
        collectionName: this.name,
        indexName: ID_INDEX_NAME,
        keyPattern: { _id: 1 },
        keyValue: { _id: doc._id },
      });
    }
    for (const state of this.#indexes) {
      if (!state.owners) continue;
      for (const entry of indexEntries(state.def, doc, state.partial) ?? []) {
        const owner = state.owners.get(entry.key);
        if (owner !== undefined && owner !== selfKey) {
          throw new DuplicateKeyError({
            dbName: this.dbName,
            collectionName: this.name,
            indexName: state.def.name,
            keyPattern: keyPatternOf(state.def),
            keyValue: keyValueOf(state.def, entry.values),
          });
        }
      }
    }
  }

  /** Inserts or replaces; the caller has checked uniqueness. */
  put(doc: Document, bytes: number): void {
    const key = valueKey(doc._id);
    const previous = this.docs.get(key);
    if (previous) this.#unindex(key, previous.doc);
    const stored: StoredDocument = { doc, bytes };
    this.docs.set(key, stored);
    this.#positions.set(stored, previous ? this.#order(previous) : ++this.#counter);
    this.#liveBytes += bytes - (previous?.bytes ?? 0);
    this.#index(key, doc);
  }

  remove(idKey: string): boolean {
    const previous = this.docs.get(idKey);
    if (!previous) return false;
    this.#unindex(idKey, previous.doc);
    this.docs.delete(idKey);
    this.#liveBytes -= previous.bytes;
    return true;
  }

  findIndex(name: string): IndexDefinition | undefined {
    return this.#indexes.find((i) => i.def.name === name)?.def;
  }

  /**
   * Adds an index over the current documents. Returns false when an identical one exists;
   * throws the server's errors for a conflicting one or for duplicates in existing documents.
   */
  addIndex(def: IndexDefinition): boolean {
    if (def.name === ID_INDEX_NAME) return false;
    const existing = this.#indexes.find(
      (i) => i.def.name === def.name || JSON.stringify(i.def.key) === JSON.stringify(def.key),
    );
    if (existing) {
      if (sameIndex(existing.def, def)) return false;
      throw existing.def.name === def.name
        ? new EmbeddedServerError(
            86,
            'IndexKeySpecsConflict',
            `An existing index has the same name as the requested index: ${def.name}`,
          )
        : new EmbeddedServerError(
            85,
            'IndexOptionsConflict',
            `Index already exists with a different name: ${existing.def.name}`,
          );
    }
    const state: IndexState = {
      def,
      partial: def.partialFilterExpression
        ? new Query(def.partialFilterExpression, MINGO_OPTIONS)
        : undefined,
      owners: def.unique ? new Map() : undefined,
      members: def.unique ? undefined : new Map(),
    };
    for (const [key, stored] of this.docs) {
      for (const entry of indexEntries(def, stored.doc, state.partial) ?? []) {
        if (state.owners) {
          const owner = state.owners.get(entry.key);
          if (owner !== undefined && owner !== key) {
            throw new DuplicateKeyError({
              dbName: this.dbName,
              collectionName: this.name,
              indexName: def.name,
              keyPattern: keyPatternOf(def),
              keyValue: keyValueOf(def, entry.values),
            });
          }
          state.owners.set(entry.key, key);
        } else {
          addMember(state.members!, entry.key, key);
        }
      }
    }
    this.#indexes.push(state);
    return true;
  }

  #index(idKey: string, doc: Document): void {
    for (const state of this.#indexes) {
      for (const entry of indexEntries(state.def, doc, state.partial) ?? []) {
        if (state.owners) state.owners.set(entry.key, idKey);
        else addMember(state.members!, entry.key, idKey);
      }
    }
  }

  #unindex(idKey: string, doc: Document): void {
    for (const state of this.#indexes) {
      for (const entry of indexEntries(state.def, doc, state.partial) ?? []) {
        if (state.owners) {
          if (state.owners.get(entry.key) === idKey) state.owners.delete(entry.key);
        } else {
          const set = state.members!.get(entry.key);
          set?.delete(idKey);
          if (set?.size === 0) state.members!.delete(entry.key);
        }
      }
    }
  }
}

function addMember(members: Map<string, Set<string>>, key: string, idKey: string): void {
  const set = members.get(key);
  if (set) set.add(idKey);
  else members.set(key, new Set([idKey]));
}

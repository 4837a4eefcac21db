import type {
  AggregateCursor,
  Document,
  FindCursor,
  FindOptions,
  QueryExplanation,
  Sort,
} from '../database.js';

/**
 * The driver's cursors over a result read in one transaction: lazy until the first read, then
 * consumed once (a second `toArray()` returns what is left, as on the server).
 */
abstract class BufferedCursor<T> implements AsyncIterable<T> {
  #results: Promise<T[]> | undefined;
  #position = 0;

  protected abstract execute(): Promise<T[]>;

  protected get started(): boolean {
    return this.#results !== undefined;
  }

  #fetch(): Promise<T[]> {
    this.#results ??= this.execute();
    return this.#results;
  }

  async toArray(): Promise<T[]> {
    const results = await this.#fetch();
    const rest = results.slice(this.#position);
    this.#position = results.length;
    return rest;
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<T, void, undefined> {
    const results = await this.#fetch();
    while (this.#position < results.length) yield results[this.#position++]!;
  }

  async close(): Promise<void> {
    this.#results = Promise.resolve([]);
    this.#position = 0;
  }
}

export class EmbeddedFindCursor<T> extends BufferedCursor<T> implements FindCursor<T> {
  readonly #run: (options: FindOptions) => Promise<Document[]>;
  readonly #explain: (options: FindOptions) => Promise<QueryExplanation>;
  readonly #options: FindOptions;

  constructor(
    run: (options: FindOptions) => Promise<Document[]>,
    explain: (options: FindOptions) => Promise<QueryExplanation>,
    options: FindOptions,
  ) {
    super();
    this.#run = run;
    this.#explain = explain;
    this.#options = { ...options };
  }

  protected execute(): Promise<T[]> {
    return this.#run(this.#options) as Promise<T[]>;
  }

  #set<K extends keyof FindOptions>(key: K, value: FindOptions[K]): void {
    if (this.started) throw new Error('Cursor is already initialized');
    this.#options[key] = value;
  }

  sort(sort: Sort): FindCursor<T> {
    this.#set('sort', sort);
    return this;
  }

  skip(count: number): FindCursor<T> {
    this.#set('skip', count);
    return this;
  }

  limit(count: number): FindCursor<T> {
    this.#set('limit', count);
    return this;
  }

  project<R extends Document = Document>(projection: Document): FindCursor<R> {
    this.#set('projection', projection);
    return this as unknown as FindCursor<R>;
  }

  explain(): Promise<QueryExplanation> {
    return this.#explain(this.#options);
  }
}

export class EmbeddedAggregateCursor<T> extends BufferedCursor<T> implements AggregateCursor<T> {
  readonly #run: () => Promise<Document[]>;

  constructor(run: () => Promise<Document[]>) {
    super();
    this.#run = run;
  }

  protected execute(): Promise<T[]> {
    return this.#run() as Promise<T[]>;
  }
}

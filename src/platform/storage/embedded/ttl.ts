import type { Collection, Document, StorageLogger } from '../database.js';
import type { EngineContext } from './engine-context.js';

/**
 * MongoDB's TTL monitor for the embedded engine: every `intervalMs`, each single-field index
 * with `expireAfterSeconds` deletes the documents whose field holds a date (or an array whose
 * earliest date) older than that. The deletes go through the collection, so they use the TTL
 * index and keep every other index in step. Every process that opens the file sweeps; a sweep
 * finding nothing costs one read.
 */
export class TtlSweeper {
  readonly #context: EngineContext;
  readonly #collection: (name: string) => Collection;
  readonly #logger: StorageLogger;
  readonly #timer: NodeJS.Timeout | undefined;
  #running: Promise<unknown> | undefined;
  #stopped = false;

  constructor(
    context: EngineContext,
    collection: (name: string) => Collection,
    logger: StorageLogger,
    intervalMs: number,
  ) {
    this.#context = context;
    this.#collection = collection;
    this.#logger = logger;
    if (intervalMs > 0) {
      this.#timer = setInterval(() => this.#tick(), intervalMs);
      this.#timer.unref();
    }
  }

  #tick(): void {
    if (this.#running || this.#stopped) return;
    this.#running = this.sweep()
      .catch((error: unknown) => {
        if (!this.#stopped)
          this.#logger.warn({ err: error }, 'embedded database: TTL sweep failed; retrying later');
      })
      .finally(() => (this.#running = undefined));
  }

  async sweep(now = new Date()): Promise<number> {
    const { store, catalog } = this.#context;
    const targets = await store.read(() => {
      catalog.refresh();
      return catalog
        .all()
        .flatMap((collection) =>
          collection.indexes
            .filter((i) => i.def.expireAfterSeconds !== undefined && i.def.key.length === 1)
            .map((i) => ({ collection: collection.name, def: i.def })),
        );
    });
    let total = 0;
    for (const { collection, def } of targets) {
      const cutoff = new Date(now.getTime() - def.expireAfterSeconds! * 1000);
      const expired: Document = { [def.key[0]![0]]: { $lt: cutoff } };
      const filter = def.partialFilterExpression
        ? { $and: [expired, def.partialFilterExpression] }
        : expired;
      const { deletedCount } = await this.#collection(collection).deleteMany(filter);
      if (deletedCount > 0) {
        this.#logger.info(
          { collection, index: def.name, deleted: deletedCount },
          'embedded database: TTL index expired documents',
        );
      }
      total += deletedCount;
    }
    return total;
  }

  stop(): void {
    this.#stopped = true;
    if (this.#timer) clearInterval(this.#timer);
  }
}

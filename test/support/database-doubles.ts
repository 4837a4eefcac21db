import type { Database } from '../../src/platform/storage/database.js';

type Call = (...args: unknown[]) => Promise<unknown>;

/**
 * `db` with `updateOne` of one collection replaced by `replace(original)`, for specs that crash,
 * fail or count its writes. Everything else is forwarded, bound to the real collection (the
 * engine's collections keep private state).
 */
export function withUpdateOne(
  db: Database,
  collection: string,
  replace: (original: Call) => Call,
): Database {
  return {
    kind: db.kind,
    ping: () => db.ping(),
    close: () => db.close(),
    batch: (fn) => db.batch(fn),
    collection: ((name: string) => {
      const target = db.collection(name);
      if (name !== collection) return target;
      const replaced = replace((...args) =>
        (target.updateOne as unknown as Call).apply(target, args),
      );
      return new Proxy(target, {
        get(t, property) {
          if (property === 'updateOne') return replaced;
          const value: unknown = Reflect.get(t, property, t);
          return typeof value === 'function' ? value.bind(t) : value;
        },
      });
    }) as Database['collection'],
  };
}

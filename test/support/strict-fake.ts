import { vi, type Mock } from 'vitest';

type Methods<T> = {
  [K in keyof T]: T[K] extends (...args: never[]) => unknown ? K : never;
}[keyof T];

export type StrictFake<T> = T & {
  [K in Methods<T>]: Mock<Extract<T[K], (...args: never[]) => unknown>>;
};

/**
 * A fake of an interface or class in which every method is a `vi.fn()` that fails the test when
 * called without an implementation: an unexpected call to a port or repository is an error, not
 * a silent `undefined`. Give behaviour with `fake.method.mockResolvedValue(...)` and friends.
 */
export function strictFake<T extends object>(name: string): StrictFake<T> {
  const methods = new Map<PropertyKey, Mock>();
  return new Proxy({} as StrictFake<T>, {
    get(_target, property) {
      if (property === 'then') return undefined; // not a thenable
      let method = methods.get(property);
      if (!method) {
        method = vi.fn((..._args: unknown[]) => {
          throw new Error(`unexpected call: ${name}.${String(property)}()`);
        });
        methods.set(property, method);
      }
      return method;
    },
  });
}

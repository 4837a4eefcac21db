/**
 * Walking the values at a note path (`a`, `a.b`, `a[].b`) of a document or of a fragment of one
 * (a `$set` value, a pushed array element), to seal, open, re-encrypt or remove them. Copies are
 * made only along the path; everything else is shared with the input.
 */

interface Segment {
  key: string;
  /** The value under `key` is an array whose elements the rest of the path walks. */
  each: boolean;
}

function parseNotePath(path: string): Segment[] {
  return path
    .split('.')
    .map((part) =>
      part.endsWith('[]') ? { key: part.slice(0, -2), each: true } : { key: part, each: false },
    );
}

/** The top-level key a note path starts with (what a `$set` of the whole container names). */
export function notePathRoot(path: string): string {
  return parseNotePath(path)[0]!.key;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  value !== null &&
  typeof value === 'object' &&
  !Array.isArray(value) &&
  !ArrayBuffer.isView(value);

/**
 * `value` with each leaf at `segments` replaced by `fn(leaf)` (`undefined` removes the key).
 * Leaves that are absent or null are left alone; so is anything not shaped like the path.
 */
async function mapAt(
  value: unknown,
  segments: readonly Segment[],
  fn: (leaf: unknown) => Promise<unknown>,
): Promise<unknown> {
  if (!isRecord(value)) return value;
  const [head, ...rest] = segments;
  if (!head || !(head.key in value)) return value;
  const child = value[head.key];
  let next: unknown;
  if (rest.length === 0 && !head.each) {
    if (child === undefined || child === null) return value;
    next = await fn(child);
  } else if (head.each) {
    if (!Array.isArray(child)) return value;
    next = await Promise.all(
      child.map((element) => (rest.length ? mapAt(element, rest, fn) : element)),
    );
  } else {
    next = await mapAt(child, rest, fn);
  }
  const copy = { ...value };
  if (next === undefined) delete copy[head.key];
  else copy[head.key] = next;
  return copy;
}

export function mapNotes<T>(
  value: T,
  path: string,
  fn: (leaf: unknown) => Promise<unknown>,
): Promise<T> {
  return mapAt(value, parseNotePath(path), fn) as Promise<T>;
}

/** Every leaf value at `path` in `value` (absent and null ones left out). */
export function notesAt(value: unknown, path: string): unknown[] {
  let level: unknown[] = [value];
  for (const segment of parseNotePath(path)) {
    const next: unknown[] = [];
    for (const item of level) {
      if (!isRecord(item)) continue;
      const child = item[segment.key];
      if (segment.each) {
        if (Array.isArray(child)) next.push(...child);
      } else if (child !== undefined && child !== null) {
        next.push(child);
      }
    }
    level = next;
  }
  return level;
}

/**
 * Every leaf at `path` with its concrete location (`history[2].evidence`), in document order.
 */
export function locatedNotes(value: unknown, path: string): { at: string; value: unknown }[] {
  let level: { at: string; value: unknown }[] = [{ at: '', value }];
  for (const segment of parseNotePath(path)) {
    const next: { at: string; value: unknown }[] = [];
    for (const item of level) {
      if (!isRecord(item.value)) continue;
      const child = item.value[segment.key];
      const at = item.at ? `${item.at}.${segment.key}` : segment.key;
      if (segment.each) {
        if (Array.isArray(child))
          child.forEach((element, i) => next.push({ at: `${at}[${i}]`, value: element }));
      } else if (child !== undefined && child !== null) {
        next.push({ at, value: child });
      }
    }
    level = next;
  }
  return level;
}

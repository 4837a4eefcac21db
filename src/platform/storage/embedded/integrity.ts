import { DatabaseCorruptError } from '../errors.js';
import { indexEntries } from './index-keys.js';
import type { EngineContext } from './engine-context.js';

export interface IntegrityReport {
  ok: boolean;
  file: string;
  /** One line per problem (at most MAX_PROBLEMS, then a count of the rest). */
  problems: string[];
  collections: number;
  documents: number;
  indexEntries: number;
}

const MAX_PROBLEMS = 100;

/**
 * `db check`: SQLite's `PRAGMA integrity_check` (pages, B-trees, free list), then what SQLite
 * cannot know: every document against its checksum and as BSON, and every index table against
 * the keys its documents should have (a key missing, or an entry too many).
 */
export async function checkIntegrity(context: EngineContext): Promise<IntegrityReport> {
  const { store, catalog, tables } = context;
  const problems: string[] = [];
  let extra = 0;
  const report = (line: string) => {
    if (problems.length < MAX_PROBLEMS) problems.push(line);
    else extra++;
  };
  let documents = 0;
  let entries = 0;
  let collections = 0;
  try {
    await store.read(() => {
      const answer = store.integrityCheck('integrity_check');
      if (answer.join('\n') !== 'ok') answer.forEach((line) => report(`integrity_check: ${line}`));
      catalog.refresh();
      for (const collection of catalog.all()) {
        collections++;
        const expected = new Map(collection.indexes.map((i) => [i, 0]));
        let unreadable = 0;
        const rows = store.prepare(`SELECT rid, doc, sum FROM ${collection.table} ORDER BY rid`);
        for (const row of rows.iterate()) {
          const rid = row.rid as number;
          let doc;
          try {
            doc = tables.decode(collection, rid, row.doc as Uint8Array, row.sum as number);
          } catch (error) {
            report(error instanceof DatabaseCorruptError ? error.diagnosis : String(error));
            unreadable++;
            continue;
          }
          documents++;
          for (const index of collection.indexes) {
            let keys;
            try {
              keys = indexEntries(index.def, doc, index.partial)?.entries ?? [];
            } catch (error) {
              report(`${collection.name} rid ${rid}: ${(error as Error).message}`);
              continue;
            }
            expected.set(index, expected.get(index)! + keys.length);
            for (const { key } of keys) {
              const found = store
                .prepare(`SELECT 1 AS found FROM ${index.table} WHERE key = ? AND rid = ?`)
                .get(key, rid);
              if (!found)
                report(`${collection.name}: index ${index.def.name} lacks a key of rid ${rid}`);
            }
          }
        }
        for (const [index, count] of expected) {
          const stored = store.prepare(`SELECT count(*) AS n FROM ${index.table}`).get()!
            .n as number;
          entries += stored;
          // An unreadable document's keys are unknown: the count cannot be compared.
          if (stored !== count && unreadable === 0)
            report(
              `${collection.name}: index ${index.def.name} holds ${stored} entries, its documents have ${count}`,
            );
        }
      }
    });
  } catch (error) {
    if (!(error instanceof DatabaseCorruptError)) throw error;
    report(error.diagnosis);
  }
  if (extra > 0) problems.push(`… and ${extra} more`);
  return {
    ok: problems.length === 0,
    file: store.file,
    problems,
    collections,
    documents,
    indexEntries: entries,
  };
}

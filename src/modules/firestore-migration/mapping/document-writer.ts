import type { MigrationIssue, WriteResult } from '../engine/stages.js';
import type { SourceDoc } from '../firestore/value.js';
import type { Coerced } from './coerce.js';

export type Outcome = 'written' | 'unchanged' | 'skipped';

/** Writes a batch one source document at a time, counting what became of each. */
export async function writeEach(
  docs: readonly SourceDoc[],
  writeOne: (doc: SourceDoc, issues: MigrationIssue[]) => Promise<Outcome>,
): Promise<WriteResult> {
  const result: WriteResult = { written: 0, unchanged: 0, skipped: 0, issues: [] };
  for (const doc of docs) result[await writeOne(doc, result.issues)] += 1;
  return result;
}

/**
 * How a writer reads one source document: `report` an issue on it (its path, a code, a detail
 * naming fields and shapes, never a value), and `read` a field through a coercion rule, reporting
 * what the rule cannot read as `unclear_value` and answering undefined for it.
 */
export function readerFor(doc: SourceDoc, issues: MigrationIssue[]) {
  const report = (code: string, detail: string) => {
    issues.push({ path: doc.path, code, detail });
  };
  const read = <T>(field: string, coerced: Coerced<T>): T | undefined => {
    if (coerced.ok) return coerced.value;
    report('unclear_value', `${field}: ${coerced.problem}`);
    return undefined;
  };
  return { report, read };
}

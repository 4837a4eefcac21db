import type { StorageLogger } from '../../database.js';
import { storedForm } from '../documents.js';
import type { EngineContext } from '../engine-context.js';
import { ID_INDEX_NAME } from '../index-keys.js';
import { backUpLegacyFiles, hasLegacyFiles, readLegacyDirectory } from './legacy-journal.js';

interface ImportRecord {
  importedAt: string;
  documents: number;
  collections: number;
}

/**
 * On the first open of a directory the previous engine wrote (`snapshot.wmdb`, `journal-*.log`),
 * imports its state into the SQLite file in one transaction, so a developer's local data
 * survives the upgrade, then moves the old files into `journal-backup-<when>/` beside it. The
 * transaction makes the import happen once however many processes start together; a crash
 * before its commit imports again on the next start, one after it only finishes the move.
 */
export async function importLegacyDirectory(
  context: EngineContext,
  dir: string,
  logger: StorageLogger,
): Promise<void> {
  if (!(await hasLegacyFiles(dir))) return;
  const { store, catalog, tables } = context;
  let record = await store.read(() => catalog.meta('legacy_import') as string | undefined);
  if (!record) {
    const image = await readLegacyDirectory(dir, logger);
    record = await store.write(() => {
      const already = catalog.meta('legacy_import') as string | undefined;
      if (already) return already;
      catalog.refresh();
      for (const collection of image.collections) {
        const meta = catalog.ensureCollection(collection.name);
        for (const doc of collection.docs) {
          const form = storedForm(doc);
          tables.insert(meta, form.doc, form.bytes);
        }
        for (const def of collection.indexes) {
          if (def.name === ID_INDEX_NAME) continue;
          const index = catalog.addIndex(meta, def);
          if (index) tables.build(meta, index);
        }
      }
      const done: ImportRecord = {
        importedAt: new Date().toISOString(),
        documents: image.documents,
        collections: image.collections.length,
      };
      catalog.setMeta('legacy_import', JSON.stringify(done));
      logger.info(
        { file: store.file, documents: done.documents, collections: done.collections },
        'embedded database: imported the journal of the previous format',
      );
      return JSON.stringify(done);
    });
  }
  const { importedAt } = JSON.parse(record) as ImportRecord;
  const backup = await backUpLegacyFiles(
    dir,
    `journal-backup-${importedAt.replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}`,
  );
  logger.info(
    { backup },
    'embedded database: the old journal files are kept in the backup directory; delete it once you no longer need them',
  );
}

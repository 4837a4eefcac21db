import type { Database, Document } from '../../../platform/storage/database.js';
import type { FieldCipher } from '../../../privacy/crypto/field-cipher.js';
import type { ExtraReencryption } from '../../../privacy/rotation/rotate-keys.command.js';
import { LegacySealer } from '../codec/legacy-sealer.js';
import { STAGES } from './stages.js';

type LegacyHolder = Document & {
  _id: unknown;
  _legacy?: { sources?: Record<string, { path: string; sealed: unknown }> };
};

export interface ResealResult {
  scanned: number;
  resealed: number;
  failed: { collection: string; documentId: string; path: string; reason: string }[];
}

/**
 * `privacy rotate-keys`' share of the migration: every `_legacy` copy sealed under an older key
 * version is sealed again under the current one (the copies are bound to their document and
 * source path, so the field codecs' re-encryption does not know them). Each write is guarded by
 * the old ciphertext, so a copy the migration rewrote meanwhile is left to it. Safe to run again;
 * a copy that does not open is listed, never dropped.
 */
export async function resealLegacyCopies(options: {
  db: Database;
  sealer: LegacySealer;
  currentVersion: number;
  signal?: AbortSignal;
}): Promise<ResealResult> {
  const result: ResealResult = { scanned: 0, resealed: 0, failed: [] };
  for (const name of new Set(STAGES.flatMap((s) => s.targets))) {
    const collection = options.db.collection<LegacyHolder>(name);
    const docs = collection.find({ _legacy: { $exists: true } } as never, {
      projection: { '_legacy.sources': 1 },
    });
    for await (const doc of docs) {
      options.signal?.throwIfAborted();
      const id = String(doc._id);
      for (const [key, copy] of Object.entries(doc._legacy?.sources ?? {})) {
        result.scanned += 1;
        try {
          const resealed = await options.sealer.reseal(
            { collection: name, id },
            copy.path,
            copy.sealed,
            options.currentVersion,
          );
          if (!resealed) continue;
          const field = `_legacy.sources.${key}.sealed`;
          await collection.updateOne({ _id: doc._id, [field]: copy.sealed } as never, {
            $set: { [field]: resealed },
          });
          result.resealed += 1;
        } catch (error) {
          result.failed.push({
            collection: name,
            documentId: id,
            path: copy.path,
            reason: error instanceof Error ? error.name : 'failed',
          });
        }
      }
    }
  }
  return result;
}

/** The migration's copies as one of `privacy rotate-keys`' extra re-encryptions. */
export function legacyCopiesReencryption(db: Database, cipher: FieldCipher): ExtraReencryption {
  const sealer = new LegacySealer(cipher);
  return {
    name: 'Firestore migration copies (_legacy)',
    run: async (currentVersion, signal) => {
      const result = await resealLegacyCopies({ db, sealer, currentVersion, signal });
      return {
        scanned: result.scanned,
        reencrypted: result.resealed,
        failed: result.failed.map((f) => ({
          collection: f.collection,
          documentId: f.documentId,
          field: `_legacy:${f.path}`,
          reason: f.reason,
        })),
      };
    },
  };
}

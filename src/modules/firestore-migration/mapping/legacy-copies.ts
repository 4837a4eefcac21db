import type { LegacyCopy } from '../../../platform/storage/legacy-copy.js';
import { encodeFields } from '../codec/legacy-codec.js';
import { canonicalHash, type SourceDoc } from '../firestore/value.js';

/**
 * The mapping's version, stored with every legacy copy: a change of what the mapping writes
 * raises it, and the next run rewrites what an older version wrote.
 */
const MAPPING_VERSION = 1;

/** What a target document keeps of the source document it was made from. */
export function legacyCopyOf(doc: SourceDoc): LegacyCopy {
  return {
    path: doc.path,
    hash: canonicalHash(doc.fields),
    fields: encodeFields(doc.fields),
    ...(doc.updateTime
      ? {
          updateTime: new Date(
            Number(doc.updateTime.seconds) * 1000 + Math.floor(doc.updateTime.nanos / 1e6),
          ),
        }
      : {}),
    mappingVersion: MAPPING_VERSION,
  };
}

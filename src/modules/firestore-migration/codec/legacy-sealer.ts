import { Binary, BSON } from 'bson';
import type { LegacyCopy } from '../../../platform/storage/legacy-copy.js';
import { type FieldCipher, keyVersionOf } from '../../../privacy/crypto/field-cipher.js';
import { canonicalHash, type FsFields, type SourceDoc } from '../firestore/value.js';
import { decodeFields, encodeFields } from './legacy-codec.js';

/**
 * The mapping's version, stored with every legacy copy: a change of what the mapping writes
 * raises it, and the next run rewrites what an older version wrote.
 */
const MAPPING_VERSION = 1;

/** Where a copy sits: the target document it belongs to. */
export interface CopyTarget {
  collection: string;
  id: string;
}

const bindingOf = (target: CopyTarget, sourcePath: string) => ({
  collection: target.collection,
  field: `_legacy:${sourcePath}`,
  documentId: target.id,
});

/**
 * The `_legacy` copy of a source document, encrypted whole with the field cipher (AES-256-GCM or
 * ARIA, under the current data key): the old app's documents hold names, phone numbers, account
 * numbers and CIs, and the copy keeps them until cleanup, so it is never written in clear. Bound
 * to the target document and the source path, so a copy cannot be moved to another document or
 * passed off as another source. Inside: the lossless stored form of legacy-codec.ts, as BSON.
 */
export class LegacySealer {
  constructor(private readonly cipher: FieldCipher) {}

  async copyOf(doc: SourceDoc, target: CopyTarget): Promise<LegacyCopy> {
    const [copy] = await this.copiesOf(doc, [target]);
    return copy!;
  }

  /**
   * The copies of one source document for several targets (a worker's user document is kept by
   * its member and by its worker profile): encoded and hashed once, sealed once per target.
   */
  async copiesOf(doc: SourceDoc, targets: readonly CopyTarget[]): Promise<LegacyCopy[]> {
    const text = Buffer.from(BSON.serialize({ fields: encodeFields(doc.fields) })).toString(
      'base64',
    );
    const hash = canonicalHash(doc.fields);
    const updateTime = doc.updateTime
      ? new Date(Number(doc.updateTime.seconds) * 1000 + Math.floor(doc.updateTime.nanos / 1e6))
      : undefined;
    return Promise.all(
      targets.map(async (target) => ({
        path: doc.path,
        hash,
        sealed: new Binary(await this.cipher.encryptLoading(text, bindingOf(target, doc.path))),
        ...(updateTime ? { updateTime } : {}),
        mappingVersion: MAPPING_VERSION,
      })),
    );
  }

  /**
   * A stored copy sealed again under the current key version, or undefined when it already is
   * (key rotation: an old version can be retired only once nothing is sealed under it).
   */
  async reseal(
    target: CopyTarget,
    sourcePath: string,
    sealed: unknown,
    currentVersion: number,
  ): Promise<Binary | undefined> {
    const bytes = sealed instanceof Binary ? sealed.value() : (sealed as Uint8Array);
    if (keyVersionOf(bytes) === currentVersion) return undefined;
    const binding = bindingOf(target, sourcePath);
    const text = await this.cipher.decryptLoading(bytes, binding);
    return new Binary(await this.cipher.encryptLoading(text, binding));
  }

  /** The source values a stored copy holds (the verifier compares them with the source). */
  async open(target: CopyTarget, sourcePath: string, sealed: unknown): Promise<FsFields> {
    const bytes = sealed instanceof Binary ? sealed.value() : (sealed as Uint8Array);
    const text = await this.cipher.decryptLoading(bytes, bindingOf(target, sourcePath));
    return decodeFields(BSON.deserialize(Buffer.from(text, 'base64')).fields);
  }
}

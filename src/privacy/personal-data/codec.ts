import { Binary } from 'bson';
import { DomainError } from '../../platform/errors/domain.error.js';
import { BlindIndexInputError, type BlindIndexKind } from '../crypto/blind-index.js';
import { type FieldCipher, keyVersionOf } from '../crypto/field-cipher.js';
import { locatedNotes, mapNotes, notePathRoot, notesAt } from './note-paths.js';
import { lookupField, MASKINGS, type PersonalDataPolicy } from './policy.js';

/**
 * Computes blind indexes. Asynchronous because the index key comes from the key ring, which may
 * have to unwrap it again (KMS) when its time in memory is up.
 */
export interface BlindIndexer {
  compute(kind: BlindIndexKind, value: string): Promise<string> | string;
}

/** Values of a document type's personal fields; `null` clears a field. */
export type PersonalValues<F extends string> = { [K in F]?: string | null };

/** Personal fields as a service sees them: masked, except those it asked for in plaintext. */
export type OpenedValues<F extends string> = { [K in F]: string | undefined };

/** What `MASKINGS.note` makes of a note: never a note's real text. */
const MASKED_NOTE = /^\*\*\* \(\d+자\)$/;

/** The bytes of a stored ciphertext: the drivers hand BSON binary back as `Binary`. */
function bytesOf(value: unknown): Uint8Array | undefined {
  if (value instanceof Binary) return value.value();
  if (value instanceof Uint8Array) return value;
  return undefined;
}

/**
 * Applies a {@link PersonalDataPolicy} on the way into and out of the database: the one place
 * where personal fields are encrypted, indexed, decrypted and masked. Repositories call it; the
 * rest of the code sees either masked values or, where it asks by name, plaintext.
 */
export class PersonalDataCodec<F extends string> {
  private readonly names: readonly F[];
  private readonly notePaths: readonly string[];

  constructor(
    readonly policy: PersonalDataPolicy<F>,
    private readonly cipher: FieldCipher,
    private readonly index: BlindIndexer,
  ) {
    this.names = Object.keys(policy.fields) as F[];
    this.notePaths = Object.keys(policy.notes ?? {});
  }

  get collection(): string {
    return this.policy.collection;
  }

  /**
   * The stored form of `values` for document `id`: ciphertexts as BSON binary, plain fields as
   * they are, and each blind index as `<field>Lookup`. Usable as insert fields or a `$set`.
   * A value that cannot be indexed (not a phone number, say) is a 400 naming the field.
   */
  async seal(id: string, values: PersonalValues<F>): Promise<Record<string, unknown>> {
    const out: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(values) as [F, string | null | undefined][]) {
      const field = this.policy.fields[name];
      if (!field) throw new Error(`${this.collection}.${name} is not in the personal data policy`);
      if (value === undefined) continue;
      if (field.blindIndex) {
        out[lookupField(name)] = value === null ? null : await this.lookup(name, value);
      }
      if (value === null) out[name] = null;
      else if (field.storage === 'plain') out[name] = value;
      else {
        const binding = { collection: this.collection, field: name, documentId: id };
        out[name] = new Binary(await this.cipher.encryptLoading(value, binding));
      }
    }
    return out;
  }

  /** The blind index of `value` for an equality query on `<field>Lookup`. */
  async lookup(name: F, value: string): Promise<string> {
    const kind = this.policy.fields[name].blindIndex;
    if (!kind) throw new Error(`${this.collection}.${name} has no blind index`);
    try {
      return await this.index.compute(kind, value);
    } catch (error) {
      if (error instanceof BlindIndexInputError) {
        throw new DomainError('invalid', `invalid_${kind}`, `${name} is not a valid ${kind}.`, {
          errors: [{ path: name, message: error.message }],
        });
      }
      throw error;
    }
  }

  /**
   * The personal fields of a stored document: each masked by its rule, except those named in
   * `plaintext`. A ciphertext that does not decrypt rejects with `FieldDecryptionError` naming the
   * record and field; a key that cannot be loaded, with `KeyUnavailableError` (503).
   */
  async open(
    doc: Record<string, unknown>,
    id: string,
    options: { plaintext?: readonly F[] } = {},
  ): Promise<OpenedValues<F>> {
    const out = {} as OpenedValues<F>;
    const raw = new Set<F>(options.plaintext ?? []);
    for (const name of this.names) {
      const value = await this.plaintextOf(doc, id, name);
      out[name] =
        value === undefined || raw.has(name)
          ? value
          : MASKINGS[this.policy.fields[name].masking](value);
    }
    return out;
  }

  /** One field's plaintext (for a reader that needs only it, e.g. a birth date for an age). */
  async plaintext(doc: Record<string, unknown>, id: string, name: F): Promise<string | undefined> {
    return this.plaintextOf(doc, id, name);
  }

  private async plaintextOf(
    doc: Record<string, unknown>,
    id: string,
    name: F,
  ): Promise<string | undefined> {
    const stored = doc[name];
    if (stored === undefined || stored === null) return undefined;
    if (this.policy.fields[name].storage === 'plain') {
      return typeof stored === 'string' ? stored : undefined;
    }
    const binding = { collection: this.collection, field: name, documentId: id };
    // A string where a ciphertext belongs is not trusted as plaintext: the decryption error
    // names it like any other damaged value.
    return this.cipher.decryptLoading(bytesOf(stored) ?? new Uint8Array(0), binding);
  }

  /** The masked form of a value of `name`. */
  mask(name: F, value: string): string {
    return MASKINGS[this.policy.fields[name].masking](value);
  }

  /**
   * The stored form of a document or fragment (an insert, a `$set` value, a pushed element):
   * every note path's text in it encrypted, bound to the collection, the path and document `id`.
   * The rest is returned as it was.
   */
  async sealNotes<T>(id: string, fragment: T): Promise<T> {
    let out = fragment;
    for (const path of this.notePaths) {
      const binding = { collection: this.collection, field: path, documentId: id };
      out = await mapNotes(out, path, async (leaf) => {
        if (typeof leaf !== 'string') return leaf;
        if (MASKED_NOTE.test(leaf)) {
          // A masked read written back would replace the text for good: a bug, made loud.
          throw new Error(`${this.collection}.${path}: a masked note was about to be stored`);
        }
        return new Binary(await this.cipher.encryptLoading(leaf, binding));
      });
    }
    return out;
  }

  /**
   * A stored document (or part of one, in the document's shape) with every note decrypted:
   * masked (`***`, and how long it is), or as written when `plaintext` is true. A note that does
   * not decrypt rejects with `FieldDecryptionError`, like a field.
   */
  async openNotes<T>(
    id: string,
    stored: T,
    options: { plaintext?: boolean | readonly string[] } = {},
  ): Promise<T> {
    let out = stored;
    for (const path of this.notePaths) {
      const raw =
        options.plaintext === true ||
        (Array.isArray(options.plaintext) && options.plaintext.includes(path));
      const binding = { collection: this.collection, field: path, documentId: id };
      out = await mapNotes(out, path, async (leaf) => {
        const text = await this.cipher.decryptLoading(bytesOf(leaf) ?? new Uint8Array(0), binding);
        return raw ? text : MASKINGS.note(text);
      });
    }
    return out;
  }

  /**
   * Every note a stored document holds, decrypted, with where it is (`history[2].evidence`) and
   * its policy path: what an audited reveal hands out.
   */
  async revealNotes(
    id: string,
    stored: Record<string, unknown>,
  ): Promise<{ path: string; at: string; text: string }[]> {
    const out: { path: string; at: string; text: string }[] = [];
    for (const path of this.notePaths) {
      const binding = { collection: this.collection, field: path, documentId: id };
      for (const note of locatedNotes(stored, path)) {
        const text = await this.cipher.decryptLoading(
          bytesOf(note.value) ?? new Uint8Array(0),
          binding,
        );
        out.push({ path, at: note.at, text });
      }
    }
    return out;
  }

  /** The note paths of the policy (what `openNotes` may be asked to show in plaintext). */
  get notes(): readonly string[] {
    return this.notePaths;
  }

  /**
   * Destruction by anonymization: an `$unset` of every personal field and lookup and of notes at
   * the top level, and a `$set` of each container of nested notes (`history`) with its notes
   * removed, computed from the stored `doc`.
   */
  async destruction(
    doc: Record<string, unknown> = {},
  ): Promise<{ unset: Record<string, ''>; set: Record<string, unknown> }> {
    const unset: Record<string, ''> = {};
    const set: Record<string, unknown> = {};
    for (const name of this.names) {
      unset[name] = '';
      if (this.policy.fields[name].blindIndex) unset[lookupField(name)] = '';
    }
    for (const path of this.notePaths) {
      const root = notePathRoot(path);
      if (root === path) {
        unset[path] = '';
        continue;
      }
      if (doc[root] === undefined || doc[root] === null) continue;
      const container = root in set ? set : doc;
      const stripped = await mapNotes({ [root]: container[root] }, path, () =>
        Promise.resolve(undefined),
      );
      set[root] = stripped[root];
    }
    return { unset, set };
  }

  /** The personal fields and note paths a stored document still holds (what a destruction removes). */
  presentFields(doc: Record<string, unknown>): string[] {
    return [
      ...this.names.filter((name) => doc[name] !== undefined && doc[name] !== null),
      ...this.notePaths.filter((path) => notesAt(doc, path).length > 0),
    ];
  }

  /**
   * For key rotation: the encrypted fields of `doc` written under a key version other than
   * `current`, re-encrypted under it. A plain string in an encrypted field (written before the
   * field was encrypted) is encrypted and gets its lookup. `expected` holds the old stored values,
   * to be used as the update's filter so a concurrent change is never overwritten. Undefined when
   * every field is current.
   */
  async reseal(
    doc: Record<string, unknown>,
    id: string,
    current: number,
  ): Promise<{ set: Record<string, unknown>; expected: Record<string, unknown> } | undefined> {
    const set: Record<string, unknown> = {};
    const expected: Record<string, unknown> = {};
    for (const name of this.names) {
      if (this.policy.fields[name].storage !== 'encrypted') continue;
      const stored = doc[name];
      const binding = { collection: this.collection, field: name, documentId: id };
      if (typeof stored === 'string') {
        Object.assign(set, await this.seal(id, { [name]: stored } as PersonalValues<F>));
        expected[name] = stored;
        continue;
      }
      const bytes = bytesOf(stored);
      if (!bytes || keyVersionOf(bytes) === current) continue;
      const plaintext = await this.cipher.decryptLoading(bytes, binding);
      set[name] = new Binary(await this.cipher.encryptLoading(plaintext, binding));
      expected[name] = stored;
    }
    await this.resealNotes(doc, id, current, set, expected);
    return Object.keys(set).length ? { set, expected } : undefined;
  }

  /**
   * Notes written under an older key version, or as plain text before the path was declared a
   * note: the whole top-level container is set again with them re-encrypted, and its stored
   * value is the condition.
   */
  private async resealNotes(
    doc: Record<string, unknown>,
    id: string,
    current: number,
    set: Record<string, unknown>,
    expected: Record<string, unknown>,
  ): Promise<void> {
    for (const path of this.notePaths) {
      const root = notePathRoot(path);
      if (doc[root] === undefined || doc[root] === null) continue;
      const binding = { collection: this.collection, field: path, documentId: id };
      let changed = false;
      const source = root in set ? set : doc;
      const next = await mapNotes({ [root]: source[root] }, path, async (leaf) => {
        if (typeof leaf === 'string') {
          changed = true;
          return new Binary(await this.cipher.encryptLoading(leaf, binding));
        }
        const bytes = bytesOf(leaf);
        if (!bytes || keyVersionOf(bytes) === current) return leaf;
        changed = true;
        const plaintext = await this.cipher.decryptLoading(bytes, binding);
        return new Binary(await this.cipher.encryptLoading(plaintext, binding));
      });
      if (!changed) continue;
      set[root] = next[root];
      expected[root] = doc[root];
    }
  }
}

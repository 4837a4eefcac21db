import { DomainError } from '../../platform/errors/domain.error.js';

/** Where an encrypted value lives; also its additional authenticated data. */
export interface FieldBinding {
  collection: string;
  field: string;
  documentId: string;
}

export type FieldDecryptionReason =
  | 'malformed'
  | 'unsupported_format'
  | 'unknown_algorithm'
  | 'unknown_key_version'
  | 'authentication_failed';

/**
 * A stored ciphertext that does not decrypt: tampered, copied from another record or field
 * (binding), or written under a key version this key ring does not hold. A fault in our data, not
 * in the request: the request that met it gets a 500 `stored_value_unreadable` naming the record
 * and field (ids and names only, never the value), the error is logged, and the process goes on.
 */
export class FieldDecryptionError extends DomainError {
  readonly collection: string;
  readonly field: string;
  readonly documentId: string;

  constructor(
    binding: FieldBinding,
    readonly reason: FieldDecryptionReason,
    readonly keyVersion?: number,
  ) {
    const key = keyVersion === undefined ? '' : ` (key version ${keyVersion})`;
    super(
      'internal',
      'stored_value_unreadable',
      `cannot decrypt ${binding.collection}.${binding.field} of document ${binding.documentId}: ${reason}${key}`,
      {
        collection: binding.collection,
        field: binding.field,
        documentId: binding.documentId,
        reason,
      },
    );
    this.name = 'FieldDecryptionError';
    this.collection = binding.collection;
    this.field = binding.field;
    this.documentId = binding.documentId;
  }
}

/** A data key could not be unwrapped (KMS unreachable on a cold start): retry later, 503. */
export class KeyUnavailableError extends DomainError {
  constructor(detail: string) {
    super('unavailable', 'key_unavailable', `encryption keys are unavailable: ${detail}`, {}, 5);
  }
}

/**
 * What went wrong, in domain terms. Services throw these; one exception filter turns them into
 * RFC 9457 problem responses, so services never know about HTTP status codes.
 */
export type DomainErrorKind =
  | 'invalid'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'unprocessable'
  /** The body's media type or charset is not one the API reads (415). */
  | 'unsupported_media_type'
  | 'rate_limited'
  | 'unavailable'
  /** An upstream provider answered with something we cannot use (502). */
  | 'bad_gateway'
  /** An upstream provider did not answer in time (504). */
  | 'gateway_timeout'
  /** A fault in our own data or code that we can name (500, logged as an error). */
  | 'internal';

export interface FieldIssue {
  /** Where the value came from: `body`, `query`, `params`, `headers`. */
  in: string;
  /** Dotted path to the field inside that location; empty for the whole location. */
  field: string;
  message: string;
  /** zod's issue code (`invalid_type`, `unrecognized_keys`, …), or a refinement's own. */
  code: string;
  /** What a refinement found (e.g. the kind of personal data), never the value itself. */
  kind?: string;
}

export class DomainError extends Error {
  constructor(
    readonly kind: DomainErrorKind,
    /** Stable, snake_case, documented: clients branch on it. */
    readonly code: string,
    message: string,
    /** Extra members of the problem object (never personal data). */
    readonly extensions: Record<string, unknown> = {},
    /** Seconds a client should wait before retrying (429, 503). */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class ValidationError extends DomainError {
  constructor(readonly issues: FieldIssue[]) {
    super('invalid', 'validation_failed', 'The request has invalid or unknown fields.', {
      errors: issues,
    });
  }
}

export class NotFoundError extends DomainError {
  constructor(what: string, code = 'not_found') {
    super('not_found', code, `${what} was not found.`);
  }
}

export class ConflictError extends DomainError {
  constructor(code: string, message: string, extensions: Record<string, unknown> = {}) {
    super('conflict', code, message, extensions);
  }
}

export class ServiceUnavailableError extends DomainError {
  constructor(code: string, message: string, retryAfterSeconds = 5) {
    super('unavailable', code, message, {}, retryAfterSeconds);
  }
}

import { DomainError } from '../errors/domain.error.js';

/** The external services behind our ports (`clamav`: the clamd that scans uploaded files). */
export type ProviderName = 'nice' | 'danal' | 'popbill' | 'nts' | 'clamav';

/**
 * Why a provider call failed, in our stable terms. Every client maps what its provider does
 * (network errors, HTTP statuses, envelopes with error codes, tampered answers) onto these four,
 * so a route never answers 500 because a provider misbehaved and a client never leaks the
 * provider's raw text (which may echo what we sent) into a problem body.
 */
export abstract class ProviderError extends DomainError {
  abstract readonly outcome:
    'unavailable' | 'circuit_open' | 'timeout' | 'bad_response' | 'rejected';
  constructor(
    kind: 'unavailable' | 'bad_gateway' | 'gateway_timeout',
    code: string,
    readonly provider: ProviderName,
    message: string,
    /** The provider's own error code, verbatim (no free text: codes are not personal data). */
    readonly providerCode?: string,
    retryAfterSeconds?: number,
  ) {
    super(
      kind,
      code,
      message,
      providerCode === undefined ? { provider } : { provider, providerCode },
      retryAfterSeconds,
    );
  }
}

/** Could not reach the provider (connection refused, reset, DNS) or it answered 5xx: 503. */
export class ProviderUnavailableError extends ProviderError {
  readonly outcome = 'unavailable';
  constructor(provider: ProviderName, providerCode?: string) {
    super(
      'unavailable',
      'provider_unavailable',
      provider,
      `${provider} is unavailable; try again shortly.`,
      providerCode,
      5,
    );
  }
}

/** The circuit for the provider is open: recent calls failed, so we do not call it now (503). */
export class ProviderCircuitOpenError extends ProviderError {
  readonly outcome = 'circuit_open';
  constructor(provider: ProviderName, retryAfterSeconds: number) {
    super(
      'unavailable',
      'provider_unavailable',
      provider,
      `${provider} is failing; calls to it are paused.`,
      undefined,
      retryAfterSeconds,
    );
  }
}

/** The provider did not answer within the call's timeout (504). */
export class ProviderTimeoutError extends ProviderError {
  readonly outcome = 'timeout';
  constructor(provider: ProviderName) {
    super('gateway_timeout', 'provider_timeout', provider, `${provider} did not answer in time.`);
  }
}

/**
 * The answer could not be used: malformed, the wrong shape, or failing its integrity check (an
 * HMAC or an integrity value that does not match). Never retried: the same request would get
 * the same answer, and a tampered one must not be tried until it passes (502).
 */
export class ProviderBadResponseError extends ProviderError {
  readonly outcome = 'bad_response';
  constructor(
    provider: ProviderName,
    /** What was wrong, for our logs; never the answer's content. */
    readonly reason: string,
  ) {
    super(
      'bad_gateway',
      'provider_bad_response',
      provider,
      `${provider} sent an answer we cannot use.`,
    );
  }
}

/**
 * The provider refused the call itself (credentials, IP allow-list, points, quota, a request it
 * calls malformed): our configuration or our request is at fault, not the person's data (502).
 * A provider's business answer (a mismatch, an unknown account) is not an error.
 */
export class ProviderRejectedError extends ProviderError {
  readonly outcome = 'rejected';
  constructor(provider: ProviderName, providerCode: string) {
    super(
      'bad_gateway',
      'provider_error',
      provider,
      `${provider} refused the call (code ${providerCode}).`,
      providerCode,
    );
  }
}

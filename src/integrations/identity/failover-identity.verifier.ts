import {
  ProviderCircuitOpenError,
  ProviderTimeoutError,
  ProviderUnavailableError,
} from '../../platform/providers/provider-errors.js';
import type { ProviderGateway } from '../../platform/providers/provider-gateway.js';
import type {
  IdentityProvider,
  IdentityVerificationCallback,
  IdentityVerificationSession,
  IdentityVerificationStart,
  IdentityVerifier,
  VerifiedIdentity,
} from '../../modules/workers/ports/identity-verifier.port.js';

export interface IdentityProviderEntry {
  provider: IdentityProvider;
  verifier: IdentityVerifier;
  /** The provider's gateway: its circuit decides whether new verifications go elsewhere. */
  gateway: ProviderGateway;
}

/**
 * The bound {@link IdentityVerifier}: starts with the preferred provider (the caller's, else the
 * configured order) and, while that one is failing (its circuit open, or this start timed out or
 * could not reach it), with the next; the session says which provider it is. A refusal (our
 * credentials, a malformed answer) is not failed over: the next provider would not make it
 * right, and hiding it would hide a configuration fault. Confirm goes to the session's provider.
 */
export class FailoverIdentityVerifier implements IdentityVerifier {
  constructor(private readonly entries: readonly IdentityProviderEntry[]) {
    if (entries.length === 0) throw new Error('FailoverIdentityVerifier needs a provider');
  }

  async start(request: IdentityVerificationStart): Promise<IdentityVerificationSession> {
    const preferred = this.entries.filter((e) => e.provider === request.provider);
    const order = [...preferred, ...this.entries.filter((e) => e.provider !== request.provider)];
    let failure: unknown;
    for (const entry of order) {
      // An open circuit answers at once with ProviderCircuitOpenError; asking is as cheap as
      // looking, and a half-open circuit then lets its trial call through.
      try {
        return await entry.verifier.start({ ...request, provider: entry.provider });
      } catch (error) {
        if (!failsOver(error)) throw error;
        failure = error;
      }
    }
    throw failure;
  }

  confirm(callback: IdentityVerificationCallback): Promise<VerifiedIdentity> {
    const entry = this.entries.find((e) => e.provider === callback.provider);
    if (!entry) {
      // A session of a provider no longer configured: the same as a provider that is down.
      return Promise.reject(new ProviderUnavailableError(callback.provider));
    }
    return entry.verifier.confirm(callback);
  }

  /** Per provider, for health: the circuit and the counts. */
  health() {
    return this.entries.map((e) => e.gateway.health());
  }
}

function failsOver(error: unknown): boolean {
  return (
    error instanceof ProviderCircuitOpenError ||
    error instanceof ProviderTimeoutError ||
    error instanceof ProviderUnavailableError
  );
}

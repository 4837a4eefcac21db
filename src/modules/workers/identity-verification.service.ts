import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Inject, Injectable, Optional } from '@nestjs/common';
import { APP_CONFIG } from '../../config/config.module.js';
import type { AppConfig } from '../../config/config.js';
import type { Principal } from '../../platform/auth/principal.js';
import {
  ConflictError,
  DomainError,
  ServiceUnavailableError,
} from '../../platform/errors/domain.error.js';
import {
  IDENTITY_VERIFIER,
  IdentityVerificationFailed,
  type IdentityVerifier,
  type VerifiedIdentity,
} from './ports/identity-verifier.port.js';
import { afterLegalNameChange, birthDateProblem, normalizeName } from './worker-rules.js';
import {
  type ConfirmIdentity,
  type IdentitySessionResponse,
  mapWorkerProfile,
  type StartIdentity,
  type WorkerProfile,
} from './workers.dto.js';
import { WorkersRepository } from './workers.repository.js';
import { withRetry, workerNotFound, workerOf } from './workers.service.js';
import { ConcurrentModificationError } from '../../platform/storage/errors.js';

/** The state segment of a callback URL: 32 random bytes, base64url. */
const STATE = /^[A-Za-z0-9_-]{43}$/;

const hashState = (state: string) => createHash('sha256').update(state).digest('base64url');

const sessionUnknown = () =>
  new ConflictError(
    'identity_session_unknown',
    'No identity verification is waiting with this transaction (or it expired).',
  );

/**
 * 본인인증 through the `IdentityVerifier` port (NICE or Danal): the worker starts a session (the
 * provider's form for the browser), the provider sends the browser back, and the worker's app
 * confirms with what came back. 503 `verifier_unavailable` while no verifier is configured.
 *
 * A confirmed verification is the source of truth: the legal name, birth date and phone become
 * the provider's, the CI is held as its unique blind index (another worker holding it: 409
 * `identity_already_used`), and the payout account's holder match follows the legal-name rule
 * of `WorkersService`.
 */
@Injectable()
export class IdentityVerificationService {
  constructor(
    private readonly workers: WorkersRepository,
    @Optional()
    @Inject(IDENTITY_VERIFIER)
    private readonly verifier?: IdentityVerifier,
    @Optional()
    @Inject(APP_CONFIG)
    private readonly config?: Pick<AppConfig, 'identity'>,
  ) {}

  async start(
    principal: Principal,
    body: StartIdentity,
    now = new Date(),
  ): Promise<IdentitySessionResponse> {
    const verifier = this.requireVerifier();
    const id = workerOf(principal);
    const origins = this.config?.identity.returnOrigins;
    if (origins && !origins.includes(new URL(body.returnUrl).origin)) {
      // The callback redirects the browser there: only to the app, never an open redirect.
      throw new DomainError(
        'invalid',
        'return_url_not_allowed',
        "returnUrl must be one of the app's pages (IDENTITY_RETURN_ORIGINS).",
      );
    }
    const existing = await this.workers.getById(id);
    if (!existing) throw workerNotFound();
    // NICE takes at most 30 characters of request number.
    const requestId = randomUUID().replaceAll('-', '').slice(0, 30);
    // With the callback route, the provider returns the browser to us with an unguessable state
    // in the path (kept only as its hash), and we send it on to the app with the result.
    const callbackUrl = this.config?.identity.callbackUrl;
    const state = callbackUrl ? randomBytes(32).toString('base64url') : undefined;
    const session = await verifier.start({
      ...(body.provider ? { provider: body.provider } : {}),
      requestId,
      returnUrl: state ? `${callbackUrl}/${state}` : body.returnUrl,
    });
    await withRetry(async () => {
      const current = await this.workers.getById(id);
      if (!current) throw workerNotFound();
      const identitySession = {
        provider: session.provider,
        transactionId: session.transactionId,
        requestId,
        expiresAt: session.expiresAt,
        ...(state ? { stateHash: hashState(state), appReturnUrl: body.returnUrl } : {}),
      };
      // The secret is key material: it goes through the codec (encrypted), never beside the
      // session in clear; a verifier without one clears an earlier session's.
      await this.workers.update(
        id,
        current.version,
        { identitySession, personal: { identitySessionSecret: session.secret ?? null } },
        now,
      );
    });
    return {
      provider: session.provider,
      transactionId: session.transactionId,
      form: session.form,
      expiresAt: session.expiresAt.toISOString(),
    };
  }

  async confirm(
    principal: Principal,
    body: ConfirmIdentity,
    now = new Date(),
  ): Promise<WorkerProfile> {
    const verifier = this.requireVerifier();
    const id = workerOf(principal);
    const existing = await this.workers.getById(id, { plaintext: ['identitySessionSecret'] });
    if (!existing) throw workerNotFound();
    const session = existing.identitySession;
    if (
      !session ||
      session.provider !== body.provider ||
      session.transactionId !== body.transactionId ||
      session.expiresAt <= now
    ) {
      throw new ConflictError(
        'identity_session_unknown',
        'No identity verification of yours is waiting with this transaction (or it expired).',
      );
    }
    let identity: VerifiedIdentity;
    try {
      identity = await verifier.confirm({
        provider: body.provider,
        transactionId: body.transactionId,
        fields: body.fields,
        ...(existing.identitySessionSecret ? { secret: existing.identitySessionSecret } : {}),
      });
    } catch (error) {
      if (error instanceof IdentityVerificationFailed) {
        throw new DomainError(
          'unprocessable',
          'identity_verification_failed',
          `The provider did not verify the identity (code ${error.providerCode}).`,
          { provider: error.provider, providerCode: error.providerCode },
        );
      }
      throw error;
    }
    return mapWorkerProfile(await this.apply(id, identity, now));
  }

  /**
   * The provider's return through the browser (the public callback route): the state finds the
   * session, which is taken off the profile before the provider's answer is read, so a replayed
   * callback finds nothing. Answers where to send the browser: the app's URL with `result`
   * `verified` or a stable error code, never more. An unknown state has no app to go back to:
   * 409 `identity_session_unknown`.
   */
  async callback(
    state: string,
    fields: Record<string, string>,
    now = new Date(),
  ): Promise<{ location: string }> {
    const verifier = this.requireVerifier();
    if (!STATE.test(state)) throw sessionUnknown();
    const worker = await this.workers.getByIdentityState(hashState(state), {
      plaintext: ['identitySessionSecret'],
    });
    const session = worker?.identitySession;
    if (!worker || !session?.appReturnUrl) throw sessionUnknown();
    try {
      await this.workers.update(
        worker.id,
        worker.version,
        { identitySession: null, personal: { identitySessionSecret: null } },
        now,
      );
    } catch (error) {
      // Another request changed the profile first (a concurrent replay took the session).
      if (error instanceof ConcurrentModificationError) throw sessionUnknown();
      throw error;
    }
    const back = (result: string) => {
      const url = new URL(session.appReturnUrl!);
      url.searchParams.set('result', result);
      return { location: url.toString() };
    };
    if (session.expiresAt <= now) return back('identity_session_expired');
    try {
      const identity = await verifier.confirm({
        provider: session.provider,
        transactionId: session.transactionId,
        fields,
        ...(worker.identitySessionSecret ? { secret: worker.identitySessionSecret } : {}),
      });
      await this.apply(worker.id, identity, now);
      return back('verified');
    } catch (error) {
      if (error instanceof IdentityVerificationFailed) return back('identity_verification_failed');
      if (error instanceof DomainError) return back(error.code);
      throw error;
    }
  }

  /** Applies a provider's verified identity to the worker's profile. */
  async apply(id: string, identity: VerifiedIdentity, now: Date) {
    if (birthDateProblem(identity.birthDate, now)) {
      throw new DomainError(
        'unprocessable',
        'identity_result_invalid',
        'The provider answered a birth date that cannot be right; try again or ask an operator.',
      );
    }
    if (await this.workers.ciHeldByAnother(identity.ci, id)) {
      throw new ConflictError(
        'identity_already_used',
        'This person already holds a worker account (the same CI is verified on another one).',
      );
    }
    return withRetry(async () => {
      const existing = await this.workers.getById(id, {
        plaintext: ['legalName', 'accountHolderName'],
      });
      if (!existing) throw workerNotFound();
      const nameChanged = normalizeName(existing.legalName ?? '') !== normalizeName(identity.name);
      const saved = await this.workers.update(
        id,
        existing.version,
        {
          personal: {
            legalName: identity.name,
            birthDate: identity.birthDate,
            phone: identity.phone,
            identitySessionSecret: null,
          },
          ci: identity.ci,
          identity: {
            provider: identity.provider,
            verifiedAt: now,
            evidence: `${identity.provider} reference ${identity.reference}`,
          },
          identitySession: null,
          ...(nameChanged && existing.bankAccount
            ? { bankAccount: afterLegalNameChange(existing.bankAccount, identity.name) }
            : {}),
          event: {
            subject: 'identity',
            action: 'verify',
            by: identity.provider,
            byRole: 'provider',
            at: now,
            evidence: `${identity.provider} reference ${identity.reference}`,
          },
        },
        now,
      );
      if (!saved) throw workerNotFound();
      return saved;
    });
  }

  private requireVerifier(): IdentityVerifier {
    if (!this.verifier) {
      throw new ServiceUnavailableError(
        'verifier_unavailable',
        'Identity verification is not available; an operator can verify identity on evidence.',
      );
    }
    return this.verifier;
  }
}

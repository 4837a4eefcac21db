import { FilesService } from '../files/files.service.js';
import { Inject, Injectable, Optional } from '@nestjs/common';
import { InjectConfig } from '../../config/config.module.js';
import type { AppConfig } from '../../config/config.js';
import { DAY_MS } from '../../platform/time/kst.js';
import type { Principal } from '../../platform/auth/principal.js';
import {
  ConflictError,
  DomainError,
  NotFoundError,
  ServiceUnavailableError,
} from '../../platform/errors/domain.error.js';
import { ConcurrentModificationError } from '../../platform/storage/errors.js';
import { retryOnConflict } from '../../platform/storage/optimistic.js';
import type { WorkerFacts } from './worker-facts.js';
import {
  BANK_ACCOUNT_VERIFIER,
  type BankAccountVerifier,
} from './ports/bank-account-verifier.port.js';
import {
  afterLegalNameChange,
  birthDateProblem,
  holderMatches,
  normalizeName,
} from './worker-rules.js';
import {
  type AddQualification,
  mapWorkerProfile,
  type PutBankAccount,
  type PutProfile,
  type WorkerProfile,
} from './workers.dto.js';
import {
  type NoShow,
  type Worker,
  type WorkerPatch,
  WorkersRepository,
} from './workers.repository.js';

/** The read-modify-write of a profile, again when another write moved its version. */
export async function withRetry<R>(attempt: () => Promise<R>, attempts = 4): Promise<R> {
  try {
    return await retryOnConflict(attempt, { attempts });
  } catch (error) {
    if (error instanceof ConcurrentModificationError) {
      throw new ConflictError('worker_changed', 'The worker profile changed meanwhile; try again.');
    }
    throw error;
  }
}

export function invalidBirthDate(problem: string): DomainError {
  return new DomainError('invalid', 'invalid_birth_date', problem, {
    errors: [{ in: 'body', field: 'birthDate', message: problem, code: 'invalid_birth_date' }],
  });
}

/** The caller's worker id; 403 `workers_only` for members who are not workers. */
export function workerOf(principal: Principal): string {
  if (!principal.groups.includes('worker')) {
    throw new DomainError(
      'forbidden',
      'workers_only',
      'Only worker members have a worker profile.',
    );
  }
  return principal.sub;
}

export const workerNotFound = (): NotFoundError =>
  new NotFoundError('The worker profile', 'worker_not_found');

/**
 * Worker profiles: what a worker does with their own (profile, payout account, declared
 * qualifications) and what other modules ask of them (eligibility facts, no-shows).
 *
 * The rule of the legal name (documented for workers in the API): once identity verification
 * stands, the legal name and birth date are the verified ones. A worker may still change them,
 * but doing so ends the verification (revoked by `self`, in the history), since what was verified
 * is no longer what the profile says; and a legal-name change sets the payout account's
 * `holderMatchesLegalName` to false when the account was verified (the bank or an operator
 * matched the old name; it must be matched again), or recomputes it against the holder name
 * given when the account is unverified. Names compare by `normalizeName` (spacing, `.`, `-`
 * and case do not count), so a spacing fix is no change.
 */
@Injectable()
export class WorkersService {
  constructor(
    private readonly workers: WorkersRepository,
    @Optional()
    @Inject(BANK_ACCOUNT_VERIFIER)
    private readonly bankVerifier?: BankAccountVerifier,
    @Optional()
    @InjectConfig()
    config?: AppConfig,
    @Optional() private readonly files?: FilesService,
  ) {
    this.bankCheckTtlMs = (config?.providers.bankCheckTtlDays ?? 30) * DAY_MS;
  }

  /** How long a bank check of an account holds before the bank is asked again. */
  private readonly bankCheckTtlMs: number;

  // --- the worker's own profile --------------------------------------------------------------

  async putProfile(
    principal: Principal,
    body: PutProfile,
    now = new Date(),
  ): Promise<WorkerProfile> {
    const id = this.workerOf(principal);
    const problem = birthDateProblem(body.birthDate, now);
    if (problem) throw invalidBirthDate(problem);
    const personal = { legalName: body.legalName, birthDate: body.birthDate, phone: body.phone };
    const saved = await withRetry(async () => {
      const existing = await this.workers.getById(id, {
        plaintext: ['legalName', 'birthDate', 'accountHolderName'],
        // A self-revocation keeps the identity's evidence, written back as it was.
        notes: true,
      });
      if (!existing) return this.workers.create(id, { personal }, now);
      this.assertNotWithdrawn(existing);
      const patch: WorkerPatch = { personal };
      const nameChanged = normalizeName(existing.legalName ?? '') !== normalizeName(body.legalName);
      const birthChanged = existing.birthDate !== body.birthDate;
      const identity = existing.identity;
      if ((nameChanged || birthChanged) && identity && identity.revokedAt === undefined) {
        const what = nameChanged ? 'legal name' : 'birth date';
        patch.identity = {
          ...identity,
          revokedAt: now,
          revokedBy: 'self',
          revokeReason: `${what} changed by the worker`,
        };
        patch.event = {
          subject: 'identity',
          action: 'revoke',
          by: 'self',
          byRole: 'worker',
          at: now,
          evidence: `The worker changed the verified ${what}.`,
        };
      }
      if (nameChanged && existing.bankAccount) {
        patch.bankAccount = afterLegalNameChange(existing.bankAccount, body.legalName);
      }
      return this.update(existing, patch, now);
    });
    return mapWorkerProfile(saved);
  }

  async getMe(principal: Principal): Promise<WorkerProfile> {
    return mapWorkerProfile(await this.requireWorker(this.workerOf(principal)));
  }

  /**
   * Registers (or replaces) the payout account, and asks the bank at once who holds it when a
   * verifier is configured (예금주 조회 on registration and on change). The bank's answer is on
   * this answer; when the bank could not be asked, the account stays unverified, with no check
   * recorded, and the verify route asks again.
   */
  async putBankAccount(
    principal: Principal,
    body: PutBankAccount,
    now = new Date(),
  ): Promise<WorkerProfile> {
    const id = this.workerOf(principal);
    const number = body.number.replace(/\D/g, '');
    const saved = await withRetry(async () => {
      const existing = await this.requireWorker(id, ['legalName']);
      this.assertNotWithdrawn(existing);
      return this.update(
        existing,
        {
          personal: { accountNumber: number, accountHolderName: body.holderName },
          bankAccount: {
            bankCode: body.bankCode,
            registeredAt: now,
            holderMatchesLegalName: holderMatches(body.holderName, existing.legalName),
          },
        },
        now,
      );
    });
    if (this.bankVerifier) {
      try {
        return await this.verifyBankAccount(principal, now);
      } catch (error) {
        // The registration stands; only the check failed (a provider fault, or the account was
        // changed again meanwhile): the worker or the app asks again through the verify route.
        if (!(error instanceof DomainError) || error.kind === 'internal') throw error;
      }
    }
    return mapWorkerProfile(saved);
  }

  /**
   * Asks the bank (Popbill 예금주 조회) who holds the account. Found: verified, the holder name
   * replaced by the bank's, and `holderMatchesLegalName` computed against the legal name. Not
   * found: unverified, with the bank's answer kept in `lastCheck`. 503 `verifier_unavailable`
   * while no verifier is configured.
   */
  async verifyBankAccount(principal: Principal, now = new Date()): Promise<WorkerProfile> {
    const id = this.workerOf(principal);
    const verifier = this.bankVerifier;
    if (!verifier) {
      throw new ServiceUnavailableError(
        'verifier_unavailable',
        'Bank account verification is not available; an operator can verify the account.',
      );
    }
    const existing = await this.requireWorker(id, ['legalName', 'accountNumber']);
    this.assertNotWithdrawn(existing);
    const account = existing.bankAccount;
    if (!account?.number) {
      throw new ConflictError('no_bank_account', 'Register a bank account before verifying it.');
    }
    // Each lookup costs money: an account the bank answered for within the TTL keeps that answer
    // (a new account clears `lastCheck`, so it is asked about at once). A provider error leaves
    // no `lastCheck`, so the worker may try again right away.
    if (account.lastCheck && now.getTime() - account.lastCheck.at.getTime() < this.bankCheckTtlMs) {
      // Read again without the plaintext fields the check needed: the answer shows them masked.
      return mapWorkerProfile(await this.requireWorker(id));
    }
    const check = await verifier.check({
      bankCode: account.bankCode,
      accountNumber: account.number,
    });
    const { number: _n, holderName: _h, ...state } = account;
    const lastCheck = {
      result: check.result,
      resultMessage: check.resultMessage,
      at: check.checkedAt,
    };
    const patch: WorkerPatch = check.found
      ? {
          personal: check.holderName ? { accountHolderName: check.holderName } : {},
          bankAccount: {
            ...withoutVerification(state),
            verifiedAt: now,
            method: verifier.method,
            holderMatchesLegalName: holderMatches(check.holderName, existing.legalName),
            lastCheck,
          },
          event: {
            subject: 'bankAccount',
            action: 'verify',
            by: verifier.method,
            byRole: 'provider',
            at: now,
            evidence: `${verifier.method} account check: result ${check.result}`,
          },
        }
      : {
          bankAccount: { ...withoutVerification(state), holderMatchesLegalName: false, lastCheck },
        };
    // No retry: a conflict means the account may have changed, and the check was of the old one.
    const saved = await withRetry(() => this.update(existing, patch, now), 1);
    return mapWorkerProfile(saved);
  }

  /** Declares a qualification (replacing one of the same code): unverified until an operator checks. */
  async addQualification(
    principal: Principal,
    body: AddQualification,
    now = new Date(),
  ): Promise<WorkerProfile> {
    const id = this.workerOf(principal);
    if (body.certificateFileId) {
      // Only the worker's own certificate, checked and ready (404 for anyone else's file).
      if (!this.files) throw new Error('the files module is not wired');
      await this.files.requireReadyOwnFile(
        id,
        body.certificateFileId,
        body.code === 'health-certificate' ? 'health_certificate' : 'qualification_certificate',
      );
    }
    const saved = await withRetry(async () => {
      const existing = await this.requireWorker(id);
      this.assertNotWithdrawn(existing);
      const others = existing.qualifications.filter((q) => q.code !== body.code);
      const declared = {
        code: body.code,
        ...(body.expiresAt ? { expiresAt: body.expiresAt } : {}),
        addedBy: 'self',
        addedAt: now,
        ...(body.certificateFileId ? { certificateFileId: body.certificateFileId } : {}),
      };
      return this.update(existing, { qualifications: [...others, declared] }, now);
    });
    return mapWorkerProfile(saved);
  }

  async removeQualification(
    principal: Principal,
    code: string,
    now = new Date(),
  ): Promise<WorkerProfile> {
    const id = this.workerOf(principal);
    const saved = await withRetry(async () => {
      const existing = await this.requireWorker(id);
      if (!existing.qualifications.some((q) => q.code === code)) {
        throw new NotFoundError('The qualification', 'qualification_not_found');
      }
      const kept = existing.qualifications.filter((q) => q.code !== code);
      return this.update(existing, { qualifications: kept }, now);
    });
    return mapWorkerProfile(saved);
  }

  // --- for other modules ---------------------------------------------------------------------

  /**
   * What the eligibility engine needs of each worker found, by id (unknown ids are absent): one
   * query per 1,000 ids; only the birth date is decrypted. Only verified qualifications count.
   */
  eligibilityFacts(workerIds: readonly string[]): Promise<Map<string, WorkerFacts>> {
    return this.workers.getFacts(workerIds);
  }

  /** Records a no-show; the same assignment again changes nothing. 404 `worker_not_found`. */
  async recordNoShow(workerId: string, noShow: NoShow, now = new Date()): Promise<void> {
    if (!(await this.workers.addNoShow(workerId, noShow, now))) throw workerNotFound();
  }

  /** 404 `worker_not_found` unless the worker has a profile. */
  async require(workerId: string): Promise<void> {
    if (!(await this.workers.exists(workerId))) throw workerNotFound();
  }

  /** The member withdrew: the profile is kept for the retention period from `withdrawnAt`. */
  async markWithdrawn(workerId: string, now = new Date()): Promise<void> {
    await withRetry(async () => {
      const existing = await this.workers.getById(workerId);
      if (!existing || existing.status === 'withdrawn') return;
      await this.update(existing, { status: 'withdrawn', withdrawnAt: now }, now);
    });
  }

  // --- helpers -------------------------------------------------------------------------------

  private workerOf(principal: Principal): string {
    if (!principal.groups.includes('worker')) {
      throw new DomainError(
        'forbidden',
        'workers_only',
        'Only worker members have a worker profile.',
      );
    }
    return principal.sub;
  }

  private async requireWorker(
    id: string,
    plaintext: readonly ('legalName' | 'accountNumber')[] = [],
  ): Promise<Worker> {
    const worker = await this.workers.getById(id, { plaintext });
    if (!worker) throw workerNotFound();
    return worker;
  }

  private assertNotWithdrawn(worker: Worker): void {
    if (worker.status === 'withdrawn') {
      throw new ConflictError('worker_withdrawn', 'This worker has withdrawn.');
    }
  }

  private async update(existing: Worker, patch: WorkerPatch, now: Date): Promise<Worker> {
    const saved = await this.workers.update(existing.id, existing.version, patch, now);
    if (!saved) throw workerNotFound();
    return saved;
  }
}

/** The account state without a verification (a new check decides it again). */
function withoutVerification<
  T extends {
    verifiedAt?: Date;
    method?: unknown;
    verifiedBy?: string;
    holderMismatchOverride?: unknown;
  },
>(state: T): Omit<T, 'verifiedAt' | 'method' | 'verifiedBy' | 'holderMismatchOverride'> {
  const { verifiedAt: _v, method: _m, verifiedBy: _b, holderMismatchOverride: _o, ...rest } = state;
  return rest;
}

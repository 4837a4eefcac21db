import { AuditLog } from '../../platform/audit/audit-log.js';
import { reviewKeySince } from '../../platform/storage/review-key.js';
import { toKstIso } from '../../platform/time/kst.js';
import { Injectable } from '@nestjs/common';
import { ConflictError, DomainError, NotFoundError } from '../../platform/errors/domain.error.js';
import { NOTES } from '../../privacy/reveal.js';
import type { StaffActor } from '../../privacy/staff-actor.decorator.js';
import { StaffAccess } from '../../privacy/staff-access.service.js';
import { birthDateProblem, holderMatches } from './worker-rules.js';
import {
  mapStaffWorkerView,
  type StaffWorkerView,
  type WorkerReveal,
  type WorkerReviewPage,
  type WorkerReviewQueueQuery,
} from './workers.dto.js';
import { WORKER_PERSONAL_DATA, type WorkerPersonalField } from './workers.policy.js';
import type {
  BankAccountDecision,
  IdentityDecision,
  QualificationDecision,
  StatusDecision,
  WorkerRevealRequest,
} from './workers.schemas.js';
import {
  type VerificationEvent,
  type ReadOptions,
  type Worker,
  type WorkerPatch,
  WorkersRepository,
} from './workers.repository.js';
import { invalidBirthDate, withRetry, workerNotFound } from './workers.service.js';

/** The personal fields a staff view shows (masked), for the access record. */
function shownFields(worker: Worker): WorkerPersonalField[] {
  const shown: WorkerPersonalField[] = [];
  if (worker.legalName !== undefined) shown.push('legalName');
  if (worker.birthDate !== undefined) shown.push('birthDate');
  if (worker.phone !== undefined) shown.push('phone');
  if (worker.bankAccount?.number !== undefined) shown.push('accountNumber');
  if (worker.bankAccount?.holderName !== undefined) shown.push('accountHolderName');
  return shown;
}

/**
 * What operators do with worker profiles: read them (masked) and decide verifications by hand
 * on evidence — identity, payout account, qualifications — and the worker's status. This is the
 * permanent manual path (paper documents, a provider's console), not a stand-in for the providers.
 *
 * Every decision is kept twice: in the worker's verification history (who, when, on what
 * evidence) and as an access record (접속기록, action `update`). The access record is written
 * first: when it cannot be, nothing changes.
 */
@Injectable()
export class StaffWorkersService {
  constructor(
    private readonly workers: WorkersRepository,
    private readonly access: StaffAccess,
    private readonly audit: AuditLog,
  ) {}

  /**
   * One page of a review queue (what waits for an operator's decision), oldest first, masked. The
   * access record names every worker listed, before anything is returned.
   */
  async reviewQueue(actor: StaffActor, query: WorkerReviewQueueQuery): Promise<WorkerReviewPage> {
    // One more than the page: whether another page follows.
    const found = await this.workers.reviewQueue(query.kind, query.after, query.limit + 1);
    const rows = found.slice(0, query.limit);
    if (rows.length > 0) {
      await this.access.record(actor, {
        action: 'read',
        policy: WORKER_PERSONAL_DATA,
        subjects: rows.map((row) => row.worker.id),
        fields: ['legalName'],
      });
    }
    return {
      items: rows.map(({ key, worker }) => {
        const account = worker.bankAccount;
        return {
          workerId: worker.id,
          since: toKstIso(reviewKeySince(key)),
          legalName: worker.legalName ?? null,
          status: worker.status,
          bankAccount: account
            ? {
                bankCode: account.bankCode,
                registeredAt: toKstIso(account.registeredAt),
                holderMatchesLegalName: account.holderMatchesLegalName,
                lastCheck: account.lastCheck
                  ? { ...account.lastCheck, at: toKstIso(account.lastCheck.at) }
                  : null,
              }
            : null,
          qualifications: worker.qualifications
            .filter((q) => q.verifiedAt === undefined && q.revokedAt === undefined)
            .map((q) => ({
              code: q.code,
              addedAt: toKstIso(q.addedAt),
              certificateFileId: q.certificateFileId ?? null,
            })),
        };
      }),
      next: found.length > query.limit ? rows.at(-1)!.key : null,
    };
  }

  async get(actor: StaffActor, id: string): Promise<StaffWorkerView> {
    const worker = await this.require(id);
    await this.access.record(actor, {
      action: 'read',
      policy: WORKER_PERSONAL_DATA,
      subjects: [id],
      fields: shownFields(worker),
    });
    return mapStaffWorkerView(worker);
  }

  /**
   * Raw values and notes, for a stated reason; the access record (action `reveal`, the fields and
   * note locations, the reason) is written before anything is read.
   */
  async reveal(actor: StaffActor, id: string, request: WorkerRevealRequest): Promise<WorkerReveal> {
    this.access.assertMayReveal(actor, WORKER_PERSONAL_DATA);
    await this.require(id);
    if (await this.workers.isDestroyed(id)) {
      throw new DomainError(
        'conflict',
        'personal_data_destroyed',
        "This worker's personal data was destroyed after the retention period.",
      );
    }
    const fields = [...new Set(request.fields)].filter((f) => f !== NOTES) as WorkerPersonalField[];
    const withNotes = request.fields.includes(NOTES);
    await this.access.record(actor, {
      action: 'reveal',
      policy: WORKER_PERSONAL_DATA,
      subjects: [id],
      fields: [...fields, ...(withNotes ? Object.keys(WORKER_PERSONAL_DATA.notes ?? {}) : [])],
      reason: request.reason,
    });
    const worker = await this.require(id, { plaintext: fields });
    const out: WorkerReveal = { id };
    for (const field of fields) out[field as keyof WorkerReveal] = valueOf(worker, field) as never;
    if (withNotes) {
      out.notes = ((await this.workers.notesOf(id)) ?? []).map(({ at, text }) => ({ at, text }));
    }
    return out;
  }

  /**
   * Verify: identity verified by `manual` on the evidence, with the CI when the operator has one
   * (a CI another worker holds is a 409 `identity_already_used`) and the birth date when the
   * document shows one. Revoke: the verification ends and the CI is freed (a wrong verification
   * must not keep blocking the real person).
   */
  async decideIdentity(
    actor: StaffActor,
    id: string,
    decision: IdentityDecision,
    now = new Date(),
  ): Promise<StaffWorkerView> {
    if (decision.action === 'verify' && decision.birthDate) {
      const problem = birthDateProblem(decision.birthDate, now);
      if (problem) throw invalidBirthDate(problem);
    }
    const fields: WorkerPersonalField[] =
      decision.action === 'verify'
        ? [
            ...(decision.ci ? (['ci'] as const) : []),
            ...(decision.birthDate ? (['birthDate'] as const) : []),
          ]
        : ['ci'];
    return this.decide(actor, id, fields, decision.evidence, now, async (worker, event) => {
      if (decision.action === 'revoke') {
        if (!worker.identity || worker.identity.revokedAt !== undefined) {
          throw new ConflictError(
            'identity_not_verified',
            "The worker's identity is not verified.",
          );
        }
        return {
          ci: null,
          identity: {
            ...worker.identity,
            revokedAt: now,
            revokedBy: actor.id,
            revokeReason: decision.evidence,
          },
          event: event('identity', 'revoke'),
        };
      }
      if (decision.ci && (await this.workers.ciHeldByAnother(decision.ci, id))) {
        throw new ConflictError(
          'identity_already_used',
          'This person already holds a worker account (the same CI is verified on another one).',
        );
      }
      return {
        ...(decision.ci ? { ci: decision.ci } : {}),
        ...(decision.birthDate ? { personal: { birthDate: decision.birthDate } } : {}),
        identity: {
          provider: 'manual',
          verifiedAt: now,
          by: actor.id,
          evidence: decision.evidence,
        },
        event: event('identity', 'verify'),
      };
    });
  }

  /** Verify: by `manual`, with the operator's finding on the holder name. Revoke: unverified. */
  async decideBankAccount(
    actor: StaffActor,
    id: string,
    decision: BankAccountDecision,
    now = new Date(),
  ): Promise<StaffWorkerView> {
    const override = decision.action === 'verify' && decision.overrideHolderMismatch === true;
    return this.decide(
      actor,
      id,
      [
        'accountNumber',
        'accountHolderName',
        ...(override ? ['legalName' as const, 'bankAccount.holderMismatchOverride'] : []),
      ],
      decision.evidence,
      now,
      (worker, event) => {
        const account = worker.bankAccount;
        if (!account) throw new ConflictError('no_bank_account', 'The worker has no bank account.');
        const {
          number: _n,
          holderName: _h,
          verifiedAt: _v,
          method: _m,
          verifiedBy: _b,
          holderMismatchOverride: _o,
          revokedAt: _r,
          revokedBy: _rb,
          ...state
        } = account;
        if (decision.action === 'revoke') {
          // Revoke a verified account, or refuse one still waiting; either takes it off the
          // review queue until the worker registers another.
          if (account.verifiedAt === undefined && account.revokedAt !== undefined) {
            throw new ConflictError(
              'bank_account_not_verified',
              'The bank account is not verified, and it was refused already.',
            );
          }
          return {
            bankAccount: {
              ...state,
              holderMatchesLegalName: false,
              revokedAt: now,
              revokedBy: actor.id,
            },
            event: event('bankAccount', 'revoke'),
          };
        }
        const claimed = decision.holderMatchesLegalName ?? false;
        // The operator's finding may not silently contradict the system's own comparison.
        const mismatched = claimed && !holderMatches(account.holderName, worker.legalName);
        if (mismatched && !override) {
          throw new ConflictError(
            'holder_mismatch_override_required',
            "The account holder's name differs from the worker's legal name by the system's " +
              'comparison; to verify it anyway, send overrideHolderMismatch: true with overrideReason.',
          );
        }
        return {
          bankAccount: {
            ...state,
            verifiedAt: now,
            method: 'manual',
            verifiedBy: actor.id,
            holderMatchesLegalName: claimed,
            ...(mismatched
              ? {
                  holderMismatchOverride: {
                    by: actor.id,
                    at: now,
                    reason: decision.overrideReason ?? '',
                  },
                }
              : {}),
          },
          event: { ...event('bankAccount', 'verify'), ...(mismatched ? { override: true } : {}) },
        };
      },
      {
        plaintext: ['legalName', 'accountHolderName'],
        ...(override ? { accessReason: 'override of the holder name mismatch' } : {}),
      },
    );
  }

  /**
   * Verify: the qualification (added if the worker had not declared it) counts, with the expiry
   * on the document. Revoke: it stays declared but no longer counts.
   */
  async decideQualification(
    actor: StaffActor,
    id: string,
    code: string,
    decision: QualificationDecision,
    now = new Date(),
  ): Promise<StaffWorkerView> {
    return this.decide(actor, id, [], decision.evidence, now, (worker, event) => {
      const current = worker.qualifications.find((q) => q.code === code);
      const others = worker.qualifications.filter((q) => q.code !== code);
      if (decision.action === 'revoke') {
        // Revoke a verified one, or refuse one still waiting: it stays declared, counts for
        // nothing, and waits no more.
        if (!current || (current.verifiedAt === undefined && current.revokedAt !== undefined)) {
          throw new NotFoundError('A verified or waiting qualification', 'qualification_not_found');
        }
        const { verifiedAt: _v, verifiedBy: _b, ...declared } = current;
        return {
          qualifications: [...others, { ...declared, revokedAt: now, revokedBy: actor.id }],
          event: event('qualification', 'revoke', code),
        };
      }
      const expiresAt = decision.expiresAt ?? current?.expiresAt;
      return {
        qualifications: [
          ...others,
          {
            code,
            ...(expiresAt ? { expiresAt } : {}),
            verifiedAt: now,
            verifiedBy: actor.id,
            addedBy: current?.addedBy ?? actor.id,
            addedAt: current?.addedAt ?? now,
            // The certificate it was verified on stays its evidence.
            ...(current?.certificateFileId ? { certificateFileId: current.certificateFileId } : {}),
          },
        ],
        event: event('qualification', 'verify', code),
      };
    });
  }

  async decideStatus(
    actor: StaffActor,
    id: string,
    decision: StatusDecision,
    now = new Date(),
  ): Promise<StaffWorkerView> {
    return this.decide(actor, id, [], decision.reason, now, (worker, event) => {
      if (worker.status === 'withdrawn') {
        throw new ConflictError('worker_withdrawn', 'This worker has withdrawn.');
      }
      return {
        status: decision.status,
        statusReason: decision.reason,
        event: event('status', decision.status === 'active' ? 'activate' : 'suspend'),
      };
    });
  }

  /**
   * One manual decision: the worker must exist (404 first, without a record), the change is
   * computed (409s before any record), the access record is written, then the change, guarded by
   * the profile's version (computed again on a lost race).
   */
  private async decide(
    actor: StaffActor,
    id: string,
    fields: (WorkerPersonalField | string)[],
    evidence: string,
    now: Date,
    change: (
      worker: Worker,
      event: (
        subject: VerificationEvent['subject'],
        action: VerificationEvent['action'],
        code?: string,
      ) => VerificationEvent,
    ) => WorkerPatch | Promise<WorkerPatch>,
    options: { plaintext?: WorkerPersonalField[]; accessReason?: string } = {},
  ): Promise<StaffWorkerView> {
    let recorded = false;
    let made: VerificationEvent[] = [];
    const saved = await withRetry(async () => {
      // A revocation keeps the identity's evidence: notes are read as written to be written back.
      const worker = await this.require(id, { notes: true, plaintext: options.plaintext ?? [] });
      made = [];
      const patch = await change(worker, (subject, action, code) => {
        const event: VerificationEvent = {
          subject,
          action,
          ...(code ? { code } : {}),
          by: actor.id,
          byRole: actor.role,
          at: now,
          evidence,
        };
        made.push(event);
        return event;
      });
      if (!recorded) {
        await this.access.record(actor, {
          action: 'update',
          policy: WORKER_PERSONAL_DATA,
          subjects: [id],
          fields: [...new Set([...fields, ...shownFields(worker)])],
          ...(options.accessReason ? { reason: options.accessReason } : {}),
        });
        recorded = true;
      }
      const updated = await this.workers.update(id, worker.version, patch, now);
      if (!updated) throw workerNotFound();
      return updated;
    });
    // Who changed what (the audit category; evidence is free text, so only its length goes).
    for (const event of made) {
      await this.audit.record(
        {
          action: `worker.${kebab(event.subject)}.${event.action}`,
          actor: { type: 'staff', id: actor.id, role: actor.role },
          subject: { type: 'worker', id },
          outcome: event.action,
          details: {
            ...(event.code ? { qualification: event.code } : {}),
            ...(event.override ? { override: true } : {}),
            evidenceLength: event.evidence.length,
          },
          ...(actor.requestId ? { requestId: actor.requestId } : {}),
        },
        now,
      );
    }
    return mapStaffWorkerView(saved);
  }

  private async require(id: string, options: ReadOptions = {}): Promise<Worker> {
    const worker = await this.workers.getById(id, options);
    if (!worker) throw workerNotFound();
    return worker;
  }
}

function valueOf(worker: Worker, field: WorkerPersonalField): string | null {
  switch (field) {
    case 'accountNumber':
      return worker.bankAccount?.number ?? null;
    case 'accountHolderName':
      return worker.bankAccount?.holderName ?? null;
    case 'legalName':
    case 'birthDate':
    case 'phone':
      return worker[field] ?? null;
    default:
      return null;
  }
}

/** `bankAccount` → `bank-account`, for audit action names. */
function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

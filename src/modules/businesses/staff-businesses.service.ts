import { AuditLog } from '../../platform/audit/audit-log.js';
import { reviewKeySince } from '../../platform/storage/review-key.js';
import { toKstIso } from '../../platform/time/kst.js';
import { Inject, Injectable, Optional } from '@nestjs/common';
import {
  ConflictError,
  DomainError,
  ServiceUnavailableError,
} from '../../platform/errors/domain.error.js';
import { NOTES } from '../../privacy/reveal.js';
import type { StaffActor } from '../../privacy/staff-actor.decorator.js';
import { StaffAccess } from '../../privacy/staff-access.service.js';
import { BUSINESS_REGISTRY, type BusinessRegistry } from './business-registry.port.js';
import {
  mapStaffBusiness,
  type NtsCheck,
  type StaffBusinessView,
  type BusinessReveal,
  type BusinessReviewPage,
  type BusinessReviewQueueQuery,
  type BusinessSearchResult,
} from './businesses.dto.js';
import { BUSINESS_PERSONAL_DATA, type BusinessPersonalField } from './businesses.policy.js';
import type {
  BusinessRevealRequest,
  BusinessSearch,
  VerificationDecision,
} from './businesses.schemas.js';
import { requireBusinessNumber } from './business-rules.js';
import {
  type Business,
  type BusinessPatch,
  BusinessesRepository,
  type NtsState,
  type VerificationEvent,
} from './businesses.repository.js';
import { businessNotFound, shownFields, withRetry } from './businesses.service.js';
import { closedAtFor, ntsState } from './nts-state.js';

/**
 * What operators do with businesses: read them with their history, verify or revoke the
 * registration by hand on evidence (사업자등록증, the NTS website), and check the NTS register
 * through the {@link BusinessRegistry} port. The manual path is permanent (paper documents, a
 * register that is down), not a stand-in for the NTS client.
 *
 * Each decision is kept twice: in the business's verification history (who, when, on what
 * evidence) and as an access record (접속기록, action `update`), written first: when it cannot
 * be, nothing changes.
 */
@Injectable()
export class StaffBusinessesService {
  constructor(
    private readonly businesses: BusinessesRepository,
    private readonly access: StaffAccess,
    private readonly audit: AuditLog,
    @Optional()
    @Inject(BUSINESS_REGISTRY)
    private readonly registry?: BusinessRegistry,
  ) {}

  /**
   * One page of the review queue (registrations no one has decided), oldest first, masked; the
   * access record names every business listed, before anything is returned.
   */
  async reviewQueue(
    actor: StaffActor,
    query: BusinessReviewQueueQuery,
  ): Promise<BusinessReviewPage> {
    // One more than the page: whether another page follows.
    const found = await this.businesses.reviewQueue(query.after, query.limit + 1);
    const rows = found.slice(0, query.limit);
    if (rows.length > 0) {
      await this.access.record(actor, {
        action: 'read',
        policy: BUSINESS_PERSONAL_DATA,
        subjects: rows.map((row) => row.business.id),
        fields: ['businessNumber', 'representativeName'],
      });
    }
    return {
      items: rows.map(({ key, business }) => ({
        businessId: business.id,
        since: toKstIso(reviewKeySince(key)),
        name: business.name,
        businessNumber: business.businessNumber ?? null,
        representativeName: business.representativeName ?? null,
        openingDate: business.openingDate,
        registrationCertificateFileId: business.registrationCertificateFileId ?? null,
        ntsStatus: business.nts
          ? {
              status: business.nts.status,
              taxType: business.nts.taxType,
              checkedAt: toKstIso(business.nts.checkedAt),
            }
          : null,
      })),
      next: found.length > query.limit ? rows.at(-1)!.key : null,
    };
  }

  /**
   * The business holding a registration number, masked: none, or one (the number is unique).
   * The number is checked first (400 `invalid_business_number`, the value not echoed); a business
   * found is recorded as read before it is returned.
   */
  async search(actor: StaffActor, query: BusinessSearch): Promise<BusinessSearchResult> {
    const business = await this.businesses.findByBusinessNumber(
      requireBusinessNumber(query.businessNumber),
    );
    if (!business) return { items: [] };
    await this.access.record(actor, {
      action: 'read',
      policy: BUSINESS_PERSONAL_DATA,
      subjects: [business.id],
      fields: shownFields(business),
    });
    return { items: [mapStaffBusiness(business)] };
  }

  async get(actor: StaffActor, id: string): Promise<StaffBusinessView> {
    const business = await this.require(id);
    await this.access.record(actor, {
      action: 'read',
      policy: BUSINESS_PERSONAL_DATA,
      subjects: [id],
      fields: shownFields(business),
    });
    return mapStaffBusiness(business);
  }

  /**
   * Verify: the registration counts as verified (method `manual`), with the NTS status the
   * operator read, when given. Revoke: no longer verified, or a registration still waiting is
   * refused (409 `business_not_verified` when it was refused already); an NTS status given with
   * it is stored too (a business found closed).
   */
  async decideVerification(
    actor: StaffActor,
    id: string,
    decision: VerificationDecision,
    now = new Date(),
  ): Promise<StaffBusinessView> {
    return this.decide(actor, id, [], now, (business) => {
      // Revoke a verification, or refuse a registration no one has decided yet; a registration
      // refused already has nothing left to revoke.
      if (decision.action === 'revoke' && business.verification?.verified === false) {
        throw new ConflictError(
          'business_not_verified',
          'The business is not verified, and it was refused already.',
        );
      }
      if (decision.action === 'verify' && !decision.ntsStatus && !business.nts) {
        // Verified without a status the business would still fail business_not_active, and
        // nothing would tell the operator why its shifts find no one.
        throw new DomainError(
          'unprocessable',
          'nts_status_required',
          'No NTS status is known for this business: give ntsStatus (홈택스 사업자상태 조회) ' +
            'with the verification, or run the NTS check first.',
          {
            errors: [
              {
                in: 'body',
                field: 'ntsStatus',
                message: 'Required while the business has no NTS status.',
                code: 'nts_status_required',
              },
            ],
          },
        );
      }
      const nts: NtsState | undefined = decision.ntsStatus && {
        ...decision.ntsStatus,
        checkedAt: now,
        source: 'manual',
      };
      return {
        verification: {
          verified: decision.action === 'verify',
          method: 'manual',
          by: actor.id,
          at: now,
          evidence: decision.evidence,
        },
        ...(nts ? { nts, closedAt: closedAtFor(business, nts, now) } : {}),
        event: {
          action: decision.action,
          method: 'manual',
          by: actor.id,
          byRole: actor.role,
          at: now,
          evidence: decision.evidence,
          reason: decision.reason,
          ...(decision.ntsStatus ? { ntsStatus: decision.ntsStatus } : {}),
        },
      };
    });
  }

  /**
   * Asks the NTS register (503 `registry_unavailable` when no registry is configured, or it
   * could not be asked) and stores the status with the time. A number the register does not
   * know is 422 `not_registered_at_nts`, and nothing changes. With `validate`, the authenticity
   * check runs too: a match verifies (method `nts`); a mismatch ends a verification made by the
   * NTS check (an operator's manual one stands: they saw documents).
   */
  async checkNts(
    actor: StaffActor,
    id: string,
    body: NtsCheck,
    now = new Date(),
  ): Promise<StaffBusinessView> {
    const registry = this.registry;
    if (!registry) {
      throw new ServiceUnavailableError(
        'registry_unavailable',
        'The NTS business register is not configured; verify by hand on evidence.',
      );
    }
    const sent: BusinessPersonalField[] = body.validate
      ? ['businessNumber', 'representativeName']
      : ['businessNumber'];
    const asked = await this.businesses.getById(id, { plaintext: sent });
    if (!asked) throw businessNotFound();
    if (!asked.businessNumber) {
      throw new ConflictError(
        'business_number_destroyed',
        'This business’s registration number was destroyed at the end of its retention period.',
      );
    }
    const number = asked.businessNumber;
    const representativeName = asked.representativeName ?? '';
    await this.access.record(actor, {
      action: 'update',
      policy: BUSINESS_PERSONAL_DATA,
      subjects: [id],
      fields: [...new Set([...sent, ...shownFields(asked)])],
    });
    const status = await this.ask(() => registry.lookup(number));
    if (!status) {
      throw new DomainError(
        'unprocessable',
        'not_registered_at_nts',
        'The NTS register does not know this business registration number.',
      );
    }
    const authenticity = body.validate
      ? await this.ask(() =>
          registry.validate({
            businessNumber: number,
            representativeName,
            openingDate: asked.openingDate,
          }),
        )
      : undefined;
    let made: VerificationEvent | undefined;
    const saved = await withRetry(async () => {
      const business = await this.require(id);
      const nts = ntsState(status, now);
      const patch: BusinessPatch = { nts, closedAt: closedAtFor(business, nts, now) };
      const event = (action: VerificationEvent['action'], evidence: string): VerificationEvent => ({
        action,
        method: 'nts',
        by: actor.id,
        byRole: actor.role,
        at: now,
        evidence,
        ntsStatus: { status: status.status, taxType: status.taxType },
      });
      if (authenticity?.result === 'valid') {
        const evidence = 'NTS 진위확인: 일치 (valid 01)';
        patch.verification = { verified: true, method: 'nts', by: actor.id, at: now, evidence };
        patch.event = event('verify', evidence);
      } else if (authenticity?.result === 'invalid') {
        const evidence = `NTS 진위확인: 불일치 (valid 02${authenticity.message ? `, ${authenticity.message}` : ''})`;
        const ntsVerified =
          business.verification?.verified === true && business.verification.method === 'nts';
        if (ntsVerified) {
          patch.verification = { verified: false, method: 'nts', by: actor.id, at: now, evidence };
        }
        patch.event = event(ntsVerified ? 'revoke' : 'nts-check', evidence);
      } else {
        patch.event = event('nts-check', `NTS 상태조회: ${status.status}, ${status.taxType}`);
      }
      const updated = await this.businesses.update(id, business.version, patch, now);
      if (!updated) throw businessNotFound();
      made = patch.event;
      return updated;
    });
    await this.audited(actor, id, made);
    return mapStaffBusiness(saved);
  }

  private async ask<R>(call: () => Promise<R>): Promise<R> {
    try {
      return await call();
    } catch {
      // The client's own logs say why; the answer names no number.
      throw new ServiceUnavailableError(
        'registry_unavailable',
        'The NTS business register could not be asked; try again later or verify by hand.',
      );
    }
  }

  private async decide(
    actor: StaffActor,
    id: string,
    fields: BusinessPersonalField[],
    now: Date,
    change: (business: Business) => BusinessPatch,
  ): Promise<StaffBusinessView> {
    let recorded = false;
    let made: VerificationEvent | undefined;
    const saved = await withRetry(async () => {
      const business = await this.require(id);
      const patch = change(business);
      made = patch.event;
      if (!recorded) {
        await this.access.record(actor, {
          action: 'update',
          policy: BUSINESS_PERSONAL_DATA,
          subjects: [id],
          fields: [...new Set([...fields, ...shownFields(business)])],
        });
        recorded = true;
      }
      const updated = await this.businesses.update(id, business.version, patch, now);
      if (!updated) throw businessNotFound();
      return updated;
    });
    await this.audited(actor, id, made);
    return mapStaffBusiness(saved);
  }

  /** Who changed what (the audit category): the decision, never its free-text evidence. */
  private async audited(actor: StaffActor, id: string, event: VerificationEvent | undefined) {
    // At the event's own time: the decision's clock.
    if (!event) return;
    await this.audit.record(
      {
        action: `business.verification.${event.action}`,
        actor: { type: 'staff', id: actor.id, role: actor.role },
        subject: { type: 'business', id },
        outcome: event.action,
        details: {
          method: event.method,
          ...(event.ntsStatus ? { ntsStatus: event.ntsStatus.status } : {}),
          evidenceLength: event.evidence.length,
        },
        ...(actor.requestId ? { requestId: actor.requestId } : {}),
      },
      event.at,
    );
  }

  /**
   * Raw values and notes, for a stated reason; the access record (action `reveal`, the fields and
   * note paths, the reason) is written before anything is read.
   */
  async reveal(
    actor: StaffActor,
    id: string,
    request: BusinessRevealRequest,
  ): Promise<BusinessReveal> {
    this.access.assertMayReveal(actor, BUSINESS_PERSONAL_DATA);
    await this.require(id);
    if (await this.businesses.isDestroyed(id)) {
      throw new DomainError(
        'conflict',
        'personal_data_destroyed',
        "This business's personal data was destroyed after the retention period.",
      );
    }
    const fields = [...new Set(request.fields)].filter(
      (f): f is BusinessPersonalField => f !== NOTES,
    );
    const withNotes = request.fields.includes(NOTES);
    await this.access.record(actor, {
      action: 'reveal',
      policy: BUSINESS_PERSONAL_DATA,
      subjects: [id],
      fields: [...fields, ...(withNotes ? Object.keys(BUSINESS_PERSONAL_DATA.notes ?? {}) : [])],
      reason: request.reason,
    });
    const business = await this.businesses.getById(id, { plaintext: fields });
    if (!business) throw businessNotFound();
    const out: BusinessReveal = { id };
    for (const field of fields) out[field] = business[field] ?? null;
    if (withNotes) {
      out.notes = ((await this.businesses.notesOf(id)) ?? []).map(({ at, text }) => ({ at, text }));
    }
    return out;
  }

  private async require(id: string): Promise<Business> {
    const business = await this.businesses.getById(id);
    if (!business) throw businessNotFound();
    return business;
  }
}

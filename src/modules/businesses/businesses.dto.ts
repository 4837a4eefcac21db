import { z } from 'zod';
import {
  CalendarDate,
  MemberId,
  ObjectIdText,
  PersonName,
  reviewQueueCursor,
} from '../../platform/http/fields.js';
import { zodDto } from '../../platform/http/zod-dto.js';
import { freeText } from '../../privacy/free-text.js';
import { RevealedNote } from '../../privacy/reveal.js';
import {
  BusinessNumber,
  BusinessRevealRequest,
  BusinessSearch,
  NtsStatusName,
  VerificationDecision,
} from './businesses.schemas.js';
import type { Business } from './businesses.repository.js';

const BusinessName = freeText({ max: 100, holds: 'public' }).meta({
  example: '행복베이커리 강남점',
});
/** Shape only; the service checks it is a real date, not in the future (KST). */
const OpeningDate = CalendarDate.meta({ example: '2019-03-02' });
const Address = freeText({ max: 300, holds: 'public' }).meta({
  example: '서울특별시 강남구 테헤란로 152',
});
const Iso = z.iso.datetime();

export const RegisterBusiness = z
  .object({
    businessNumber: BusinessNumber,
    name: BusinessName,
    representativeName: PersonName,
    openingDate: OpeningDate,
    address: Address.optional(),
  })
  .strict();
export type RegisterBusiness = z.infer<typeof RegisterBusiness>;
export class RegisterBusinessDto extends zodDto(RegisterBusiness, {
  example: () => ({
    businessNumber: '124-81-00998',
    name: '행복베이커리 강남점',
    representativeName: '박서준',
    openingDate: '2019-03-02',
    address: '서울특별시 강남구 테헤란로 152',
  }),
}) {}

export const EditBusiness = z
  .object({
    name: BusinessName.optional(),
    address: Address.nullable().optional().meta({ description: 'null removes it' }),
    registrationCertificateFileId: ObjectIdText.nullable()
      .optional()
      .meta({
        description:
          'My uploaded, ready business_registration file (POST /files), the certificate operators ' +
          'verify against; null removes it',
      }),
    version: z.number().int().min(0).optional().meta({
      description: 'The version read; a business changed since is 409 business_changed',
    }),
  })
  .strict()
  .refine(
    (v) =>
      v.name !== undefined ||
      v.address !== undefined ||
      v.registrationCertificateFileId !== undefined,
    { message: 'Give name, address or registrationCertificateFileId.' },
  );
export type EditBusiness = z.infer<typeof EditBusiness>;
export class EditBusinessDto extends zodDto(EditBusiness, {
  example: () => ({
    name: '행복베이커리 역삼점',
    address: '서울특별시 강남구 역삼로 180',
    version: 3,
  }),
}) {}

export const AddStaff = z.object({ memberId: MemberId }).strict();
export type AddStaff = z.infer<typeof AddStaff>;
export class AddStaffDto extends zodDto(AddStaff, {
  example: () => ({ memberId: '5f0c6b1e-8a2d-4c3b-9e7f-1a2b3c4d5e6f' }),
}) {}

export const BlockWorker = z
  .object({
    reason: freeText({ max: 500, multiline: true, holds: 'personal' }).meta({
      description: 'Why (kept encrypted: it is about a person)',
    }),
  })
  .strict();
export type BlockWorker = z.infer<typeof BlockWorker>;
export class BlockWorkerDto extends zodDto(BlockWorker, {
  example: () => ({ reason: '지난 근무에서 무단 이탈이 두 번 있었습니다.' }),
}) {}

export class VerificationDecisionDto extends zodDto(VerificationDecision, {
  example: () => ({
    action: 'verify',
    evidence: '사업자등록증 사본 확인, ticket 1234',
    ntsStatus: { status: 'active', taxType: '부가가치세 일반과세자' },
    reason: '가입 심사',
  }),
}) {}

export const NtsCheck = z
  .object({
    validate: z
      .boolean()
      .default(false)
      .meta({
        description:
          'Also run the authenticity check (진위확인: number, representative, opening date); a ' +
          'match verifies the business (method nts), a mismatch revokes an NTS verification',
      }),
  })
  .strict();
export type NtsCheck = z.infer<typeof NtsCheck>;
export class NtsCheckDto extends zodDto(NtsCheck, {
  example: () => ({ validate: true }),
}) {}

const BusinessParams = z.object({ id: ObjectIdText });
export class BusinessParamsDto extends zodDto(BusinessParams) {}
const BlockedWorkerParams = z.object({ id: ObjectIdText, workerId: MemberId });
export class BlockedWorkerParamsDto extends zodDto(BlockedWorkerParams) {}

export const BusinessView = z
  .object({
    id: z.string(),
    businessNumber: z.string().nullable().meta({ description: 'Masked: 124-81-*****' }),
    representativeName: z.string().nullable().meta({ description: 'Masked: 홍*동' }),
    name: z.string(),
    openingDate: z.string(),
    address: z.string().nullable(),
    registrationCertificateFileId: z.string().nullable().meta({
      description:
        'The registration certificate (GET /files/:id; operators GET /operator/files/:id)',
    }),
    ntsStatus: z
      .object({
        status: NtsStatusName,
        taxType: z.string(),
        checkedAt: Iso,
        source: z.enum(['nts', 'manual']),
        closedOn: z.string().nullable(),
      })
      .nullable(),
    readiness: z
      .object({
        canPostEligibleShifts: z.boolean(),
        missing: z.array(z.enum(['business_not_verified', 'business_not_active'])),
      })
      .meta({
        description:
          'Whether workers can be found eligible for its shifts, and the eligibility rules it ' +
          'fails until then (a verified registration, an active NTS status)',
      }),
    verification: z.object({
      verified: z.boolean(),
      method: z.enum(['nts', 'manual']).nullable(),
      at: Iso.nullable(),
    }),
    staff: z.array(
      z.object({ memberId: z.string(), role: z.enum(['owner', 'manager']), addedAt: Iso }),
    ),
    blockedWorkers: z.array(
      z.object({ workerId: z.string(), reason: z.string(), by: z.string(), at: Iso }),
    ),
    createdAt: Iso,
    updatedAt: Iso,
    version: z.number().int(),
  })
  .meta({ id: 'Business' });
export type BusinessView = z.infer<typeof BusinessView>;

export const BusinessList = z.object({ items: z.array(BusinessView) }).meta({ id: 'BusinessList' });
export type BusinessList = z.infer<typeof BusinessList>;

export const StaffBusinessView = BusinessView.extend({
  verification: z.object({
    verified: z.boolean(),
    method: z.enum(['nts', 'manual']).nullable(),
    at: Iso.nullable(),
    by: z.string().nullable(),
    evidence: z.string().nullable(),
  }),
  history: z.array(
    z.object({
      action: z.enum(['verify', 'revoke', 'nts-check']),
      method: z.enum(['nts', 'manual']),
      by: z.string(),
      at: Iso,
      evidence: z.string(),
      reason: z.string().nullable(),
      ntsStatus: z.object({ status: NtsStatusName, taxType: z.string() }).nullable(),
    }),
  ),
}).meta({ id: 'StaffBusiness' });
export type StaffBusinessView = z.infer<typeof StaffBusinessView>;

export class BusinessSearchDto extends zodDto(BusinessSearch, {
  example: () => ({ businessNumber: '124-81-00998' }),
}) {}

export const BusinessSearchResult = z
  .object({
    items: z
      .array(StaffBusinessView)
      .meta({ description: 'The business holding the number, or none (one number, one business)' }),
  })
  .meta({ id: 'BusinessSearchResult' });
export type BusinessSearchResult = z.infer<typeof BusinessSearchResult>;

/** The staff members' view: personal fields masked (the repository read them masked). */
export function mapBusiness(b: Business): BusinessView {
  const v = b.verification;
  const missing: ('business_not_verified' | 'business_not_active')[] = [];
  if (v?.verified !== true) missing.push('business_not_verified');
  if (b.nts?.status !== 'active') missing.push('business_not_active');
  return {
    id: b.id,
    businessNumber: b.businessNumber ?? null,
    representativeName: b.representativeName ?? null,
    name: b.name,
    openingDate: b.openingDate,
    address: b.address ?? null,
    registrationCertificateFileId: b.registrationCertificateFileId ?? null,
    ntsStatus: b.nts
      ? {
          status: b.nts.status,
          taxType: b.nts.taxType,
          checkedAt: b.nts.checkedAt.toISOString(),
          source: b.nts.source,
          closedOn: b.nts.closedOn ?? null,
        }
      : null,
    readiness: { canPostEligibleShifts: missing.length === 0, missing },
    verification: {
      verified: v?.verified === true,
      method: v?.method ?? null,
      at: v ? v.at.toISOString() : null,
    },
    staff: b.staff.map((s) => ({
      memberId: s.memberId,
      role: s.role,
      addedAt: s.addedAt.toISOString(),
    })),
    blockedWorkers: b.blockedWorkers.map((w) => ({ ...w, at: w.at.toISOString() })),
    createdAt: b.createdAt.toISOString(),
    updatedAt: b.updatedAt.toISOString(),
    version: b.version,
  };
}

/** The operators' view: who verified on what, and the history of decisions and checks. */
export function mapStaffBusiness(b: Business): StaffBusinessView {
  const view = mapBusiness(b);
  return {
    ...view,
    verification: {
      ...view.verification,
      by: b.verification?.by ?? null,
      evidence: b.verification?.evidence ?? null,
    },
    history: b.history.map((e) => ({
      action: e.action,
      method: e.method,
      by: e.by,
      at: e.at.toISOString(),
      evidence: e.evidence,
      reason: e.reason ?? null,
      ntsStatus: e.ntsStatus ?? null,
    })),
  };
}

export class BusinessRevealRequestDto extends zodDto(BusinessRevealRequest, {
  example: () => ({ fields: ['businessNumber', 'notes'], reason: '세무 문의 대응, ticket 1240' }),
}) {}

export const BusinessReveal = z
  .object({
    id: z.string(),
    businessNumber: z.string().nullable().optional(),
    representativeName: z.string().nullable().optional(),
    notes: z.array(RevealedNote).optional(),
  })
  .meta({ id: 'BusinessReveal', description: 'Raw values, each only when asked for' });
export type BusinessReveal = z.infer<typeof BusinessReveal>;

export const BusinessReviewQueueQuery = z
  .object({
    after: reviewQueueCursor(/[0-9a-f]{24}/).optional(),
    limit: z.coerce.number().int().min(1).max(100).default(50),
  })
  .strict();
export type BusinessReviewQueueQuery = z.output<typeof BusinessReviewQueueQuery>;
export class BusinessReviewQueueQueryDto extends zodDto(BusinessReviewQueueQuery) {}

export const BusinessReviewPage = z
  .object({
    items: z.array(
      z.object({
        businessId: z.string(),
        since: z.iso
          .datetime({ offset: true })
          .meta({ description: 'Registered, or new evidence given' }),
        name: z.string(),
        businessNumber: z.string().nullable().meta({ description: 'Masked' }),
        representativeName: z.string().nullable().meta({ description: 'Masked' }),
        openingDate: z.string(),
        registrationCertificateFileId: z
          .string()
          .nullable()
          .meta({ description: 'The evidence: GET /operator/files/{id}' }),
        ntsStatus: z
          .object({
            status: NtsStatusName,
            taxType: z.string(),
            checkedAt: z.iso.datetime({ offset: true }),
          })
          .nullable(),
      }),
    ),
    next: z.string().nullable().meta({ description: 'Pass as `after`; null on the last page' }),
  })
  .meta({ id: 'BusinessReviewPage' });
export type BusinessReviewPage = z.infer<typeof BusinessReviewPage>;

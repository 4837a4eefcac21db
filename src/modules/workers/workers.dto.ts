import { z } from 'zod';
import {
  CalendarDate,
  KoreanPhone,
  MemberId,
  ObjectIdText,
  PersonName,
  reviewQueueCursor,
} from '../../platform/http/fields.js';
import { opaque } from '../../platform/http/text.js';
import { futureKst } from '../../platform/http/examples.js';
import { zodDto } from '../../platform/http/zod-dto.js';
import { RevealedNote } from '../../privacy/reveal.js';
import { QUALIFICATION_CODES } from '../qualifications/qualifications.js';
import type { Worker } from './workers.repository.js';
import {
  BankAccountDecision,
  IdentityDecision,
  Instant,
  QualificationDecision,
  StatusDecision,
  WorkerRevealRequest,
} from './workers.schemas.js';

const LegalName = PersonName;
/** Shape only; the service checks it is a real date, not in the future and plausible. */
const BirthDate = CalendarDate.meta({ example: '1998-04-17' });
const Phone = KoreanPhone;
const QualificationCode = z.enum(QUALIFICATION_CODES, {
  message: 'Expected a qualification code of the catalogue, e.g. health-certificate.',
});

export const PutProfile = z
  .object({ legalName: LegalName, birthDate: BirthDate, phone: Phone })
  .strict();
export type PutProfile = z.infer<typeof PutProfile>;
export class PutProfileDto extends zodDto(PutProfile, {
  example: () => ({ legalName: '김민수', birthDate: '1998-04-17', phone: '010-1234-5678' }),
}) {}

export const PutBankAccount = z
  .object({
    bankCode: z.string().regex(/^\d{3}$/, { message: 'The 3-digit bank code, e.g. 004' }),
    number: z
      .string()
      .trim()
      .regex(/^[\d-]{6,30}$/, { message: 'Digits (hyphens allowed)' }),
    holderName: LegalName,
  })
  .strict();
export type PutBankAccount = z.infer<typeof PutBankAccount>;
export class PutBankAccountDto extends zodDto(PutBankAccount, {
  example: () => ({ bankCode: '088', number: '110-123-456789', holderName: '김민수' }),
}) {}

export const AddQualification = z
  .object({
    code: QualificationCode,
    expiresAt: Instant.optional(),
    certificateFileId: ObjectIdText.optional().meta({
      description:
        'An uploaded, ready file of mine (POST /files): a health_certificate for ' +
        'health-certificate, a qualification_certificate otherwise; operators see it as evidence',
    }),
  })
  .strict();
export type AddQualification = z.infer<typeof AddQualification>;
export class AddQualificationDto extends zodDto(AddQualification, {
  example: () => ({ code: 'health-certificate', expiresAt: futureKst(300, '00:00') }),
}) {}

const WorkerIdParams = z.object({ id: MemberId });
export class WorkerIdParamsDto extends zodDto(WorkerIdParams) {}
const QualificationParams = z.object({ code: QualificationCode });
export class QualificationParamsDto extends zodDto(QualificationParams) {}
const WorkerQualificationParams = z.object({
  id: MemberId,
  code: QualificationCode,
});
export class WorkerQualificationParamsDto extends zodDto(WorkerQualificationParams) {}

export class IdentityDecisionDto extends zodDto(IdentityDecision, {
  example: () => ({
    action: 'verify',
    evidence: 'Ticket 512: 신분증 사본과 NICE 콘솔 조회 확인',
    birthDate: '1998-04-17',
  }),
}) {}

export class BankAccountDecisionDto extends zodDto(BankAccountDecision, {
  example: () => ({
    action: 'verify',
    evidence: 'Ticket 514: 통장 사본의 예금주 확인',
    holderMatchesLegalName: true,
  }),
}) {}

export class QualificationDecisionDto extends zodDto(QualificationDecision, {
  example: () => ({
    action: 'verify',
    evidence: 'Ticket 515: 보건증 스캔, 유효기간 1년',
    expiresAt: futureKst(365, '00:00'),
  }),
}) {}

export class StatusDecisionDto extends zodDto(StatusDecision, {
  example: () => ({ status: 'suspended', reason: '무단 결근 신고 3건, ticket 520' }),
}) {}

const Iso = z.iso.datetime();

export const WorkerProfile = z
  .object({
    id: z.string(),
    status: z.enum(['active', 'suspended', 'withdrawn']),
    legalName: z.string().nullable().meta({ description: 'Masked: 홍*동' }),
    birthDate: z.string().nullable().meta({ description: 'Masked: 1998-**-**' }),
    phone: z.string().nullable().meta({ description: 'Masked: 010-****-5678' }),
    identity: z.object({
      verified: z.boolean(),
      provider: z.enum(['nice', 'danal', 'manual']).nullable(),
      verifiedAt: Iso.nullable(),
      revokedAt: Iso.nullable(),
    }),
    bankAccount: z
      .object({
        bankCode: z.string(),
        number: z.string().nullable().meta({ description: 'Masked' }),
        holderName: z.string().nullable().meta({ description: 'Masked' }),
        verified: z.boolean(),
        verifiedAt: Iso.nullable(),
        method: z.enum(['popbill', 'manual']).nullable(),
        holderMatchesLegalName: z.boolean(),
        holderMismatchOverride: z
          .object({
            by: z.string(),
            at: Iso,
            reason: z.string().meta({ description: 'Masked (a note): revealed with a reason' }),
          })
          .nullable()
          .meta({
            description:
              "An operator verified the holder although the system's name comparison found a mismatch",
          }),
        lastCheck: z.object({ result: z.string(), resultMessage: z.string(), at: Iso }).nullable(),
      })
      .nullable(),
    qualifications: z.array(
      z.object({
        code: z.string(),
        expiresAt: Iso.nullable(),
        verified: z.boolean(),
        verifiedAt: Iso.nullable(),
        certificateFileId: z.string().nullable().meta({
          description:
            'The uploaded certificate (GET /files/:id; operators GET /operator/files/:id)',
        }),
      }),
    ),
    createdAt: Iso,
    updatedAt: Iso,
  })
  .meta({ id: 'WorkerProfile' });
export type WorkerProfile = z.infer<typeof WorkerProfile>;

/** As operators see a worker: the profile masked, plus the record of decisions and no-shows. */
export const StaffWorkerView = WorkerProfile.extend({
  statusReason: z.string().nullable(),
  hasCi: z.boolean(),
  noShows: z.array(z.object({ assignmentId: z.string(), shiftId: z.string(), at: Iso })),
  history: z.array(
    z.object({
      subject: z.enum(['identity', 'bankAccount', 'qualification', 'status']),
      action: z.enum(['verify', 'revoke', 'activate', 'suspend']),
      code: z.string().nullable(),
      by: z.string(),
      at: Iso,
      evidence: z.string(),
      override: z.boolean().optional().meta({ description: 'A holder name mismatch overridden' }),
    }),
  ),
}).meta({ id: 'StaffWorkerView' });
export type StaffWorkerView = z.infer<typeof StaffWorkerView>;

const iso = (date: Date | undefined): string | null => date?.toISOString() ?? null;

/** The worker's own profile; the repository has masked the personal data. */
export function mapWorkerProfile(worker: Worker): WorkerProfile {
  const { identity, bankAccount } = worker;
  return {
    id: worker.id,
    status: worker.status,
    legalName: worker.legalName ?? null,
    birthDate: worker.birthDate ?? null,
    phone: worker.phone ?? null,
    identity: {
      verified: identity !== undefined && identity.revokedAt === undefined,
      provider: identity?.provider ?? null,
      verifiedAt: iso(identity?.verifiedAt),
      revokedAt: iso(identity?.revokedAt),
    },
    bankAccount: bankAccount
      ? {
          bankCode: bankAccount.bankCode,
          number: bankAccount.number ?? null,
          holderName: bankAccount.holderName ?? null,
          verified: bankAccount.verifiedAt !== undefined,
          verifiedAt: iso(bankAccount.verifiedAt),
          method: bankAccount.method ?? null,
          holderMatchesLegalName: bankAccount.holderMatchesLegalName,
          holderMismatchOverride: bankAccount.holderMismatchOverride
            ? {
                by: bankAccount.holderMismatchOverride.by,
                at: bankAccount.holderMismatchOverride.at.toISOString(),
                reason: bankAccount.holderMismatchOverride.reason,
              }
            : null,
          lastCheck: bankAccount.lastCheck
            ? { ...bankAccount.lastCheck, at: bankAccount.lastCheck.at.toISOString() }
            : null,
        }
      : null,
    qualifications: worker.qualifications.map((q) => ({
      code: q.code,
      expiresAt: iso(q.expiresAt),
      verified: q.verifiedAt !== undefined,
      verifiedAt: iso(q.verifiedAt),
      certificateFileId: q.certificateFileId ?? null,
    })),
    createdAt: worker.createdAt.toISOString(),
    updatedAt: worker.updatedAt.toISOString(),
  };
}

export function mapStaffWorkerView(worker: Worker): StaffWorkerView {
  return {
    ...mapWorkerProfile(worker),
    statusReason: worker.statusReason ?? null,
    hasCi: worker.hasCi,
    noShows: worker.noShows.map((n) => ({ ...n, at: n.at.toISOString() })),
    history: worker.history.map((e) => ({
      subject: e.subject,
      action: e.action,
      code: e.code ?? null,
      by: e.by,
      at: e.at.toISOString(),
      evidence: e.evidence,
      ...(e.override ? { override: true } : {}),
    })),
  };
}

export const StartIdentity = z
  .object({
    provider: z
      .enum(['nice', 'danal'])
      .optional()
      .meta({
        description:
          'The provider preferred; while it is failing another is used (the answer says which). ' +
          'Without it, the configured order (IDENTITY_PROVIDERS) decides.',
      }),
    returnUrl: z
      .url({ protocol: /^https?$/ })
      .max(500)
      .meta({ description: "Where the provider returns the browser (the app's page or link)" }),
  })
  .strict();
export type StartIdentity = z.infer<typeof StartIdentity>;
export class StartIdentityDto extends zodDto(StartIdentity, {
  example: () => ({ provider: 'nice', returnUrl: 'https://app.workmatch.kr/identity/return' }),
}) {}

export const IdentitySessionResponse = z
  .object({
    provider: z.enum(['nice', 'danal']),
    transactionId: z.string(),
    form: z.object({
      action: z.string(),
      method: z.literal('POST'),
      fields: z.record(z.string(), z.string()),
    }),
    expiresAt: Iso,
  })
  .meta({ id: 'IdentitySession' });
export type IdentitySessionResponse = z.infer<typeof IdentitySessionResponse>;

/** What a provider sends back through the browser, as received (a query or a form body). */
const ProviderFields = z
  .record(
    z.string().regex(/^[A-Za-z0-9_]{1,64}$/, { message: 'Expected a field name.' }),
    opaque(z.string().max(10_000), "the provider's sealed result, read once, never stored"),
  )
  .refine((fields) => Object.keys(fields).length <= 30, { message: 'At most 30 fields' })
  .meta({ description: 'What the provider sent back through the browser, as received' });
export class ProviderCallbackFieldsDto extends zodDto(ProviderFields, {
  example: () => ({ TID: '202612051200001234abcd' }),
}) {}

const ProviderCallbackParams = z.object({
  state: z
    .string()
    .max(43)
    .regex(/^[A-Za-z0-9_-]{43}$/, { message: 'Expected the state of a verification we started.' }),
});
export class ProviderCallbackParamsDto extends zodDto(ProviderCallbackParams) {}

export const ConfirmIdentity = z
  .object({
    provider: z.enum(['nice', 'danal']),
    transactionId: z
      .string()
      .regex(/^[A-Za-z0-9_.:-]{1,200}$/, { message: 'Expected the transaction id we gave.' }),
    fields: ProviderFields,
  })
  .strict();
export type ConfirmIdentity = z.infer<typeof ConfirmIdentity>;
export class ConfirmIdentityDto extends zodDto(ConfirmIdentity, {
  example: () => ({
    provider: 'nice',
    transactionId: 'TX20261205093000123',
    fields: {
      token_version_id: '20261205093000ABCD',
      enc_data: 'Q2lwaGVydGV4dCBmcm9tIE5JQ0U…',
      integrity_value: 'bWFjLW9mLXRoZS1yZXN1bHQ…',
    },
  }),
}) {}

export class WorkerRevealRequestDto extends zodDto(WorkerRevealRequest, {
  example: () => ({ fields: ['phone', 'notes'], reason: '근무자 연락 요청, ticket 521' }),
}) {}

export const WorkerReveal = z
  .object({
    id: z.string(),
    legalName: z.string().nullable().optional(),
    birthDate: z.string().nullable().optional(),
    phone: z.string().nullable().optional(),
    accountNumber: z.string().nullable().optional(),
    accountHolderName: z.string().nullable().optional(),
    notes: z.array(RevealedNote).optional(),
  })
  .meta({ id: 'WorkerReveal', description: 'Raw values, each only when asked for' });
export type WorkerReveal = z.infer<typeof WorkerReveal>;

export const WorkerReviewQueueQuery = z
  .object({
    kind: z.enum(['bank_account', 'qualification']).meta({
      description:
        'bank_account: registered, neither verified (by Popbill or an operator) nor refused; ' +
        'qualification: declared, neither verified nor refused',
    }),
    after: reviewQueueCursor(/[A-Za-z0-9][A-Za-z0-9_-]*/).optional(),
    limit: z.coerce.number().int().min(1).max(100).default(50),
  })
  .strict();
export type WorkerReviewQueueQuery = z.output<typeof WorkerReviewQueueQuery>;
export class WorkerReviewQueueQueryDto extends zodDto(WorkerReviewQueueQuery) {}

export const WorkerReviewPage = z
  .object({
    items: z.array(
      z.object({
        workerId: z.string(),
        since: z.iso.datetime({ offset: true }).meta({ description: 'When the request began' }),
        legalName: z.string().nullable().meta({ description: 'Masked' }),
        status: z.enum(['active', 'suspended', 'withdrawn']),
        bankAccount: z
          .object({
            bankCode: z.string(),
            registeredAt: z.iso.datetime({ offset: true }),
            holderMatchesLegalName: z.boolean(),
            lastCheck: z
              .object({
                result: z.string(),
                resultMessage: z.string(),
                at: z.iso.datetime({ offset: true }),
              })
              .nullable()
              .meta({ description: "Popbill's last answer, when it was asked" }),
          })
          .nullable(),
        qualifications: z
          .array(
            z.object({
              code: z.string(),
              addedAt: z.iso.datetime({ offset: true }),
              certificateFileId: z
                .string()
                .nullable()
                .meta({ description: 'The evidence: GET /operator/files/{id}' }),
            }),
          )
          .meta({ description: 'Those waiting (for kind=qualification)' }),
      }),
    ),
    next: z.string().nullable().meta({ description: 'Pass as `after`; null on the last page' }),
  })
  .meta({ id: 'WorkerReviewPage' });
export type WorkerReviewPage = z.infer<typeof WorkerReviewPage>;

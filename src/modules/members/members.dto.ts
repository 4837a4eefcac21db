import { z } from 'zod';
import { ROLES } from '../../platform/auth/principal.js';
import { MemberId } from '../../platform/http/fields.js';
import { zodDto } from '../../platform/http/zod-dto.js';
import { AccessReason } from '../../privacy/free-text.js';
import type { Member } from './members.repository.js';
import { BlockRequest, MemberSearch, RevealRequest } from './members.schemas.js';

/** A member as staff see it: personal data masked. */
export const MemberSummary = z
  .object({
    id: z.string(),
    role: z.enum(ROLES),
    status: z.enum(['active', 'withdrawn']),
    email: z.string().nullable().meta({ description: 'Masked: ab***@example.com' }),
    phone: z.string().nullable().meta({ description: 'Masked: 010-****-5678' }),
    createdAt: z.iso.datetime(),
    withdrawnAt: z.iso.datetime().nullable(),
    destroyedAt: z.iso.datetime().nullable().meta({
      description: 'When the personal data was destroyed after the retention period',
    }),
    blocked: z
      .object({ at: z.iso.datetime(), by: z.string().meta({ description: 'The staff member' }) })
      .nullable()
      .meta({ description: 'Blocked by staff: no sign-in and no token work until unblocked' }),
  })
  .meta({ id: 'MemberSummary' });
export type MemberSummary = z.infer<typeof MemberSummary>;

/** The caller's own profile: the summary without the retention dates. */
export const MeResponse = MemberSummary.pick({
  id: true,
  role: true,
  status: true,
  email: true,
  phone: true,
  createdAt: true,
}).meta({ id: 'Me' });
export type MeResponse = z.infer<typeof MeResponse>;

/** The caller's own profile; the repository has masked the personal data. */
export function mapMe(member: Member): MeResponse {
  return {
    id: member.id,
    role: member.role,
    status: member.status,
    email: member.email ?? null,
    phone: member.phone ?? null,
    createdAt: member.createdAt.toISOString(),
  };
}

export function mapSummary(member: Member): MemberSummary {
  return {
    ...mapMe(member),
    withdrawnAt: member.withdrawnAt?.toISOString() ?? null,
    destroyedAt: member.destroyedAt?.toISOString() ?? null,
    blocked: member.blocked ? { at: member.blocked.at.toISOString(), by: member.blocked.by } : null,
  };
}

const MemberIdParams = z.object({ id: MemberId });
export class MemberIdParamsDto extends zodDto(MemberIdParams) {}

export class MemberSearchDto extends zodDto(MemberSearch, {
  example: () => ({ email: 'minsu.kim@example.com', limit: 20 }),
}) {}

export const MemberPage = z
  .object({
    items: z.array(MemberSummary),
    next: z.string().nullable().meta({ description: 'Pass as `after` for the next page' }),
  })
  .meta({ id: 'MemberPage' });
export type MemberPage = z.infer<typeof MemberPage>;

export class BlockRequestDto extends zodDto(BlockRequest, {
  example: () => ({ reason: '명의 도용 신고 확인, ticket 1502' }),
}) {}

export class RevealRequestDto extends zodDto(RevealRequest, {
  example: () => ({ fields: ['phone'], reason: '본인 요청 연락처 확인, ticket 1401' }),
}) {}

export const RevealResponse = z
  .object({
    id: z.string(),
    email: z.string().nullable().optional().meta({ description: 'Raw, when asked for' }),
    phone: z.string().nullable().optional().meta({ description: 'Raw, when asked for' }),
  })
  .meta({ id: 'MemberReveal' });
export type RevealResponse = z.infer<typeof RevealResponse>;

export const ExportRequest = z
  .object({
    role: z.enum(ROLES).optional(),
    status: z.enum(['active', 'withdrawn']).optional(),
    reason: AccessReason,
  })
  .strict();
export type ExportRequest = z.infer<typeof ExportRequest>;
export class ExportRequestDto extends zodDto(ExportRequest, {
  example: () => ({ role: 'worker', status: 'active', reason: '분기 보고, ticket 1402' }),
}) {}

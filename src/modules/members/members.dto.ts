import { z } from 'zod';
import { ROLES } from '../../platform/auth/principal.js';
import { maskEmail, maskPhone } from '../../privacy/masking.js';
import type { Member } from './members.repository.js';

export const MeResponse = z
  .object({
    id: z.string(),
    role: z.enum(ROLES),
    status: z.enum(['active', 'withdrawn']),
    email: z.string().meta({ description: 'Masked: ab***@example.com' }),
    phone: z.string().nullable().meta({ description: 'Masked: 010-****-5678' }),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: 'Me' });
export type MeResponse = z.infer<typeof MeResponse>;

/** The caller's own profile, personal data masked. */
export function mapMe(member: Member): MeResponse {
  return {
    id: member.id,
    role: member.role,
    status: member.status,
    email: maskEmail(member.email),
    phone: member.phone === undefined ? null : maskPhone(member.phone),
    createdAt: member.createdAt.toISOString(),
  };
}

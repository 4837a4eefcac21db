import { z } from 'zod';
import { ROLES } from '../../platform/auth/roles.js';
import { Email, KoreanPhone, MemberId } from '../../platform/http/fields.js';
import { AccessReason } from '../../privacy/free-text.js';

/*
 * Staff's member search and reveal as zod schemas and nothing else: the API's DTOs
 * (members.dto.ts) wrap them and the operator console's forms import them, so this file and what
 * it imports stay plain TypeScript and zod (the lint checks *.schemas.ts files).
 */

const MemberPersonalField = z.enum(['email', 'phone']);

/**
 * Staff search. A body rather than a query string, so the email or phone searched for never
 * appears in a URL (and so in no access log of any proxy).
 */
export const MemberSearch = z
  .object({
    email: Email.optional(),
    phone: KoreanPhone.optional(),
    role: z.enum(ROLES).optional(),
    status: z.enum(['active', 'withdrawn']).optional(),
    after: MemberId.optional().meta({ description: 'The last id of the page before' }),
    limit: z.number().int().min(1).max(100).default(20),
  })
  .strict();
export type MemberSearch = z.infer<typeof MemberSearch>;

/** Why staff need a raw value; stored in the access record and reviewed monthly. */
const Reason = AccessReason;

export const RevealRequest = z
  .object({ fields: z.array(MemberPersonalField).min(1).max(2), reason: Reason })
  .strict();
export type RevealRequest = z.infer<typeof RevealRequest>;

/** Why staff block or unblock a member; kept with the access record and reviewed monthly. */
export const BlockRequest = z.object({ reason: Reason }).strict();
export type BlockRequest = z.infer<typeof BlockRequest>;

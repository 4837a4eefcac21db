import { z } from 'zod';
import { MemberId, ObjectIdText } from '../../platform/http/fields.js';
import { queryInteger } from '../../platform/http/text.js';
import { zodDto } from '../../platform/http/zod-dto.js';
import { AccessReason, freeText } from '../../privacy/free-text.js';
import { RevealedNote } from '../../privacy/reveal.js';
import { toKstIso } from '../../platform/time/kst.js';
import { ASSIGNMENT_STATES } from './assignment-state.js';
import { mapVerdict, VerdictSchema } from '../eligibility/eligibility.dto.js';
import type { Assignment } from './assignments.repository.js';

const Actor = z.object({ id: z.string(), role: z.string() });

export const AssignmentResponse = z
  .object({
    id: z.string(),
    shiftId: z.string(),
    businessId: z.string(),
    workerId: z.string(),
    state: z.enum(ASSIGNMENT_STATES),
    origin: z.enum(['application', 'proposal']),
    startsAt: z.iso.datetime({ offset: true }),
    endsAt: z.iso.datetime({ offset: true }),
    verdict: VerdictSchema.nullable().meta({
      description: 'The eligibility verdict the assignment was made under',
    }),
    cancellation: z
      .object({ by: Actor, reason: z.string(), late: z.boolean(), at: z.iso.datetime() })
      .nullable(),
    hoursWorked: z.number().nullable(),
    history: z.array(
      z.object({
        from: z.enum(ASSIGNMENT_STATES).nullable(),
        to: z.enum(ASSIGNMENT_STATES),
        at: z.iso.datetime(),
        by: Actor,
        reason: z.string().optional(),
      }),
    ),
    version: z.number().int(),
  })
  .meta({ id: 'Assignment' });
export type AssignmentResponse = z.infer<typeof AssignmentResponse>;

export const AssignmentPage = z
  .object({ items: z.array(AssignmentResponse), next: z.string().nullable() })
  .meta({ id: 'AssignmentPage' });
export type AssignmentPage = z.infer<typeof AssignmentPage>;

export function mapAssignment(a: Assignment): AssignmentResponse {
  return {
    id: a.id,
    shiftId: a.shiftId,
    businessId: a.businessId,
    workerId: a.workerId,
    state: a.state,
    origin: a.origin,
    startsAt: toKstIso(a.startsAt),
    endsAt: toKstIso(a.endsAt),
    verdict: a.verdict ? mapVerdict(a.verdict) : null,
    cancellation: a.cancellation
      ? { ...a.cancellation, at: a.cancellation.at.toISOString() }
      : null,
    hoursWorked: a.hoursWorked ?? null,
    history: a.history.map((h) => ({ ...h, at: h.at.toISOString() })),
    version: a.version,
  };
}

const ShiftIdParams = z.object({ id: ObjectIdText });
export class ShiftIdParamsDto extends zodDto(ShiftIdParams) {}

const AssignmentIdParams = z.object({ id: ObjectIdText });
export class AssignmentIdParamsDto extends zodDto(AssignmentIdParams) {}

const ProposeRequest = z.object({ workerId: MemberId }).strict();
export class ProposeRequestDto extends zodDto(ProposeRequest, {
  example: () => ({ workerId: '5f0c6b1e-8a2d-4c3b-9e7f-1a2b3c4d5e6f' }),
}) {}

/** Why an assignment ends: about a person, so kept encrypted and shown to staff masked. */
const Reason = freeText({ min: 2, max: 500, multiline: true, holds: 'personal' }).meta({
  example: '개인 사정으로 출근이 어렵습니다.',
});
const CancelRequest = z.object({ reason: Reason }).strict();
export class CancelRequestDto extends zodDto(CancelRequest, {
  example: () => ({ reason: '개인 사정으로 출근이 어렵습니다.' }),
}) {}

const RejectRequest = z.object({ reason: Reason.optional() }).strict();
export class RejectRequestDto extends zodDto(RejectRequest, {
  example: () => ({ reason: '이번 근무는 경력자만 모집합니다.' }),
}) {}

const CompleteRequest = z
  .object({ hoursWorked: z.number().positive().max(24).multipleOf(0.25) })
  .strict();
export class CompleteRequestDto extends zodDto(CompleteRequest, {
  example: () => ({ hoursWorked: 8.5 }),
}) {}

const PageQuery = z
  .object({
    before: ObjectIdText.optional().meta({ description: 'The last id of the page before' }),
    limit: queryInteger({ min: 1, max: 100 }).default(20),
  })
  .strict();
export class PageQueryDto extends zodDto(PageQuery) {}

export const AssignmentRevealRequest = z.object({ reason: AccessReason }).strict();
export type AssignmentRevealRequest = z.infer<typeof AssignmentRevealRequest>;
export class AssignmentRevealRequestDto extends zodDto(AssignmentRevealRequest, {
  example: () => ({ reason: '근무 분쟁 조정, ticket 1302' }),
}) {}

export const AssignmentReveal = z
  .object({ id: z.string(), notes: z.array(RevealedNote) })
  .meta({ id: 'AssignmentReveal' });
export type AssignmentReveal = z.infer<typeof AssignmentReveal>;

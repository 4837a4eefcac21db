import { z } from 'zod';
import { MemberId, ObjectIdText } from '../../platform/http/fields.js';
import { zodDto } from '../../platform/http/zod-dto.js';
import type { Verdict } from './engine/types.js';

const RuleFailureSchema = z
  .object({
    code: z.string(),
    message: z.object({ ko: z.string(), en: z.string() }),
    data: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'RuleFailure' });

export const VerdictSchema = z
  .object({
    eligible: z.boolean(),
    failures: z.array(RuleFailureSchema),
    overrides: z
      .array(z.object({ code: z.string(), data: z.record(z.string(), z.unknown()) }))
      .optional()
      .meta({
        description:
          'Rules passed only by an explicit staff override (e.g. a bank holder name mismatch ' +
          'accepted by an operator), with who and when',
      }),
    ruleSetVersion: z.string(),
    evaluatedAt: z.iso.datetime(),
  })
  .meta({ id: 'Verdict' });
export type VerdictResponse = z.infer<typeof VerdictSchema>;

export function mapVerdict(verdict: Verdict): VerdictResponse {
  return { ...verdict, evaluatedAt: verdict.evaluatedAt.toISOString() };
}

const ShiftIdParams = z.object({ id: ObjectIdText });
export class ShiftIdParamsDto extends zodDto(ShiftIdParams) {}

const EligibilityParams = z.object({ id: ObjectIdText, workerId: MemberId });
export class EligibilityParamsDto extends zodDto(EligibilityParams) {}

const CandidatesRequest = z.object({ workerIds: z.array(MemberId).min(1).max(1_000) }).strict();
export class CandidatesRequestDto extends zodDto(CandidatesRequest, {
  example: () => ({
    workerIds: ['5f0c6b1e-8a2d-4c3b-9e7f-1a2b3c4d5e6f', '9b1d2c3e-4f5a-4b6c-8d7e-0f1a2b3c4d5e'],
  }),
}) {}

export const CandidatesResponse = z
  .object({
    shiftId: z.string(),
    ruleSetVersion: z.string(),
    evaluatedAt: z.iso.datetime(),
    eligible: z.array(
      z.object({
        workerId: z.string(),
        rank: z.number().int(),
        weekHours: z.number(),
        noShows: z.number().int(),
      }),
    ),
    ineligible: z.array(z.object({ workerId: z.string(), failures: z.array(RuleFailureSchema) })),
    unknown: z.array(z.string()),
  })
  .meta({ id: 'Candidates' });
export type CandidatesResponse = z.infer<typeof CandidatesResponse>;

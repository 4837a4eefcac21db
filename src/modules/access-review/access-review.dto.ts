import { z } from 'zod';
import { MemberId } from '../../platform/http/fields.js';
import { zodDto } from '../../platform/http/zod-dto.js';
import { ACCESS_ACTIONS } from '../../privacy/access/access-record.js';

const Month = z
  .string()
  .regex(/^\d{4}-(0[1-9]|1[0-2])$/, { message: 'Expected a KST month, YYYY-MM.' })
  .meta({ example: '2026-11', description: 'The KST month' });

const AccessRecordsQuery = z
  .object({
    month: Month,
    actorId: MemberId.optional().meta({
      description: 'Only what this staff member did (a member id; `system` for the jobs)',
    }),
    subjectId: MemberId.optional().meta({ description: "Only accesses to this member's data" }),
    before: z.coerce
      .number()
      .int()
      .positive()
      .optional()
      .meta({ description: 'The `next` of the page before: records below this sequence number' }),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  })
  .strict();
export class AccessRecordsQueryDto extends zodDto(AccessRecordsQuery) {}

const AccessReviewQuery = z.object({ month: Month }).strict();
export class AccessReviewQueryDto extends zodDto(AccessReviewQuery) {}

const Actor = z.object({ id: z.string(), role: z.string() });

const AccessRecordView = z
  .object({
    seq: z.number().int().meta({ description: 'Its place in the hash chain' }),
    at: z.iso.datetime({ offset: true }),
    actor: Actor,
    ip: z.string().nullable(),
    action: z.enum(ACCESS_ACTIONS),
    dataset: z.string(),
    subjects: z.array(z.string()).meta({ description: 'Member ids, never names or contacts' }),
    subjectCount: z.number().int(),
    fields: z.array(z.string()),
    reason: z.string().nullable(),
    requestId: z.string().nullable(),
  })
  .meta({ id: 'AccessRecord' });

export const AccessRecordsPage = z
  .object({
    items: z.array(AccessRecordView),
    next: z
      .number()
      .int()
      .nullable()
      .meta({ description: 'Pass as `before` for the next page; null on the last' }),
  })
  .meta({ id: 'AccessRecordsPage' });
export type AccessRecordsPage = z.infer<typeof AccessRecordsPage>;

const Counts = z.object(
  Object.fromEntries(ACCESS_ACTIONS.map((action) => [action, z.number().int()])) as Record<
    (typeof ACCESS_ACTIONS)[number],
    z.ZodNumber
  >,
);

export const AccessReviewView = z
  .object({
    month: z.string(),
    from: z.iso.datetime({ offset: true }),
    to: z.iso.datetime({ offset: true }),
    thresholds: z.object({
      maxRevealsPerDay: z.number().int(),
      maxRevealsPerMonth: z.number().int(),
      bulkExportSubjects: z.number().int(),
      bulkAccessSubjects: z.number().int(),
      workHours: z.object({ start: z.number().int(), end: z.number().int() }),
      holidays: z.array(z.string()),
    }),
    records: z.number().int(),
    findings: z.array(
      z.object({
        kind: z.enum([
          'reveals_per_day',
          'reveals_per_month',
          'outside_hours',
          'bulk_export',
          'bulk_access',
        ]),
        actorId: z.string(),
        day: z.string(),
        seqs: z.array(z.number().int()),
        count: z.number().int(),
        detail: z.string(),
      }),
    ),
    actors: z.array(
      z.object({
        actorId: z.string(),
        roles: z.array(z.string()),
        counts: Counts,
        total: z.number().int(),
        distinctSubjects: z.number().int(),
      }),
    ),
  })
  .meta({ id: 'AccessReview' });
export type AccessReviewView = z.infer<typeof AccessReviewView>;

export const ChainVerification = z
  .object({
    ok: z.boolean(),
    checked: z.number().int(),
    firstSeq: z.number().int().nullable(),
    lastSeq: z.number().int().nullable(),
    headSeq: z.number().int().nullable(),
    anchorSeq: z.number().int().nullable(),
    problems: z.array(
      z.object({ seq: z.number().int().nullable(), problem: z.string(), detail: z.string() }),
    ),
    unlistedProblems: z.number().int(),
  })
  .meta({ id: 'AccessChainVerification' });
export type ChainVerification = z.infer<typeof ChainVerification>;

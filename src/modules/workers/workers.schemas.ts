import { z } from 'zod';
import { CalendarDate } from '../../platform/http/fields.js';
import { Evidence, freeText } from '../../privacy/free-text.js';
import { revealRequest } from '../../privacy/reveal.js';

/*
 * The operators' decisions on a worker's bank account and qualifications as zod schemas and
 * nothing else: the API's DTOs (workers.dto.ts) wrap them and the operator console's forms import
 * them, so this file and what it imports stay plain TypeScript and zod (the lint checks
 * *.schemas.ts files).
 */

export const Instant = z.iso.datetime({ offset: true }).transform((value) => new Date(value));

const VerificationAction = z.enum(['verify', 'revoke']);

/** Fields that only a `verify` takes; a `revoke` with one is refused rather than ignored. */
function verifyOnly(
  fields: readonly string[],
  required: readonly string[] = [],
): (value: Record<string, unknown>, ctx: z.RefinementCtx) => void {
  return (value, ctx) => {
    for (const field of fields) {
      if (value.action === 'revoke' && value[field] !== undefined) {
        ctx.addIssue({ code: 'custom', path: [field], message: 'Only with action verify.' });
      }
    }
    for (const field of required) {
      if (value.action === 'verify' && value[field] === undefined) {
        ctx.addIssue({ code: 'custom', path: [field], message: 'Required with action verify.' });
      }
    }
  };
}

/** A manual identity decision: what was checked, and on verify the CI and birth date seen. */
export const IdentityDecision = z
  .object({
    action: VerificationAction,
    evidence: Evidence,
    ci: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9+/=_-]{8,200}$/, { message: 'Expected a CI (base64).' })
      .optional()
      .meta({
        description: 'The CI from the provider console, when there is one; held as a blind index',
      }),
    birthDate: CalendarDate.optional().meta({
      description: 'As on the identity document',
      example: '1998-04-17',
    }),
  })
  .strict()
  .superRefine(verifyOnly(['ci', 'birthDate']));
export type IdentityDecision = z.infer<typeof IdentityDecision>;

export const BankAccountDecision = z
  .object({
    action: VerificationAction,
    evidence: Evidence,
    holderMatchesLegalName: z
      .boolean()
      .optional()
      .meta({ description: 'Required with verify: the holder is the worker (legal name)' }),
    overrideHolderMismatch: z
      .literal(true)
      .optional()
      .meta({
        description:
          "Verify a holder the system's own name comparison finds different from the legal name " +
          '(e.g. a family account with consent): explicit, with overrideReason; recorded',
      }),
    overrideReason: freeText({ min: 5, max: 500, multiline: true, holds: 'personal' })
      .optional()
      .meta({ description: 'Why the mismatch is accepted (kept encrypted)' }),
  })
  .strict()
  .superRefine(
    verifyOnly(
      ['holderMatchesLegalName', 'overrideHolderMismatch', 'overrideReason'],
      ['holderMatchesLegalName'],
    ),
  )
  .superRefine((value, ctx) => {
    if (value.overrideHolderMismatch && !value.overrideReason) {
      ctx.addIssue({
        code: 'custom',
        path: ['overrideReason'],
        message: 'Required with an override.',
      });
    }
    if (value.overrideReason && !value.overrideHolderMismatch) {
      ctx.addIssue({
        code: 'custom',
        path: ['overrideHolderMismatch'],
        message: 'overrideReason goes with overrideHolderMismatch: true.',
      });
    }
    if (value.overrideHolderMismatch && value.holderMatchesLegalName === false) {
      ctx.addIssue({
        code: 'custom',
        path: ['overrideHolderMismatch'],
        message: 'An override is only for verifying a match (holderMatchesLegalName: true).',
      });
    }
  });
export type BankAccountDecision = z.infer<typeof BankAccountDecision>;

export const QualificationDecision = z
  .object({ action: VerificationAction, evidence: Evidence, expiresAt: Instant.optional() })
  .strict()
  .superRefine(verifyOnly(['expiresAt']));
export type QualificationDecision = z.infer<typeof QualificationDecision>;

/** Suspend a worker or make them active again, with the reason (kept encrypted). */
export const StatusDecision = z
  .object({
    status: z.enum(['active', 'suspended']),
    reason: freeText({ min: 5, max: 1000, multiline: true, holds: 'personal' }),
  })
  .strict();
export type StatusDecision = z.infer<typeof StatusDecision>;

/** The personal fields of a worker an operator may reveal (the CI is never stored to reveal). */
export const WORKER_REVEALABLE = [
  'legalName',
  'birthDate',
  'phone',
  'accountNumber',
  'accountHolderName',
] as const;

export const WorkerRevealRequest = revealRequest(WORKER_REVEALABLE);
export type WorkerRevealRequest = z.infer<typeof WorkerRevealRequest>;

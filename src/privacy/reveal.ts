import { z } from 'zod';
import { AccessReason } from './free-text.js';

/** The name a reveal request uses for every note (free text about a person) of a record. */
export const NOTES = 'notes';

/**
 * The body of an audited reveal: which fields (and/or `notes`) to show raw, and why. The reason
 * goes into the access record (접속기록) written before anything is read.
 */
export function revealRequest<const F extends readonly [string, ...string[]]>(fields: F) {
  return z
    .object({
      fields: z
        .array(
          z.enum([...fields, NOTES] as [F[number] | typeof NOTES, ...(F[number] | typeof NOTES)[]]),
        )
        .min(1)
        .max(fields.length + 1)
        .meta({ description: `Fields to show raw; \`${NOTES}\`: every note (evidence, reasons)` }),
      reason: AccessReason,
    })
    .strict();
}

/** A note as a reveal shows it: where it sits in the record, and its text. */
export const RevealedNote = z.object({
  at: z.string().meta({ description: 'Where the note sits, e.g. history[2].evidence' }),
  text: z.string(),
});
export type RevealedNote = z.infer<typeof RevealedNote>;

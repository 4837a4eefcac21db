import { z } from 'zod';

/**
 * Request fields more than one module takes, defined once so they are validated (and
 * documented) the same everywhere.
 */

/** A person's name: Hangul, Latin letters, spaces and the few marks names carry. */
export const PersonName = z
  .string()
  .trim()
  .min(1)
  .max(50)
  .regex(/^[\p{Script=Hangul}A-Za-z][\p{Script=Hangul}A-Za-z .\-·']*$/u, {
    message: 'Letters (Hangul or Latin), spaces, ".", "-", "·" only.',
  });

/** A calendar date, `YYYY-MM-DD`: shape only; services check it is real and plausible. */
export const CalendarDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, { message: 'Expected YYYY-MM-DD.' });

/** What a staff member checked before a manual verification; kept with the record. */
export const Evidence = z
  .string()
  .trim()
  .min(5, {
    message: 'Say what was checked (at least 5 characters), e.g. the ticket and document.',
  })
  .max(1000);

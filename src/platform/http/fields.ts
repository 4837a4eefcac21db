import { z } from 'zod';
import { MAX_PATH_PARAM_LENGTH } from './limits.js';
import { text } from './text.js';

/**
 * Request fields more than one module takes, defined once so they are validated (and
 * documented) the same everywhere. Identifier-like fields are closed patterns: they cannot
 * carry a sentence, a phone number or a registration number.
 */

/** A person's name: Hangul, Latin letters, spaces and the few marks names carry. */
export const PersonName = text({ max: 50 }).regex(
  /^[\p{Script=Hangul}A-Za-z][\p{Script=Hangul}A-Za-z .\-·']*$/u,
  { message: 'Letters (Hangul or Latin), spaces, ".", "-", "·" only.' },
);

/** A calendar date, `YYYY-MM-DD`: shape only; services check it is real and plausible. */
export const CalendarDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, { message: 'Expected YYYY-MM-DD.' });

/**
 * A member id: a Cognito `sub` (a UUID) or, for an account migrated from Firebase, its uid
 * (letters and digits). At most as long as the router takes a path parameter.
 */
export const MemberId = z
  .string()
  .max(MAX_PATH_PARAM_LENGTH)
  .regex(/^[A-Za-z0-9][A-Za-z0-9_-]*$/, { message: 'Expected a member id.' });

/** A document id made by this service (a MongoDB ObjectId, 24 hex digits). */
export const ObjectIdText = z
  .string()
  .length(24, { message: 'Expected an id.' })
  .regex(/^[0-9a-f]{24}$/i, { message: 'Expected an id.' });

/**
 * An email address, trimmed and lower-cased. (The format is checked after trimming, so the
 * document states it on the input by hand.)
 */
export const Email = z
  .string()
  .trim()
  .toLowerCase()
  .meta({ format: 'email', example: 'minsu.kim@example.com' })
  .pipe(z.email({ message: 'Expected an email address.' }).max(254));

/** A Korean phone number, mobile or landline, digits with optional `-` or spaces. */
export const KoreanPhone = z
  .string()
  .trim()
  .regex(/^(?:\+82[- ]?|0)\d{1,2}[- ]?\d{3,4}[- ]?\d{4}$/, {
    message: 'Expected a Korean phone number such as 010-1234-5678.',
  })
  .meta({ example: '010-1234-5678' });

/**
 * A review queue's cursor (platform/storage/review-key.ts): `<since, ISO>|<id>`, the `next` of the
 * page before, passed back as `after`; `id` is the pattern of the queue's document ids.
 */
export function reviewQueueCursor(id: RegExp) {
  return z
    .string()
    .max(300)
    .regex(
      new RegExp(String.raw`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z\|(?:${id.source})$`),
      {
        message: 'Expected the `next` of the page before.',
      },
    );
}

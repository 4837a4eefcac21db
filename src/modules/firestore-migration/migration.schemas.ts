import { z } from 'zod';

/*
 * The migration's admin requests as zod schemas and nothing else: the API's DTOs wrap them and
 * the operator console's forms import them, so this file and what it imports stay plain
 * TypeScript and zod (the lint checks *.schemas.ts files).
 */

/**
 * One user of the old app named by email, for the migration on demand. A body rather than a path,
 * so the email never appears in a URL (nor in any proxy's access log).
 */
export const MigrateUserByEmail = z
  .object({
    // Not lower-cased (as platform/http/fields.ts's Email is): the old app's documents hold
    // emails as people typed them, and the lookup tries the email as typed and in lower case.
    email: z
      .string()
      .trim()
      .meta({ format: 'email', example: 'minsu.kim@example.com' })
      .pipe(z.email({ message: 'Expected an email address.' }).max(254)),
  })
  .strict();
export type MigrateUserByEmail = z.infer<typeof MigrateUserByEmail>;

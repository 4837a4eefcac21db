import type { FastifyInstance, FastifyRequest } from 'fastify';
import { DomainError } from '../errors/domain.error.js';

const MAX_FIELDS = 30;

/**
 * Form bodies (`application/x-www-form-urlencoded`) for the routes a browser posts to from a
 * provider's page (NICE with `methodtype=post`, Danal's return to TARGETURL), and only those:
 * this API takes JSON everywhere else (415 as before). Values are read as UTF-8; the fields the
 * providers send back (TID, token_version_id, enc_data, integrity_value) are ASCII.
 */
export function registerFormBodyParser(
  fastify: FastifyInstance,
  pathPrefixes: readonly string[],
): void {
  fastify.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string' },
    (
      request: FastifyRequest,
      body: string,
      done: (error: Error | null, body?: unknown) => void,
    ) => {
      if (!pathPrefixes.some((prefix) => request.url.startsWith(prefix))) {
        return done(
          new DomainError('unsupported_media_type', 'unsupported_media_type', 'Send JSON.'),
        );
      }
      const params = new URLSearchParams(body);
      const out: Record<string, string> = {};
      for (const [key, value] of params) out[key] = value;
      if (Object.keys(out).length > MAX_FIELDS) {
        return done(new DomainError('invalid', 'validation_failed', 'Too many form fields.'));
      }
      done(null, out);
    },
  );
}

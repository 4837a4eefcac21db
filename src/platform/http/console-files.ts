import { existsSync } from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { DomainError } from '../errors/domain.error.js';
import { sendProblem } from './problem.filter.js';

/**
 * The routes the console's files answer, in API Gateway's form: public, since the page itself
 * holds nothing (every datum it shows comes from a route with its own class). The route manifest
 * lists them for infra (routes.json).
 */
export const CONSOLE_ROUTES = [
  { method: 'GET', path: '/console' },
  { method: 'GET', path: '/console/{proxy+}' },
] as const;

/**
 * What the page may load and talk to: its own origin only (the API is the same origin), inline
 * styles for the component library's style attributes, no frames of it anywhere.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Vite names what it builds into assets/ by content hash: a changed file is a new name. */
const IMMUTABLE = 'public, max-age=31536000, immutable';

function secure(reply: FastifyReply): void {
  reply
    .header('content-security-policy', CONTENT_SECURITY_POLICY)
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
    .header('cross-origin-opener-policy', 'same-origin');
}

/**
 * Serves the built console (console/ → dist/console) at /console: the page for any client
 * route (the console routes in the browser), its files as they are, a missing file 404. Files
 * are sent by @fastify/static (paths confined to the directory, ETags, ranges); in their own
 * plugin scope, so Swagger UI's copy of it is untouched.
 */
export async function registerConsoleFiles(fastify: FastifyInstance, dir: string): Promise<void> {
  await fastify.register(async (scope) => {
    // Our own Cache-Control per file kind, not the plugin's.
    await scope.register(fastifyStatic, { root: dir, serve: false, cacheControl: false });
    scope.get('/console', (_request, reply) => reply.redirect('/console/', 308));
    scope.get('/console/*', (request, reply) => {
      secure(reply);
      // Checked per request: `npm run build` may run while the API is up.
      if (!existsSync(path.join(dir, 'index.html'))) {
        return sendProblem(
          new DomainError(
            'not_found',
            'console_not_built',
            'The console is not built here: run npm run build.',
          ),
          request,
          reply,
        );
      }
      const file = (request.params as { '*': string })['*'];
      if (file.startsWith('assets/'))
        return reply.header('cache-control', IMMUTABLE).sendFile(file);
      reply.header('cache-control', 'no-cache');
      // A name with an extension is a file (found or 404); anything else is a client route.
      return reply.sendFile(path.extname(file) ? file : 'index.html');
    });
  });
}

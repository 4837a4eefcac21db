import type { FastifyInstance } from 'fastify';
import { refusalOf } from '../auth/route-access.js';
import { requestContext } from '../logging/request-context.js';
import type { Idempotency } from './idempotency.js';
import { sendProblem } from './problem.filter.js';
import { REQUEST_ID_HEADER } from './request-id.js';

/**
 * The per-request machinery around Nest's handlers, as two Fastify hooks (each hook is a step
 * on every request's path, so related work shares one):
 * - preHandler: refuses a caller the route's class does not admit (route-access.ts), before
 *   anything is claimed or validated; binds the request's logger to the async context (after
 *   body parsing, whose stream callbacks would lose it), so services' log lines carry the request
 *   id; then claims or replays an Idempotency-Key.
 * - onSend: echoes the request id; remembers an idempotent response; while the server closes,
 *   asks keep-alive clients to close, so draining does not wait for their idle timeout.
 */
export function registerRequestLifecycle(fastify: FastifyInstance, idempotency: Idempotency): void {
  let closing = false;
  let sweeper: NodeJS.Timeout | undefined;

  fastify.addHook('preHandler', (request, reply, done) => {
    const refusal = request.routeAccess && refusalOf(request.routeAccess, request);
    if (refusal) return sendProblem(refusal, request, reply);
    requestContext.run({ requestId: request.id, log: request.log }, () => {
      const claimed = idempotency.before(request, reply);
      if (!claimed) return done();
      claimed.then(() => {
        if (!reply.sent) done();
      }, done);
    });
  });

  fastify.addHook('onSend', (request, reply, payload, done) => {
    void reply.header(REQUEST_ID_HEADER, request.id);
    if (closing) void reply.header('connection', 'close');
    const settled = idempotency.after(request, reply, payload);
    if (!settled) return done(null, payload);
    settled.then(() => done(null, payload), done);
  });

  // Fastify closes the connections idle when close() starts; one whose request finishes later
  // is closed as soon as it turns idle.
  fastify.addHook('preClose', (done) => {
    closing = true;
    sweeper = setInterval(() => fastify.server.closeIdleConnections(), 50);
    sweeper.unref();
    done();
  });
  fastify.addHook('onClose', (_instance, done) => {
    clearInterval(sweeper);
    done();
  });
}

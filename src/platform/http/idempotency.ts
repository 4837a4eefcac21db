import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { stringify } from 'safe-stable-stringify';
import { ConflictError, DomainError, ValidationError } from '../errors/domain.error.js';
import { IdempotencyRepository, type IdempotencyRecord } from './idempotency.repository.js';

export const IDEMPOTENCY_HEADER = 'idempotency-key';
const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;
/** A pending claim older than this belongs to a request that died; a retry may take it over. */
const STALE_CLAIM_MS = 60_000;
const MAX_STORED_PAYLOAD = 256 * 1024;

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by authentication once it exists; idempotency keys are scoped per caller. */
    principal?: { sub: string };
    idempotency?: { id: string; lockedAt: Date };
  }
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('base64url');
}

function routeOf(request: FastifyRequest): string {
  return request.routeOptions.url ?? request.url.split('?', 1)[0] ?? request.url;
}

/**
 * Idempotency-Key for retried writes (IETF httpapi-idempotency-key-header): the same key with
 * the same body replays the first response; the same key with a different body is a 422; a key
 * still being processed is a 409. Implemented as Fastify hooks rather than a Nest interceptor so
 * a replay can set the original status and skip the handler entirely.
 */
export function registerIdempotency(
  app: FastifyInstance,
  repository: IdempotencyRepository,
  ttlSeconds: number,
): void {
  app.addHook('preHandler', async (request: FastifyRequest, reply: FastifyReply) => {
    const header = request.headers[IDEMPOTENCY_HEADER];
    if (header === undefined || !WRITE_METHODS.has(request.method)) return;
    const key = Array.isArray(header) ? header[0] : header;
    if (key === undefined || !KEY_PATTERN.test(key)) {
      throw new ValidationError([
        {
          in: 'headers',
          field: IDEMPOTENCY_HEADER,
          message: 'Expected 1 to 255 visible ASCII characters.',
          code: 'invalid_format',
        },
      ]);
    }
    const scope = request.principal?.sub ?? 'anonymous';
    const id = sha256(`${scope}\n${request.method}\n${routeOf(request)}\n${request.url}\n${key}`);
    const requestHash = sha256(stringify(request.body ?? null) ?? 'null');
    const now = new Date();
    const fresh: IdempotencyRecord = {
      _id: id,
      requestHash,
      state: 'pending',
      lockedAt: now,
      expiresAt: new Date(now.getTime() + ttlSeconds * 1000),
    };

    let existing = await repository.claim(fresh);
    if (existing) {
      const expired = existing.expiresAt.getTime() <= now.getTime();
      const abandoned =
        existing.state === 'pending' &&
        now.getTime() - existing.lockedAt.getTime() > STALE_CLAIM_MS;
      if (
        (expired || (abandoned && existing.requestHash === requestHash)) &&
        (await repository.takeOver(existing, fresh))
      ) {
        existing = null;
      }
    }
    if (!existing) {
      request.idempotency = { id, lockedAt: now };
      return;
    }
    if (existing.requestHash !== requestHash) {
      throw new DomainError(
        'unprocessable',
        'idempotency_key_reused',
        'This Idempotency-Key was already used with a different request body.',
      );
    }
    if (existing.state === 'pending' || !existing.response) {
      throw new ConflictError(
        'idempotency_request_in_progress',
        'A request with this Idempotency-Key is still being processed; retry shortly.',
      );
    }
    const stored = existing.response;
    void reply.code(stored.status).header('idempotent-replayed', 'true');
    if (stored.contentType) void reply.header('content-type', stored.contentType);
    if (stored.location) void reply.header('location', stored.location);
    return reply.send(stored.payload);
  });

  app.addHook('onSend', async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
    const claim = request.idempotency;
    if (!claim) return payload;
    request.idempotency = undefined;
    const storable =
      reply.statusCode < 500 && typeof payload === 'string' && payload.length <= MAX_STORED_PAYLOAD;
    try {
      if (storable) {
        const location = reply.getHeader('location');
        const contentType = reply.getHeader('content-type');
        await repository.complete(claim.id, claim.lockedAt, {
          status: reply.statusCode,
          contentType: typeof contentType === 'string' ? contentType : undefined,
          location: typeof location === 'string' ? location : undefined,
          payload,
        });
      } else {
        // A server error is not an answer to remember: let the client's retry run again.
        await repository.release(claim.id, claim.lockedAt);
      }
    } catch (error) {
      request.log.warn({ err: error }, 'could not record the idempotent response');
    }
    return payload;
  });
}

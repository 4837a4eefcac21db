import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ConflictError, DomainError, ValidationError } from '../errors/domain.error.js';
import { fingerprint } from './fingerprint.js';
import { IdempotencyRepository, type IdempotencyRecord } from './idempotency.repository.js';

const IDEMPOTENCY_HEADER = 'idempotency-key';
const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;
/** A pending claim older than this belongs to a request that died; a retry may take it over. */
const STALE_CLAIM_MS = 60_000;
const MAX_STORED_PAYLOAD = 256 * 1024;

declare module 'fastify' {
  interface FastifyRequest {
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
 * still being processed is a 409. Run from Fastify hooks rather than a Nest interceptor, so a
 * replay can set the original status and skip the handler entirely; requests without the header
 * pay one property lookup.
 */
export class Idempotency {
  constructor(
    private readonly repository: IdempotencyRepository,
    private readonly ttlSeconds: number,
  ) {}

  /** Before the handler: undefined when the request carries no key (or is not a write). */
  before(request: FastifyRequest, reply: FastifyReply): Promise<void> | undefined {
    const header = request.headers[IDEMPOTENCY_HEADER];
    if (header === undefined || !WRITE_METHODS.has(request.method)) return undefined;
    return this.claim(request, reply, Array.isArray(header) ? header[0] : header);
  }

  /** After the response is serialized: remembers it, or releases the key after a 5xx. */
  after(request: FastifyRequest, reply: FastifyReply, payload: unknown): Promise<void> | undefined {
    const claim = request.idempotency;
    if (!claim) return undefined;
    request.idempotency = undefined;
    return this.settle(request, reply, payload, claim);
  }

  private async claim(
    request: FastifyRequest,
    reply: FastifyReply,
    key: string | undefined,
  ): Promise<void> {
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
    const requestHash = fingerprint(request.body ?? null);
    const now = new Date();
    const fresh: IdempotencyRecord = {
      _id: id,
      requestHash,
      state: 'pending',
      lockedAt: now,
      expiresAt: new Date(now.getTime() + this.ttlSeconds * 1000),
    };

    let existing = await this.repository.claim(fresh);
    if (existing) {
      const expired = existing.expiresAt.getTime() <= now.getTime();
      const abandoned =
        existing.state === 'pending' &&
        existing.requestHash === requestHash &&
        now.getTime() - existing.lockedAt.getTime() > STALE_CLAIM_MS;
      if ((expired || abandoned) && (await this.repository.takeOver(existing, fresh)))
        existing = null;
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
    void reply.send(stored.payload);
  }

  private async settle(
    request: FastifyRequest,
    reply: FastifyReply,
    payload: unknown,
    claim: { id: string; lockedAt: Date },
  ): Promise<void> {
    const storable =
      reply.statusCode < 500 && typeof payload === 'string' && payload.length <= MAX_STORED_PAYLOAD;
    try {
      if (storable) {
        const location = reply.getHeader('location');
        const contentType = reply.getHeader('content-type');
        await this.repository.complete(claim.id, claim.lockedAt, {
          status: reply.statusCode,
          contentType: typeof contentType === 'string' ? contentType : undefined,
          location: typeof location === 'string' ? location : undefined,
          payload,
        });
      } else {
        // A server error is not an answer to remember: let the client's retry run again.
        await this.repository.release(claim.id, claim.lockedAt);
      }
    } catch (error) {
      request.log.warn({ err: error }, 'could not record the idempotent response');
    }
  }
}

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureCalls, FixturesModule } from '../support/fixtures.module.js';
import { startTestApi, type TestApi } from '../support/test-api.js';
import type { Database } from '../../src/platform/storage/database.js';
import { DATABASE } from '../../src/platform/storage/storage.module.js';

let api: TestApi;

beforeAll(async () => {
  api = await startTestApi({ modules: [FixturesModule], env: { BODY_LIMIT_BYTES: '2048' } });
});
afterAll(() => api?.close());

function post(path: string, body: string, headers: Record<string, string> = {}) {
  return fetch(`${api.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
}

async function problemOf(response: Response) {
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  return (await response.json()) as Record<string, unknown>;
}

describe('bad input gets a 4xx problem, never a 500', () => {
  it('answers malformed JSON with 400 malformed_json', async () => {
    const response = await post('/fixtures/things', '{"name": "a",');
    expect(response.status).toBe(400);
    expect(await problemOf(response)).toMatchObject({ status: 400, code: 'malformed_json' });
  });

  it('answers a body that is not JSON with 415 unsupported_media_type', async () => {
    const response = await post('/fixtures/things', 'name=a', {
      'content-type': 'application/x-www-form-urlencoded',
    });
    expect(response.status).toBe(415);
    expect((await problemOf(response)).code).toBe('unsupported_media_type');
  });

  it('answers a body over the configured limit with 413 payload_too_large', async () => {
    const response = await post(
      '/fixtures/things',
      JSON.stringify({ name: 'x'.repeat(4096), count: 1 }),
    );
    expect(response.status).toBe(413);
    expect((await problemOf(response)).code).toBe('payload_too_large');
  });

  it('lists each unknown field and each wrong type, and writes nothing', async () => {
    const before = (await (await fetch(`${api.url}/fixtures/count`)).json()) as { things: number };
    const response = await post(
      '/fixtures/things',
      JSON.stringify({ name: 'a', count: 'three', extra: true, owner: { id: 'o1', role: 'x' } }),
    );
    expect(response.status).toBe(400);
    const problem = await problemOf(response);
    expect(problem.code).toBe('validation_failed');
    expect(problem.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ in: 'body', field: 'count', code: 'invalid_type' }),
        expect.objectContaining({ in: 'body', field: 'extra', code: 'unrecognized_keys' }),
        expect.objectContaining({ in: 'body', field: 'owner.role', code: 'unrecognized_keys' }),
      ]),
    );
    const after = (await (await fetch(`${api.url}/fixtures/count`)).json()) as { things: number };
    expect(after.things).toBe(before.things);
  });

  it('validates query strings with the same rules', async () => {
    const response = await fetch(`${api.url}/fixtures/slow?ms=soon`);
    expect(response.status).toBe(400);
    expect((await problemOf(response)).errors).toEqual([
      expect.objectContaining({ in: 'query', field: 'ms' }),
    ]);
  });

  it('answers an unknown route with 404 not_found', async () => {
    const response = await fetch(`${api.url}/no/such/route`);
    expect(response.status).toBe(404);
    expect(await problemOf(response)).toMatchObject({
      code: 'not_found',
      instance: '/no/such/route',
    });
  });

  it('hides an unexpected error behind 500 internal_error and logs it with its request id', async () => {
    const response = await fetch(`${api.url}/fixtures/boom`);
    expect(response.status).toBe(500);
    const problem = await problemOf(response);
    expect(problem.code).toBe('internal_error');
    expect(JSON.stringify(problem)).not.toContain('kaboom');
    const logged = api.logs.lines.find((l) => l.msg === 'request failed unexpectedly');
    expect(logged).toMatchObject({ reqId: problem.requestId, level: 'error' });
  });
});

describe('request ids', () => {
  it('gives every response an x-request-id that its problem body and log lines repeat', async () => {
    const response = await fetch(`${api.url}/no/such/route`);
    const id = response.headers.get('x-request-id');
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(((await response.json()) as { requestId: string }).requestId).toBe(id);
    expect(api.logs.lines.filter((l) => l.reqId === id).map((l) => l.msg)).toContain(
      'request refused',
    );
  });

  it("keeps a caller's well-formed request id and replaces a malformed one", async () => {
    const kept = await fetch(`${api.url}/health/live`, {
      headers: { 'x-request-id': 'apigw-123.abc' },
    });
    expect(kept.headers.get('x-request-id')).toBe('apigw-123.abc');
    const replaced = await fetch(`${api.url}/health/live`, {
      headers: { 'x-request-id': 'bad id\twith spaces' },
    });
    expect(replaced.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("puts the request id on a service's own log lines", async () => {
    const response = await post('/fixtures/things', JSON.stringify({ name: 'logged', count: 1 }));
    const id = response.headers.get('x-request-id');
    const line = api.logs.lines.find(
      (l) => typeof l.msg === 'string' && l.msg.startsWith('stored thing'),
    );
    expect(line?.reqId).toBe(id);
  });
});

describe('client IP in aws mode', () => {
  it('is the address API Gateway saw: two proxy hops are trusted, none that the client wrote', async () => {
    // client-written, client (as API Gateway adds it), API Gateway's VPC link (as the ALB adds it)
    const response = await fetch(`${api.url}/fixtures/ip`, {
      headers: { 'x-forwarded-for': '6.6.6.6, 203.0.113.7, 10.0.1.20' },
    });
    expect(await response.json()).toEqual({ ip: '203.0.113.7' });
  });
});

describe('Idempotency-Key', () => {
  it('replays the first response for the same key and body without running the handler again', async () => {
    const body = JSON.stringify({ name: 'once', count: 1 });
    const first = await post('/fixtures/things', body, { 'idempotency-key': 'key-same-1' });
    const callsAfterFirst = fixtureCalls();
    const second = await post('/fixtures/things', body, { 'idempotency-key': 'key-same-1' });
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(await second.json()).toEqual(await first.json());
    expect(fixtureCalls()).toBe(callsAfterFirst);
  });

  it('treats the same JSON with keys in another order as the same body', async () => {
    await post('/fixtures/things', '{"name":"order","count":2}', {
      'idempotency-key': 'key-order',
    });
    const again = await post('/fixtures/things', '{"count":2,"name":"order"}', {
      'idempotency-key': 'key-order',
    });
    expect(again.headers.get('idempotent-replayed')).toBe('true');
  });

  it('refuses the same key with a different body with 422 idempotency_key_reused', async () => {
    await post('/fixtures/things', JSON.stringify({ name: 'a', count: 1 }), {
      'idempotency-key': 'key-diff',
    });
    const response = await post('/fixtures/things', JSON.stringify({ name: 'b', count: 1 }), {
      'idempotency-key': 'key-diff',
    });
    expect(response.status).toBe(422);
    expect((await problemOf(response)).code).toBe('idempotency_key_reused');
  });

  it('lets exactly one of many concurrent requests with one key run the handler', async () => {
    const body = JSON.stringify({ name: 'race', count: 3 });
    const before = fixtureCalls();
    const responses = await Promise.all(
      Array.from({ length: 8 }, () =>
        post('/fixtures/things', body, { 'idempotency-key': 'key-race' }),
      ),
    );
    expect(fixtureCalls() - before).toBe(1);
    for (const response of responses) expect([201, 409]).toContain(response.status);
    const conflicts = responses.filter((r) => r.status === 409);
    for (const conflict of conflicts) {
      expect((await problemOf(conflict)).code).toBe('idempotency_request_in_progress');
    }
  });

  it('remembers a 4xx answer too, so a retry gets the same refusal', async () => {
    const body = JSON.stringify({ name: '', count: 1 });
    const first = await post('/fixtures/things', body, { 'idempotency-key': 'key-4xx' });
    const second = await post('/fixtures/things', body, { 'idempotency-key': 'key-4xx' });
    expect(first.status).toBe(400);
    expect(second.status).toBe(400);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
  });

  it('is never claimed by a request its route refuses: an unauthenticated write stores nothing', async () => {
    const keys = api.app.get<Database>(DATABASE).collection('idempotency_keys');
    const before = await keys.countDocuments({});
    for (let i = 0; i < 3; i++) {
      const response = await post('/files', JSON.stringify({ kind: 'profile_photo' }), {
        'idempotency-key': `anonymous-${i}`,
      });
      expect(response.status).toBe(401);
      expect((await problemOf(response)).code).toBe('unauthenticated');
    }
    expect(await keys.countDocuments({})).toBe(before);
  });

  it('rejects a malformed key with 400', async () => {
    const response = await post('/fixtures/things', JSON.stringify({ name: 'a', count: 1 }), {
      'idempotency-key': 'x'.repeat(300),
    });
    expect(response.status).toBe(400);
    expect((await problemOf(response)).errors).toEqual([
      expect.objectContaining({ in: 'headers', field: 'idempotency-key' }),
    ]);
  });
});

describe('health', () => {
  it('is live', async () => {
    const response = await fetch(`${api.url}/health/live`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('is ready when the database answers', async () => {
    const response = await fetch(`${api.url}/health/ready`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      status: 'ok',
      checks: { database: { status: 'up', kind: 'embedded' } },
    });
  });
});

describe('OpenAPI', () => {
  it('serves an OpenAPI 3.1 document generated from the zod schemas, and Swagger UI at /docs', async () => {
    const document = (await (await fetch(`${api.url}/docs/json`)).json()) as {
      openapi: string;
      paths: Record<
        string,
        Record<
          string,
          {
            requestBody?: unknown;
            responses: Record<string, unknown>;
            parameters?: { name: string; in: string }[];
          }
        >
      >;
      components: { schemas: Record<string, unknown> };
    };
    expect(document.openapi).toBe('3.1.0');
    const create = document.paths['/fixtures/things']?.post;
    expect(create?.requestBody).toMatchObject({
      content: {
        'application/json': {
          schema: { properties: { name: { type: 'string' } }, additionalProperties: false },
        },
      },
    });
    expect(Object.keys(create?.responses ?? {})).toEqual(
      expect.arrayContaining(['201', '400', '409', '422', '500']),
    );
    expect(create?.parameters).toContainEqual(
      expect.objectContaining({ name: 'idempotency-key', in: 'header' }),
    );
    expect(document.paths['/fixtures/slow']?.get?.parameters).toContainEqual(
      expect.objectContaining({ name: 'ms', in: 'query' }),
    );
    expect(document.paths['/health/ready']?.get?.responses).toHaveProperty('503');
    expect(document.components.schemas).toHaveProperty('Problem');

    const ui = await fetch(`${api.url}/docs`, { redirect: 'follow' });
    expect(ui.status).toBe(200);
    expect(await ui.text()).toContain('swagger');
  });
});

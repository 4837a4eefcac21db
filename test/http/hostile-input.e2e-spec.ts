import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FixturesModule } from '../support/fixtures.module.js';
import { startTestApi, type TestApi } from '../support/test-api.js';

/**
 * What an attacker sends before any handler runs: bodies nested deep enough to overflow a
 * recursive walk, bodies in another charset or not UTF-8 at all, escapes that make invalid
 * UTF-16, paths longer than the router takes. Each gets a 4xx problem, never a 500, and never a
 * stack trace in the log.
 */
let api: TestApi;

beforeAll(async () => {
  api = await startTestApi({ modules: [FixturesModule] });
});
afterAll(() => api?.close());

function post(path: string, body: string | Uint8Array, headers: Record<string, string> = {}) {
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

function nested(depth: number): string {
  return `${'['.repeat(depth)}${']'.repeat(depth)}`;
}

/** The app's lines carry level labels (baseOptions): a numeric compare never matched one. */
function errorLinesSince(mark: number) {
  return api.logs.lines
    .slice(mark)
    .filter((line) => line.level === 'error' || line.level === 'fatal');
}

describe('JSON nesting depth is bounded when the body is parsed', () => {
  it('answers a body nested 5,000 deep with an Idempotency-Key with 400 body_too_deep and logs no error', async () => {
    const mark = api.logs.lines.length;
    const response = await post('/fixtures/things', `{"name":${nested(5_000)}}`, {
      'idempotency-key': 'deep-1',
    });
    expect(response.status).toBe(400);
    expect(await problemOf(response)).toMatchObject({ status: 400, code: 'body_too_deep' });
    expect(errorLinesSince(mark)).toEqual([]);
  });

  it('refuses the same body on the public sign-up route before anything else runs', async () => {
    const response = await post('/auth/sign-up', `{"email":${nested(5_000)}}`, {
      'idempotency-key': 'deep-2',
    });
    expect(response.status).toBe(400);
    expect((await problemOf(response)).code).toBe('body_too_deep');
  });

  it('takes a body at the depth limit (then validates it) and refuses one level deeper', async () => {
    const atLimit = await post('/fixtures/things', nested(32));
    expect((await problemOf(atLimit)).code).toBe('validation_failed');
    const deeper = await post('/fixtures/things', nested(33));
    expect((await problemOf(deeper)).code).toBe('body_too_deep');
  });

  it('does not count brackets inside strings', async () => {
    const response = await post(
      '/fixtures/things',
      JSON.stringify({ name: `${'['.repeat(100)}"\\{`, count: 1 }),
    );
    expect(response.status).toBe(201);
  });
});

describe('the body must be UTF-8, and its text well-formed', () => {
  it('answers a charset other than UTF-8 with 415 unsupported_charset', async () => {
    const body = Buffer.from(JSON.stringify({ name: 'a', count: 1 }), 'utf16le');
    const response = await post('/fixtures/things', body, {
      'content-type': 'application/json; charset=utf-16',
    });
    expect(response.status).toBe(415);
    expect(await problemOf(response)).toMatchObject({ code: 'unsupported_charset' });
  });

  it('takes charset=utf-8 in any spelling', async () => {
    for (const contentType of [
      'application/json; charset=utf-8',
      'application/json;charset=UTF-8',
      'application/json; charset="utf-8"',
    ]) {
      const response = await post('/fixtures/things', JSON.stringify({ name: 'u', count: 1 }), {
        'content-type': contentType,
      });
      expect(response.status, contentType).toBe(201);
    }
  });

  it('answers bytes that are not UTF-8 with 400 invalid_encoding instead of storing U+FFFD', async () => {
    const body = Buffer.concat([
      Buffer.from('{"name":"'),
      Buffer.from([0xc3, 0x28]),
      Buffer.from('","count":1}'),
    ]);
    const response = await post('/fixtures/things', body);
    expect(response.status).toBe(400);
    expect((await problemOf(response)).code).toBe('invalid_encoding');
  });

  it('answers a lone surrogate escape, in a value or a key, with 400 invalid_unicode', async () => {
    for (const body of ['{"name":"a\\ud800b","count":1}', '{"name":"a","count":1,"\\udc00":1}']) {
      const response = await post('/fixtures/things', body);
      expect(response.status, body).toBe(400);
      expect((await problemOf(response)).code).toBe('invalid_unicode');
    }
  });

  it('takes a surrogate pair escape (an emoji)', async () => {
    const response = await post('/fixtures/things', '{"name":"\\ud83d\\ude00","count":1}');
    expect(response.status).toBe(201);
    expect(((await response.json()) as { name: string }).name).toBe('😀');
  });
});

describe('path parameters', () => {
  it('reaches a route with an id as long as its schema allows (128 characters)', async () => {
    const id = 'a'.repeat(128);
    const response = await fetch(`${api.url}/fixtures/echo/${id}`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ id });
  });

  it('answers a path parameter longer than the router takes with a problem, not a bare 414', async () => {
    const response = await fetch(`${api.url}/fixtures/echo/${'a'.repeat(5_000)}`);
    expect(response.status).toBe(414);
    expect(await problemOf(response)).toMatchObject({ status: 414, code: 'uri_too_long' });
  });

  it('answers a malformed percent-escape in the path with a problem', async () => {
    const response = await fetch(`${api.url}/fixtures/echo/%E0%A4%A`);
    expect(response.status).toBe(400);
    expect((await problemOf(response)).code).toBe('bad_url');
  });
});

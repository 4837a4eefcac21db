import { afterEach, describe, expect, it } from 'vitest';
import { FixturesModule } from '../support/fixtures.module.js';
import { startTestApi, type TestApi } from '../support/test-api.js';

let api: TestApi | undefined;
afterEach(() => api?.close());

async function linesFor(env: Record<string, string>, path: string) {
  api = await startTestApi({ modules: [FixturesModule], env });
  const response = await fetch(`${api.url}${path}`);
  await response.arrayBuffer();
  const id = response.headers.get('x-request-id');
  // Fastify logs a request after its response is written; give that callback its turn.
  await new Promise((resolve) => setTimeout(resolve, 50));
  return api.logs.lines.filter((l) => l.reqId === id);
}

describe('request logging', () => {
  it('writes one line per completed request when the access log is on, with the path but no query', async () => {
    const lines = await linesFor({ ENABLE_ACCESS_LOG: 'true' }, '/fixtures/slow?ms=0');
    expect(lines).toEqual([
      expect.objectContaining({
        msg: 'request completed',
        method: 'GET',
        path: '/fixtures/slow',
        status: 200,
      }),
    ]);
  });

  it('writes nothing for a fast, successful request when the access log is off', async () => {
    expect(await linesFor({ ENABLE_ACCESS_LOG: 'false' }, '/fixtures/slow?ms=0')).toEqual([]);
  });

  it('always warns about a slow request', async () => {
    const lines = await linesFor(
      { ENABLE_ACCESS_LOG: 'false', SLOW_REQUEST_MS: '20' },
      '/fixtures/slow?ms=40',
    );
    expect(lines).toEqual([
      expect.objectContaining({ msg: 'slow request', level: 'warn', status: 200 }),
    ]);
  });
});

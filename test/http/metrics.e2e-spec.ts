import { afterEach, describe, expect, it } from 'vitest';
import { resetMetrics } from '../../src/platform/metrics/metrics.js';
import { startTestApi, type TestApi } from '../support/test-api.js';

/** The API counts its requests by route class, for the EMF lines it writes once a minute. */
describe('request metrics', () => {
  let api: TestApi | undefined;
  afterEach(() => api?.close());

  it('counts requests, their latency and their errors by route class', async () => {
    api = await startTestApi();
    const metrics = resetMetrics();

    expect((await fetch(`${api.url}/health/live`)).status).toBe(200);
    expect((await fetch(`${api.url}/me`)).status).toBe(401);
    const documents = metrics.flush();

    expect(documents).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          RouteClass: 'public',
          Requests: 1,
          Latency: [expect.any(Number)],
        }),
        expect.objectContaining({ RouteClass: 'member', Requests: 1, ClientErrors: 1 }),
      ]),
    );
  });
});

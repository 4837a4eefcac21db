import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { fixtureEvents, FixturesModule } from '../support/fixtures.module.js';
import { startTestApi } from '../support/test-api.js';

describe('graceful shutdown', () => {
  it('finishes the requests in flight, then stops taking new ones', async () => {
    const api = await startTestApi({ modules: [FixturesModule] });
    const started = once(fixtureEvents, 'slow-started');
    const inFlight = fetch(`${api.url}/fixtures/slow?ms=400`);
    await started;

    const closing = api.app.close();
    const late = await fetch(`${api.url}/health/live`).then(
      (response) => response.status,
      () => 'refused' as const,
    );
    const finished = await inFlight;

    expect(finished.status).toBe(200);
    expect(await finished.json()).toEqual({ waited: 400 });
    expect(late === 'refused' || late === 503).toBe(true);
    await closing;
    await api.close();
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { MigrationStateRepository } from '../../src/modules/firestore-migration/engine/migration-state.repository.js';
import { TokenVerifier } from '../../src/platform/auth/token-verifier.js';
import type { Database } from '../../src/platform/storage/database.js';
import { DATABASE } from '../../src/platform/storage/storage.module.js';
import { AWS_LIKE_ENV, startTestApi, type TestApi } from '../support/test-api.js';
import { TokenMint } from '../support/tokens.js';

const mint = new TokenMint(AWS_LIKE_ENV.COGNITO_USER_POOL_ID, AWS_LIKE_ENV.COGNITO_CLIENT_ID);

/** `GET /admin/migrations/status` through the whole app: admins only, 404 when switched off. */
describe('the migration status route', () => {
  let api: TestApi | undefined;
  afterEach(() => api?.close());

  async function start(env: Record<string, string> = {}) {
    api = await startTestApi({ env });
    api.app.get(TokenVerifier).trustKeySet(mint.jwks);
    return api;
  }
  const get = (token: string) =>
    fetch(`${api!.url}/admin/migrations/status`, { headers: { authorization: `Bearer ${token}` } });

  it('shows admins every stage, its counts and the latest issues (paths and codes only)', async () => {
    await start();
    const state = new MigrationStateRepository(api!.app.get<Database>(DATABASE));
    await state.report(
      'members',
      'run-1',
      [
        {
          path: 'users/u1',
          code: 'ci_collision',
          detail: 'ci: another migrated worker holds the same CI',
        },
      ],
      new Date(),
    );

    const response = await get(mint.access('admin-1', ['admin']));

    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      enabled: boolean;
      stages: { stage: string; status: string; issues: number }[];
    };
    expect(body.enabled).toBe(true);
    expect(body.stages.map((s) => s.stage)).toEqual([
      'members',
      'worker-details',
      'businesses',
      'shifts',
      'assignments',
      'archive',
    ]);
    expect(body.stages[0]).toMatchObject({ status: 'pending', issues: 1 });
  });

  it('refuses operators (admins only)', async () => {
    await start();
    expect((await get(mint.access('op-1', ['operator']))).status).toBe(403);
  });

  it('answers 404, as if the route were absent, while MIGRATION_ENABLED=false', async () => {
    await start({ MIGRATION_ENABLED: 'false' });
    const response = await get(mint.access('admin-1', ['admin']));
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ code: 'not_found' });
  });
});

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TokenVerifier } from '../../src/platform/auth/token-verifier.js';
import type { Database } from '../../src/platform/storage/database.js';
import { DATABASE } from '../../src/platform/storage/storage.module.js';
import { LegacyUsersRepository } from '../../src/modules/legacy-auth/legacy-users.repository.js';
import { lastAccessRecord } from '../support/access-records.js';
import { generatedExport } from '../support/legacy-export.js';
import { AWS_LIKE_ENV, startTestApi, type TestApi } from '../support/test-api.js';
import { TokenMint } from '../support/tokens.js';

const mint = new TokenMint(AWS_LIKE_ENV.COGNITO_USER_POOL_ID, AWS_LIKE_ENV.COGNITO_CLIENT_ID);
const ADMIN = mint.access('admin-1', ['admin']);

/** `POST /admin/migrations/users/:uid` through the whole app, over a generated NDJSON source. */
describe('migrating one user on demand', () => {
  let legacy: string;
  let api: TestApi | undefined;
  /** The first generated user (users are written first, in order). */
  let uid: string;

  beforeAll(async () => {
    legacy = await mkdtemp(path.join(tmpdir(), 'wm-user-route-'));
    ({ first: uid } = await generatedExport(legacy, { users: 20, seed: 'route' }));
  });
  afterAll(() => rm(legacy, { recursive: true, force: true }));
  afterEach(() => api?.close());

  async function start(env: Record<string, string> = {}) {
    api = await startTestApi({
      env: { MIGRATION_SOURCE: 'ndjson', MIGRATION_SOURCE_PATH: legacy, ...env },
    });
    api.app.get(TokenVerifier).trustKeySet(mint.jwks);
    return api;
  }
  const post = (id: string, token = ADMIN, headers: Record<string, string> = {}) =>
    fetch(`${api!.url}/admin/migrations/users/${id}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, ...headers },
    });

  it('moves the user’s graph, says what moved, records the staff action, and moves nothing the second time', async () => {
    await start();

    const response = await post(uid);

    expect(response.status).toBe(200);
    const report = (await response.json()) as {
      outcome: string;
      moved: string[];
      alreadyThere: number;
    };
    expect(report.outcome).toBe('done');
    expect(report.moved).toContain(`users/${uid}`);
    const db = api!.app.get<Database>(DATABASE);
    expect(await db.collection('members').countDocuments({ _id: uid as never })).toBe(1);
    expect(await lastAccessRecord(db)).toEqual(
      expect.objectContaining({
        actor: expect.objectContaining({ id: 'admin-1' }),
        action: 'create',
        subjects: [uid],
      }),
    );

    const again = (await (await post(uid)).json()) as typeof report;
    expect(again).toMatchObject({ outcome: 'done', moved: [], alreadyThere: report.moved.length });
  });

  it('replays the first answer for the same Idempotency-Key', async () => {
    await start();
    const key = { 'idempotency-key': 'migrate-one-user-1' };

    const first = await (await post(uid, ADMIN, key)).json();
    const replay = await post(uid, ADMIN, key);

    expect(replay.status).toBe(200);
    expect(await replay.json()).toEqual(first);
  });

  it('answers 404 legacy_user_not_found for a uid the old app never had', async () => {
    await start();

    const response = await post('NoSuchLegacyUser');

    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ code: 'legacy_user_not_found' });
  });

  it('is for admins only', async () => {
    await start();
    expect((await post(uid, mint.access('op-1', ['operator']))).status).toBe(403);
  });

  it('answers 409 migration_source_not_configured without a source', async () => {
    api = await startTestApi();
    api.app.get(TokenVerifier).trustKeySet(mint.jwks);

    const response = await post(uid);

    expect(response.status).toBe(409);
    expect(await response.json()).toMatchObject({ code: 'migration_source_not_configured' });
  });

  it('answers 404, as if the route were absent, while MIGRATION_ENABLED=false', async () => {
    await start({ MIGRATION_ENABLED: 'false' });

    const response = await post(uid);

    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ code: 'not_found' });
  });
});

/** `POST /admin/migrations/users-by-email`: the same, for an admin who knows the member's email. */
describe('migrating one user on demand, by email', () => {
  let legacy: string;
  let api: TestApi | undefined;
  let uid: string;
  let withEmail: { uid: string; email: string };

  beforeAll(async () => {
    legacy = await mkdtemp(path.join(tmpdir(), 'wm-user-email-'));
    ({ first: uid, withEmail } = await generatedExport(legacy, { users: 20, seed: 'route-email' }));
  });
  afterAll(() => rm(legacy, { recursive: true, force: true }));
  afterEach(() => api?.close());

  async function start() {
    api = await startTestApi({
      env: { MIGRATION_SOURCE: 'ndjson', MIGRATION_SOURCE_PATH: legacy },
    });
    api.app.get(TokenVerifier).trustKeySet(mint.jwks);
    return api;
  }
  const post = (body: unknown, token = ADMIN) =>
    fetch(`${api!.url}/admin/migrations/users-by-email`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('finds the user by their Firebase Auth account’s email, in any case, and moves their graph', async () => {
    await start();
    // The account `cli legacy-auth import` stored for the first user.
    await new LegacyUsersRepository(api!.app.get<Database>(DATABASE)).upsertMany(
      [
        {
          uid,
          email: 'stranded.member@example.com',
          emailVerified: true,
          password: undefined,
          disabled: false,
          providers: ['password'],
          role: 'worker',
          phone: undefined,
        },
      ],
      new Date(),
    );

    const response = await post({ email: 'Stranded.Member@Example.com' });

    expect(response.status, await response.clone().text()).toBe(200);
    const report = (await response.json()) as { uid: string; outcome: string; moved: string[] };
    expect(report).toMatchObject({ uid, outcome: 'done' });
    expect(report.moved).toContain(`users/${uid}`);
    expect(await lastAccessRecord(api!.app.get<Database>(DATABASE))).toEqual(
      expect.objectContaining({ action: 'create', subjects: [uid] }),
    );
  });

  it('finds a user with no account by the email their document holds', async () => {
    await start();

    const report = (await (await post({ email: withEmail.email })).json()) as { uid: string };

    expect(report.uid).toBe(withEmail.uid);
  });

  it('answers 404 legacy_user_not_found for an email no one had, without echoing it', async () => {
    await start();

    const response = await post({ email: 'never.here@example.com' });

    expect(response.status).toBe(404);
    const problem = await response.text();
    expect(JSON.parse(problem)).toMatchObject({ code: 'legacy_user_not_found' });
    expect(problem).not.toContain('never.here');
  });

  it('refuses what is not an email, and is for admins only', async () => {
    await start();
    for (const body of [{ email: 'not-an-email' }, {}, { email: withEmail.email, uid }]) {
      expect((await post(body)).status).toBe(400);
    }
    expect((await post({ email: withEmail.email }, mint.access('op-2', ['operator']))).status).toBe(
      403,
    );
  });
});

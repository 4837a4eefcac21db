import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { MembersService } from '../../src/modules/members/members.service.js';
import { TokenVerifier } from '../../src/platform/auth/token-verifier.js';
import { EmbeddedDatabase } from '../../src/platform/storage/embedded/embedded-database.js';
import { KmsStub } from '../support/kms-stub.js';
import { AWS_LIKE_ENV, startTestApi, type TestApi } from '../support/test-api.js';
import { TokenMint } from '../support/tokens.js';

const silent = pino({ level: 'silent' });
const mint = new TokenMint(AWS_LIKE_ENV.COGNITO_USER_POOL_ID, AWS_LIKE_ENV.COGNITO_CLIENT_ID);
const operator = mint.access('op-1', ['operator']);
const MEMBER = { id: 'worker-1', username: 'worker-1', role: 'worker' as const };

/**
 * aws mode with KMS: the data keys are wrapped by KMS (a protocol-faithful stub, called by the
 * real SDK client) and shared by every API task through the database.
 */
describe('field keys under KMS, shared by two API tasks', () => {
  let kms: KmsStub;
  let dir: string;
  let db: EmbeddedDatabase;
  let env: Record<string, string>;
  let first: TestApi;
  let second: TestApi | undefined;

  beforeAll(async () => {
    // The SDK's default credential chain, as the ECS task role would provide.
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIDEXAMPLE');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'secret');
    kms = await KmsStub.start({ region: 'ap-northeast-2' });
    const keyId = kms.createKey('workmatch-fields');
    dir = await mkdtemp(path.join(tmpdir(), 'wm-kms-'));
    db = await EmbeddedDatabase.open(dir, { logger: silent });
    env = {
      EMBEDDED_DB_DIR: dir,
      AWS_REGION: 'ap-northeast-2',
      KMS_KEY_ID: keyId,
      KMS_ENDPOINT: kms.endpoint,
    };
    first = await startTestApi({ env });
    first.app.get(TokenVerifier).trustKeySet(mint.jwks);
    await first.app
      .get(MembersService)
      .ensureProfile({ ...MEMBER, email: 'kim.minsu@example.com', phone: '+821012345678' });
  });
  afterAll(async () => {
    vi.unstubAllEnvs();
    await second?.close();
    await first?.close();
    await db?.close();
    await kms?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const read = (api: TestApi) =>
    fetch(`${api.url}/operator/members/${MEMBER.id}`, {
      headers: { authorization: `Bearer ${operator}` },
    });

  it('encrypts under a KMS-wrapped key and reports the keys ready', async () => {
    expect(kms.calls.GenerateDataKey).toBe(2); // the first data key and the blind index key
    const stored = JSON.stringify(await db.collection('members').findOne({}));
    expect(stored).not.toContain('kim.minsu');
    const ready = await fetch(`${first.url}/health/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ checks: { keys: { status: 'up', kind: 'kms' } } });
    expect(await (await read(first)).json()).toMatchObject({ email: 'ki***@example.com' });
  });

  it('keeps serving with the keys it holds while KMS is unreachable', async () => {
    await kms.stop();
    try {
      expect((await read(first)).status).toBe(200);
      expect((await fetch(`${first.url}/health/ready`)).status).toBe(200);
    } finally {
      await kms.start();
    }
  });

  it('starts a task during a KMS outage: not ready and 503 until KMS returns, then serves', async () => {
    await kms.stop();
    try {
      second = await startTestApi({ env, migrate: false });
      second.app.get(TokenVerifier).trustKeySet(mint.jwks);
      const ready = await fetch(`${second.url}/health/ready`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toMatchObject({ checks: { keys: { status: 'down' } } });
      const refused = await read(second);
      expect(refused.status).toBe(503);
      expect(await refused.json()).toMatchObject({ code: 'key_unavailable' });
    } finally {
      await kms.start();
    }
    expect((await fetch(`${second.url}/health/ready`)).status).toBe(200);
    expect(await (await read(second)).json()).toMatchObject({ phone: '010-****-5678' });
    expect(kms.calls.GenerateDataKey).toBe(2); // the second task used the shared ring
  });
});

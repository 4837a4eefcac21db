import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openTestDatabase, type TestDatabase } from './support.js';

describe('the Lambda entry point', () => {
  let ctx: TestDatabase;

  beforeAll(async () => {
    // Its own directory: the Lambda opens the database itself, from the environment.
    ctx = await openTestDatabase({ migrate: false });
    await ctx.db.close();
    vi.stubEnv('APP_MODE', 'local');
    vi.stubEnv('LOG_LEVEL', 'silent');
    vi.stubEnv('EMBEDDED_DB_DIR', path.join(ctx.dir, 'lambda-db'));
  });

  afterAll(async () => {
    vi.unstubAllEnvs();
    await ctx?.close().catch(() => undefined);
  });

  it('opens the configured database once and dispatches on triggerSource', async () => {
    const { handler } = await import('../../src/modules/legacy-auth/lambda.js');
    const event = {
      version: '1',
      region: 'ap-northeast-2',
      userPoolId: 'ap-northeast-2_AbCdEf123',
      userName: 'c0ffee00-0000-4000-8000-000000000000',
      callerContext: { awsSdkVersion: 'x', clientId: 'c' },
      triggerSource: 'PreSignUp_SignUp' as const,
      request: { userAttributes: { email: 'fresh@example.com' } },
      response: {},
    };

    await expect(handler(event)).resolves.toMatchObject({
      response: { autoConfirmUser: false },
    });
    await expect(handler({ ...event, userName: 'second' })).resolves.toMatchObject({
      userName: 'second',
    });
    await expect(
      handler({
        ...event,
        triggerSource: 'UserMigration_Authentication',
        userName: 'nobody@example.com',
        request: { password: 'x' },
      } as never),
    ).rejects.toThrow('Incorrect username or password.');
  });
});

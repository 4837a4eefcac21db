import { describe, expect, it, vi } from 'vitest';
import { resolveSecretEnvironment, SecretEnvironmentError } from './secret-environment.js';

const ARN =
  'arn:aws:secretsmanager:ap-northeast-2:111111111111:secret:workmatch/dev/legacyAuth-AbCdEf';
const DB = 'arn:aws:secretsmanager:ap-northeast-2:111111111111:secret:workmatch/dev/db-GhIjKl';

function secrets(values: Record<string, string>) {
  return vi.fn(async (arn: string) => {
    const value = values[arn];
    if (value === undefined) throw new Error(`ResourceNotFoundException: ${arn}`);
    return value;
  });
}

describe('resolveSecretEnvironment', () => {
  it('sets each NAME from its NAME_FROM_SECRET: a JSON key of the secret, or the whole secret', async () => {
    const read = secrets({
      [ARN]: JSON.stringify({ LEGACY_AUTH_HASH_CONFIG: '{"algorithm":"SCRYPT"}' }),
      [DB]: JSON.stringify({ username: 'workmatch', password: 'rotated' }),
    });
    const env = await resolveSecretEnvironment(
      {
        APP_MODE: 'aws',
        LEGACY_AUTH_HASH_CONFIG_FROM_SECRET: `${ARN}#LEGACY_AUTH_HASH_CONFIG`,
        MONGODB_USERNAME_FROM_SECRET: `${DB}#username`,
        MONGODB_PASSWORD_FROM_SECRET: `${DB}#password`,
      },
      read,
    );
    expect(env).toMatchObject({
      APP_MODE: 'aws',
      LEGACY_AUTH_HASH_CONFIG: '{"algorithm":"SCRYPT"}',
      MONGODB_USERNAME: 'workmatch',
      MONGODB_PASSWORD: 'rotated',
    });
    expect(read).toHaveBeenCalledTimes(2);
  });

  it('reads nothing when no variable names a secret', async () => {
    const read = secrets({});
    expect(await resolveSecretEnvironment({ APP_MODE: 'local' }, read)).toEqual({
      APP_MODE: 'local',
    });
    expect(read).not.toHaveBeenCalled();
  });

  it('names the variable, never the value, when a secret lacks the key or is not JSON', async () => {
    const read = secrets({ [ARN]: JSON.stringify({ other: 'hunter2' }), [DB]: 'not json hunter2' });
    const missing = await resolveSecretEnvironment({ X_FROM_SECRET: `${ARN}#wanted` }, read).catch(
      (e: unknown) => e,
    );
    expect(missing).toBeInstanceOf(SecretEnvironmentError);
    expect(String(missing)).toMatch(/X_FROM_SECRET: the secret has no key "wanted"/);
    const notJson = await resolveSecretEnvironment({ Y_FROM_SECRET: `${DB}#password` }, read).catch(
      (e: unknown) => e,
    );
    expect(String(notJson)).toMatch(/Y_FROM_SECRET: the secret is not a JSON object/);
    expect(`${String(missing)} ${String(notJson)}`).not.toContain('hunter2');
  });

  it('lets a variable set directly win over its secret, as an override for a one-off run', async () => {
    const read = secrets({ [DB]: JSON.stringify({ password: 'rotated' }) });
    const env = await resolveSecretEnvironment(
      { MONGODB_PASSWORD: 'given', MONGODB_PASSWORD_FROM_SECRET: `${DB}#password` },
      read,
    );
    expect(env.MONGODB_PASSWORD).toBe('given');
    expect(read).not.toHaveBeenCalled();
  });
});

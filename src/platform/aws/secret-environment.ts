import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

/**
 * Secrets Manager values as environment variables, for a process that has no ECS `secrets` (the
 * Cognito trigger Lambda): each `NAME_FROM_SECRET=<secret ARN>[#<JSON key>]` sets `NAME` to that
 * key of the secret (or to the whole secret), as ECS's `valueFrom` does for a task. Run once,
 * before the configuration is read; a variable set directly wins. Errors name the variable and
 * the problem, never a value.
 */
const SUFFIX = '_FROM_SECRET';

export class SecretEnvironmentError extends Error {
  override readonly name = 'SecretEnvironmentError';
}

export async function resolveSecretEnvironment(
  env: NodeJS.ProcessEnv,
  read: (secretId: string) => Promise<string> = readSecret,
): Promise<NodeJS.ProcessEnv> {
  const wanted = Object.entries(env).filter(
    ([name, value]) =>
      name.endsWith(SUFFIX) && value && env[name.slice(0, -SUFFIX.length)] === undefined,
  );
  if (wanted.length === 0) return env;
  const bySecret = new Map<string, Promise<string>>();
  const resolved: NodeJS.ProcessEnv = { ...env };
  for (const [variable, reference] of wanted) {
    const [secretId, key] = reference!.split('#', 2) as [string, string | undefined];
    let secret = bySecret.get(secretId);
    if (!secret) bySecret.set(secretId, (secret = read(secretId)));
    const text = await secret.catch((error: unknown) => {
      throw new SecretEnvironmentError(
        `${variable}: the secret cannot be read (${errorName(error)})`,
        {
          cause: error,
        },
      );
    });
    resolved[variable.slice(0, -SUFFIX.length)] =
      key === undefined ? text : keyOf(variable, text, key);
  }
  return resolved;
}

function keyOf(variable: string, text: string, key: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new SecretEnvironmentError(`${variable}: the secret is not a JSON object`);
  }
  const value = (parsed as Record<string, unknown>)[key];
  if (value === undefined || value === null) {
    throw new SecretEnvironmentError(`${variable}: the secret has no key "${key}"`);
  }
  return typeof value === 'string' ? value : JSON.stringify(value);
}

const errorName = (error: unknown) => (error instanceof Error ? error.name : 'unknown error');

let client: SecretsManagerClient | undefined;

async function readSecret(secretId: string): Promise<string> {
  client ??= new SecretsManagerClient({});
  const answer = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
  if (answer.SecretString === undefined) throw new SecretEnvironmentError('a binary secret');
  return answer.SecretString;
}

/**
 * The Lambda function behind the user pool's "Migrate user" and "Pre sign-up" triggers
 * (infra/lib/identity-stack.ts deploys it with the service's environment). Configuration,
 * logger and database are set up on the first event and kept for the container's life. The
 * event holds the plaintext password on sign-in: it is never logged, here or in the handlers.
 */
import { loadConfig } from '../../config/config.js';
import { resolveSecretEnvironment } from '../../platform/aws/secret-environment.js';
import { createLogger, flushLogger, type Logger } from '../../platform/logging/logger.js';
import { triggerEnvironment } from './lambda-environment.js';
import { legacyAuthRuntime, type LegacyAuthRuntime } from './legacy-auth.runtime.js';
import type { LegacyAuthTriggerEvent } from './legacy-auth.triggers.js';

let container: { runtime: LegacyAuthRuntime; logger: Logger } | undefined;

export async function handler(event: LegacyAuthTriggerEvent): Promise<LegacyAuthTriggerEvent> {
  if (!container) {
    // A Lambda has no ECS `secrets`: its `*_FROM_SECRET` variables are read from Secrets Manager.
    const env = await resolveSecretEnvironment(triggerEnvironment(process.env, event));
    const config = loadConfig(env);
    const logger = createLogger(config, { name: 'legacy-auth-lambda' });
    container = { runtime: legacyAuthRuntime(config, logger), logger };
  }
  try {
    return await container.runtime.handle(event);
  } finally {
    // Lambda may freeze the container as soon as the promise settles: lines must be out by then.
    await flushLogger(container.logger);
  }
}

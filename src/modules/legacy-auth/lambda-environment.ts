import type { LegacyAuthTriggerEvent } from './legacy-auth.triggers.js';

/**
 * The trigger's user pool and app client, from the event of the pool that invokes it: the
 * function's own environment cannot name them (the pool names the function, so the function
 * naming the pool is a cycle CloudFormation refuses). What the environment sets wins.
 */
export function triggerEnvironment(
  env: NodeJS.ProcessEnv,
  event: Pick<LegacyAuthTriggerEvent, 'userPoolId' | 'callerContext'>,
): NodeJS.ProcessEnv {
  const clientId = event.callerContext.clientId;
  return {
    ...env,
    ...(env.COGNITO_USER_POOL_ID ? {} : { COGNITO_USER_POOL_ID: event.userPoolId }),
    ...(env.COGNITO_CLIENT_ID || !clientId ? {} : { COGNITO_CLIENT_ID: clientId }),
  };
}

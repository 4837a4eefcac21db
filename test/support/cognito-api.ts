import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Type } from '@nestjs/common';
import { LOCAL_DEFAULTS } from '../../src/config/config.js';
import { startCognitoLocal } from '../../src/local/cognito.js';
import { freePort } from '../../src/local/ports.js';
import { startTestApi, type TestApi } from './test-api.js';

export interface CognitoApi {
  api: TestApi;
  /** What cognito-local "sent": `code <digits> for user <username> (<masked address>)`. */
  cognitoLines: string[];
  /** The latest confirmation or reset code cognito-local delivered for this user. */
  codeFor(userId: string): string;
  close(): Promise<void>;
}

/** The real app in local mode against cognito-local on a free port, with the seeded pool. */
export async function startApiWithCognito(
  options: { env?: Record<string, string>; modules?: Type[] } = {},
): Promise<CognitoApi> {
  const cognitoLines: string[] = [];
  const cognitoDir = await mkdtemp(path.join(tmpdir(), 'wm-cognito-'));
  const port = await freePort();
  const cognito = await startCognitoLocal({
    dir: cognitoDir,
    port,
    seed: {
      userPoolId: LOCAL_DEFAULTS.userPoolId,
      clientId: LOCAL_DEFAULTS.clientId,
      region: LOCAL_DEFAULTS.region,
    },
    log: (line) => cognitoLines.push(line),
  });
  const api = await startTestApi({
    modules: options.modules ?? [],
    env: {
      APP_MODE: 'local',
      AWS_REGION: LOCAL_DEFAULTS.region,
      COGNITO_USER_POOL_ID: LOCAL_DEFAULTS.userPoolId,
      COGNITO_CLIENT_ID: LOCAL_DEFAULTS.clientId,
      COGNITO_ENDPOINT: cognito.url,
      LOCAL_COGNITO_PORT: String(port),
      ...options.env,
    },
  });
  return {
    api,
    cognitoLines,
    codeFor(userId) {
      const line = cognitoLines.findLast((l) => l.includes(`for user ${userId} `));
      const code = line?.match(/^code (\d+) /)?.[1];
      if (!code) throw new Error(`no code delivered for ${userId}`);
      return code;
    },
    async close() {
      await api.close();
      await cognito.close();
      await rm(cognitoDir, { recursive: true, force: true });
    },
  };
}

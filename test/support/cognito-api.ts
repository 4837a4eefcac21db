import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Type } from '@nestjs/common';
import { pino } from 'pino';
import { LOCAL_DEFAULTS } from '../../src/config/config.js';
import { type NtsStub, startNtsStub } from '../../src/integrations/nts/nts-stub.js';
import {
  type PopbillStub,
  startPopbillStub,
} from '../../src/integrations/popbill/stub/popbill-stub.js';
import { startCognitoLocal } from '../../src/local/cognito.js';
import { AwsCognitoAuth } from '../../src/modules/auth/aws-cognito-auth.js';
import { StaffAccounts } from '../../src/modules/auth/staff-accounts.js';
import { MembersService } from '../../src/modules/members/members.service.js';
import { createCognitoClient } from '../../src/platform/aws/clients.js';
import { freePort } from '../../src/local/ports.js';
import { startTestApi, type TestApi } from './test-api.js';

export interface CognitoApi {
  api: TestApi;
  /** What cognito-local "sent": `code <digits> for user <username> (<masked address>)`. */
  cognitoLines: string[];
  /** The latest confirmation or reset code cognito-local delivered for this user. */
  codeFor(userId: string): string;
  /** The provider stubs the local stack runs: what Popbill delivered is in `popbill.inbox()`. */
  popbill: PopbillStub;
  nts: NtsStub;
  close(): Promise<void>;
}

/**
 * The real app in local mode against cognito-local on a free port, with the seeded pool, and the
 * Popbill and NTS stubs on free ports (as `npm start` runs them).
 */
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
  const popbill = await startPopbillStub();
  const nts = await startNtsStub();
  const api = await startTestApi({
    modules: options.modules ?? [],
    env: {
      APP_MODE: 'local',
      AWS_REGION: LOCAL_DEFAULTS.region,
      COGNITO_USER_POOL_ID: LOCAL_DEFAULTS.userPoolId,
      COGNITO_CLIENT_ID: LOCAL_DEFAULTS.clientId,
      COGNITO_ENDPOINT: cognito.url,
      LOCAL_COGNITO_PORT: String(port),
      POPBILL_AUTH_URL: popbill.url,
      POPBILL_API_URL: popbill.url,
      NTS_BASE_URL: nts.baseUrl,
      ...options.env,
    },
  });
  return {
    api,
    cognitoLines,
    popbill,
    nts,
    codeFor(userId) {
      const line = cognitoLines.findLast((l) => l.includes(`for user ${userId} `));
      const code = line?.match(/^code (\d+) /)?.[1];
      if (!code) throw new Error(`no code delivered for ${userId}`);
      return code;
    },
    async close() {
      await api.close();
      await cognito.close();
      await popbill.close();
      await nts.close();
      await rm(cognitoDir, { recursive: true, force: true });
    },
  };
}

/** What `cli members create-staff` runs, on the app's own members service and Cognito. */
export function staffAccountsOf(api: TestApi): StaffAccounts {
  return new StaffAccounts(
    new AwsCognitoAuth(
      createCognitoClient(api.config),
      api.config.aws.cognito,
      pino({ level: 'silent' }),
    ),
    api.app.get(MembersService),
  );
}

import fs from 'node:fs/promises';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { AppConfig } from '../config/config.js';
import { maskEmail, maskPhone } from '../platform/masking/masking.js';
import { localCognitoTargets } from './cognito-targets.js';
import { LOOPBACK } from './ports.js';

/**
 * cognito-local, in-process, with a pool seeded so that tokens look like real Cognito's
 * (standins.md §1): an AWS-shaped pool id and issuer `https://cognito-idp.<region>.amazonaws.com`,
 * which is what lets `CognitoJwtVerifier` accept them once its JWKS cache is hydrated.
 *
 * The package's own `createDefaultServer` reads `.cognito/` relative to the working directory
 * on every write, so it cannot be pointed at `.data/cognito` without `chdir`ing the whole
 * launcher. We compose the same pieces it does (cognito-local@5.3.0 `lib/server/defaults.js`)
 * with absolute directories instead.
 */

const MEMBER_GROUPS = [
  { GroupName: 'worker', Description: 'Workers who take shifts', Precedence: 40 },
  { GroupName: 'business', Description: 'Members of a business that posts shifts', Precedence: 30 },
  { GroupName: 'operator', Description: 'Platform operators', Precedence: 20 },
  { GroupName: 'admin', Description: 'Platform administrators', Precedence: 10 },
] as const;

/** Real Cognito's issuer host for a region; tokens carry `<this>/<poolId>` as `iss`. */
function cognitoIssuerDomain(region: string): string {
  return `https://cognito-idp.${region}.amazonaws.com`;
}

const requireFromHere = createRequire(import.meta.url);
const cognitoLocalRoot = path.dirname(requireFromHere.resolve('cognito-local/package.json'));
const requireFromCognitoLocal = createRequire(path.join(cognitoLocalRoot, 'package.json'));

/* eslint-disable @typescript-eslint/no-explicit-any -- cognito-local's internals are untyped CJS */
function internal(relative: string): any {
  return requireFromCognitoLocal(path.join(cognitoLocalRoot, 'lib', relative));
}

type Json = Record<string, any>;

async function readJson(file: string): Promise<Json | undefined> {
  try {
    return JSON.parse(await fs.readFile(file, 'utf8')) as Json;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`cannot read ${file}: ${(error as Error).message}`, { cause: error });
  }
}

async function writeJson(file: string, value: unknown): Promise<void> {
  // Write-then-rename: a launcher stopped mid-seed never leaves a truncated pool file.
  const temp = `${file}.${process.pid}.tmp`;
  await fs.writeFile(temp, `${JSON.stringify(value, null, 2)}\n`);
  await fs.rename(temp, file);
}

const FIREBASE_UID_SCHEMA = {
  Name: 'custom:firebase_uid',
  AttributeDataType: 'String',
  DeveloperOnlyAttribute: false,
  Mutable: false,
  Required: false,
  StringAttributeConstraints: { MinLength: '1', MaxLength: '128' },
};

export interface CognitoSeed {
  userPoolId: string;
  clientId: string;
  region: string;
}

export function cognitoSeedFrom(config: AppConfig): CognitoSeed {
  return {
    userPoolId: config.aws.cognito.userPoolId,
    clientId: config.aws.cognito.clientId,
    region: config.aws.region,
  };
}

/**
 * Writes the pool, its app client and its groups into cognito-local's data directory.
 * Idempotent: what exists (users, group members, other clients, added attributes) is kept;
 * only the pieces the stack relies on are (re)asserted.
 */
async function seedCognito(dbDir: string, seed: CognitoSeed): Promise<void> {
  await fs.mkdir(dbDir, { recursive: true });
  const now = new Date().toISOString();
  const { USER_POOL_AWS_DEFAULTS } = internal('services/cognitoService.js') as {
    USER_POOL_AWS_DEFAULTS: Json;
  };

  const poolFile = path.join(dbDir, `${seed.userPoolId}.json`);
  const pool = (await readJson(poolFile)) ?? {};
  const options: Json = pool.Options ?? {};
  const schema: Json[] = options.SchemaAttributes ?? USER_POOL_AWS_DEFAULTS.SchemaAttributes ?? [];
  const groups: Json = pool.Groups ?? {};
  for (const group of MEMBER_GROUPS) {
    groups[group.GroupName] ??= { ...group, CreationDate: now, LastModifiedDate: now };
  }
  await writeJson(poolFile, {
    ...pool,
    Options: {
      ...USER_POOL_AWS_DEFAULTS,
      Name: 'workmatch-local',
      CreationDate: now,
      LastModifiedDate: now,
      ...options,
      Id: seed.userPoolId,
      UsernameAttributes: ['email'],
      // As the real pool: sign-up sends the confirmation code to the email address.
      AutoVerifiedAttributes: ['email'],
      // Set once by the Firebase migration trigger (src/modules/legacy-auth).
      SchemaAttributes: schema.some((a) => a.Name === FIREBASE_UID_SCHEMA.Name)
        ? schema
        : [...schema, FIREBASE_UID_SCHEMA],
    },
    Users: pool.Users ?? {},
    Groups: groups,
  });

  const clientsFile = path.join(dbDir, 'clients.json');
  const clients = (await readJson(clientsFile)) ?? {};
  const all: Json = clients.Clients ?? {};
  const existing: Json = all[seed.clientId] ?? {};
  all[seed.clientId] = {
    ...existing,
    ClientId: seed.clientId,
    ClientName: 'workmatch-local',
    UserPoolId: seed.userPoolId,
    ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
    // Real Cognito's defaults: 60-minute access and id tokens, 30-day refresh tokens.
    AccessTokenValidity: 60,
    IdTokenValidity: 60,
    RefreshTokenValidity: 30,
    TokenValidityUnits: { AccessToken: 'minutes', IdToken: 'minutes', RefreshToken: 'days' },
    CreationDate: existing.CreationDate ?? now,
    LastModifiedDate: now,
  };
  await writeJson(clientsFile, { ...clients, Clients: all });
}

export interface CognitoLocalHandle {
  url: string;
  close(): Promise<void>;
}

export interface CognitoLocalOptions {
  /** cognito-local's directory; pools and clients live under `<dir>/db`. */
  dir: string;
  port: number;
  seed: CognitoSeed;
  /** Receives cognito-local's log lines (warnings and errors only) and its message codes. */
  log: (line: string) => void;
  /**
   * Lambda triggers: cognito-local invokes these functions through a Lambda Invoke endpoint
   * (the local stack's, src/local/lambda-invoke.ts). None by default.
   */
  triggers?: {
    lambdaEndpoint: string;
    functions: Partial<Record<'UserMigration' | 'PreSignUp', string>>;
  };
}

let sdkNoticeSilenced = false;

function silenceSdkV2Notice(): void {
  if (sdkNoticeSilenced) return;
  sdkNoticeSilenced = true;
  // cognito-local pulls in aws-sdk v2 (for Lambda triggers), which prints an end-of-support
  // notice on load; nothing of ours uses v2.
  (
    requireFromCognitoLocal('aws-sdk/lib/maintenance_mode_message') as { suppress: boolean }
  ).suppress = true;
}

export async function startCognitoLocal(options: CognitoLocalOptions): Promise<CognitoLocalHandle> {
  const dbDir = path.join(options.dir, 'db');
  await seedCognito(dbDir, options.seed);
  silenceSdkV2Notice();

  const AWS = requireFromCognitoLocal('aws-sdk');
  const pino = requireFromCognitoLocal('pino');
  const services = internal('services/index.js');
  const { DefaultConfig } = internal('server/config.js');
  const { Router } = internal('server/Router.js');
  const { createServer } = internal('server/server.js');
  const { CognitoServiceFactoryImpl } = internal('services/cognitoService.js');
  const { CryptoService } = internal('services/crypto.js');
  const { StormDBDataStoreFactory } = internal('services/dataStore/stormDb.js');
  const { MessageDeliveryService } = internal('services/messageDelivery/messageDelivery.js');
  const { otp } = internal('services/otp.js');
  const { JwtTokenGenerator } = internal('services/tokenGenerator.js');
  const { UserPoolServiceFactoryImpl } = internal('services/userPoolService.js');

  const logger = pino(
    { level: 'warn', base: undefined, timestamp: false },
    {
      write: (chunk: string) => {
        const entry = JSON.parse(chunk) as { msg?: string; err?: { message?: string } };
        options.log(entry.err?.message ?? entry.msg ?? chunk.trim());
      },
    },
  );
  const ctx = { logger };
  const errors = internal('errors.js');
  const config = {
    ...DefaultConfig,
    TokenConfig: { IssuerDomain: cognitoIssuerDomain(options.seed.region) },
    ...(options.triggers && {
      LambdaClient: { ...DefaultConfig.LambdaClient, endpoint: options.triggers.lambdaEndpoint },
      TriggerFunctions: options.triggers.functions,
    }),
    ServerConfig: { port: options.port, hostname: LOOPBACK, development: false, https: false },
  };

  const clock = new services.DateClock();
  const dataStoreFactory = new StormDBDataStoreFactory(dbDir);
  const cognito = await new CognitoServiceFactoryImpl(
    dbDir,
    dataStoreFactory,
    new UserPoolServiceFactoryImpl(clock, dataStoreFactory),
  ).create(ctx, config.UserPoolDefaults);
  const lambdaClient = new AWS.Lambda(config.LambdaClient);
  const triggers = new services.TriggersService(
    clock,
    cognito,
    new services.LambdaService(config.TriggerFunctions, lambdaClient),
    new CryptoService(config.KMSConfig),
  );
  const migrationFunction = options.triggers?.functions.UserMigration;
  const allServices = {
    clock,
    cognito,
    config,
    messages: new services.MessagesService(
      triggers,
      new MessageDeliveryService(new CodeLogSender(options.log)),
    ),
    otp,
    tokenGenerator: new JwtTokenGenerator(clock, triggers, config.TokenConfig),
    triggers,
  };
  const router = Router(allServices);
  // What cognito-local lacks or does unlike Cognito, served on its own store (cognito-targets.ts).
  const own = localCognitoTargets({
    cognito,
    messages: allServices.messages,
    otp,
    clock,
    errors,
    router,
    region: options.seed.region,
    ...(migrationFunction && {
      userMigration: async (event: Json): Promise<Json> => {
        const result = (await lambdaClient
          .invoke({
            FunctionName: migrationFunction,
            InvocationType: 'RequestResponse',
            Payload: JSON.stringify(event),
          })
          .promise()) as { FunctionError?: string; Payload?: unknown };
        if (result.FunctionError) throw new Error(`UserMigration failed: ${result.FunctionError}`);
        return ((JSON.parse(String(result.Payload)) as Json).response ?? {}) as Json;
      },
    }),
  });
  const server = (await createServer(
    (target: string) => own[target] ?? router(target),
    logger,
    config.ServerConfig,
    allServices,
  ).start()) as Server;

  return {
    url: `http://${LOOPBACK}:${options.port}`,
    close: () => closeServer(server),
  };
}

/**
 * Where cognito-local "sends" confirmation and reset codes: one line to the stack's console
 * (instead of cognito-local's boxed message with the full address), so a developer, or an e2e
 * test, can read the code. The user is named by their username (the sub) and a masked address.
 */
class CodeLogSender {
  constructor(private readonly log: (line: string) => void) {}

  sendEmail(_ctx: unknown, user: Json, destination: string, message: Json): Promise<void> {
    this.log(`code ${message.__code} for user ${user.Username} (${maskEmail(destination)})`);
    return Promise.resolve();
  }

  sendSms(_ctx: unknown, user: Json, destination: string, message: Json): Promise<void> {
    this.log(`code ${message.__code} for user ${user.Username} (${maskPhone(destination)})`);
    return Promise.resolve();
  }
}

/* eslint-enable @typescript-eslint/no-explicit-any */

/** Stops listening and drops kept-alive connections, so the port is free when this resolves. */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

import { NestFactory } from '@nestjs/core';
import type { AppConfig } from '../../config/config.js';
import { MIGRATIONS } from '../../migrations/index.js';
import { createCognitoClient } from '../../platform/aws/clients.js';
import { DomainError } from '../../platform/errors/domain.error.js';
import { PinoNestLogger } from '../../platform/logging/nest-logger.js';
import { defineCommand, readCommandArgs } from '../../platform/process/cli-command.js';
import type { DatabaseCommandContext } from '../../platform/process/command-context.js';
import { SchemaMigrator } from '../../platform/schema/schema-migrator.js';
import { AwsCognitoAuth } from '../auth/aws-cognito-auth.js';
import type { CognitoAuth } from '../auth/cognito-auth.port.js';
import { formatDemoReport } from './demo-report.js';
import { DemoSeed } from './demo-seed.js';
import { DemoSeedContextModule } from './demo.module.js';

export const DEMO_SEED_COMMAND = defineCommand({
  name: 'demo seed',
  summary: 'demo data to try every route: a verified business, workers, shifts (local only)',
  description: `
Creates, on the running local stack (npm start): a business owner and their business, verified
by an operator on evidence with an active NTS status; the operator (a temporary password, as
members create-staff makes it); four workers with identity and payout account verified, one a
minor (17); shifts of the business over the next 7 days (KST); and assignments applied, proposed
and confirmed. Everything goes through the modules' services, as the routes do.

Passwords are generated and printed once, with the emails and roles. Running it again creates
only what is missing (nothing, the second time) and prints no password: it cannot know them.
Refused in aws mode (exit 2). Exit 1 when the stack is not running or its schema is behind.`,
  options: {},
  examples: ['npm run cli -- demo seed'],
});

/** Why the demo cannot be seeded in this configuration, or undefined in local mode. */
export function localModeProblem(config: AppConfig): string | undefined {
  return config.mode === 'local'
    ? undefined
    : `demo seed runs in local mode only (APP_MODE=${config.mode}): it creates accounts whose ` +
        'passwords it prints, and verifications nobody made.\n';
}

export interface DemoSeedCommandContext extends DatabaseCommandContext {
  /** Tests pass a port of their own; by default, Cognito as configured (cognito-local). */
  cognito?: CognitoAuth;
  now?: () => Date;
}

/** `cli demo seed`. */
export async function demoSeedCommand(context: DemoSeedCommandContext): Promise<number> {
  const args = readCommandArgs(DEMO_SEED_COMMAND, context.argv, context);
  if ('exitCode' in args) return args.exitCode;
  const { config, logger } = context;
  const refused = localModeProblem(config);
  if (refused) {
    context.err.write(refused);
    return 2;
  }
  if ((await new SchemaMigrator(context.db, MIGRATIONS).pending()).length > 0) {
    context.err.write('schema migrations are pending: run `npm run cli -- db migrate` first\n');
    return 1;
  }
  const cognito =
    context.cognito ?? new AwsCognitoAuth(createCognitoClient(config), config.aws.cognito, logger);
  const app = await NestFactory.createApplicationContext(
    DemoSeedContextModule.forRoot({ config, logger, db: context.db, cognito }),
    { logger: new PinoNestLogger(logger), abortOnError: false },
  );
  try {
    const now = context.now?.() ?? new Date();
    const report = await app.get(DemoSeed).run(now);
    context.out.write(formatDemoReport(report, config, now));
    return 0;
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    context.err.write(
      error.kind === 'unavailable'
        ? `Cognito does not answer at ${config.aws.cognito.endpoint ?? 'its endpoint'}: ` +
            'is the local stack running (npm start)?\n'
        : `demo seed stopped: ${error.code}: ${error.message}\n`,
    );
    return 1;
  } finally {
    await app.close();
  }
}

import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { MIGRATIONS } from './migrations/index.js';
import { createStaff } from './modules/auth/create-staff.command.js';
import { importCommand } from './modules/legacy-auth/import.command.js';
import { createLogger, flushLogger, type Logger } from './platform/logging/logger.js';
import { loadConfigOrExit } from './platform/process/bootstrap.js';
import type { DatabaseCommandContext } from './platform/process/command-context.js';
import { SchemaMigrator } from './platform/schema/schema-migrator.js';
import type { Database } from './platform/storage/database.js';
import { openDatabase } from './platform/storage/open-database.js';
import type { AppConfig } from './config/config.js';
import { openPrivacy, type Privacy } from './privacy/privacy.js';

interface Command {
  summary: string;
  run(context: { config: AppConfig; logger: Logger; args: string[] }): Promise<number>;
}

async function withDatabase<T>(
  config: AppConfig,
  logger: Logger,
  fn: (db: Database) => Promise<T>,
): Promise<T> {
  const db = await openDatabase(config.database, logger.child({ component: 'storage' }));
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}

function withDatabaseCommand(
  summary: string,
  run: (context: DatabaseCommandContext) => Promise<number>,
): Command {
  return {
    summary,
    run: ({ config, logger }) =>
      withDatabase(config, logger, (db) => {
        let privacy: Promise<Privacy> | undefined;
        return run({
          argv: process.argv.slice(2),
          config,
          logger,
          db,
          privacy: () => (privacy ??= openPrivacy(config, db)),
          out: process.stdout,
          err: process.stderr,
        });
      }),
  };
}

const COMMANDS: Record<string, Command> = {
  'db migrate': {
    summary: 'apply pending schema migrations (run before the service starts)',
    run: ({ config, logger }) =>
      withDatabase(config, logger, async (db) => {
        const applied = await new SchemaMigrator(db, MIGRATIONS).migrate(logger);
        logger.info(
          { applied },
          applied.length ? 'schema migrations applied' : 'schema is up to date',
        );
        return 0;
      }),
  },
  'db status': {
    summary: 'list schema migrations not yet applied (exit 1 if any)',
    run: ({ config, logger }) =>
      withDatabase(config, logger, async (db) => {
        const pending = await new SchemaMigrator(db, MIGRATIONS).pending();
        process.stdout.write(
          pending.length ? `pending:\n${pending.map((p) => `  ${p}\n`).join('')}` : 'up to date\n',
        );
        return pending.length ? 1 : 0;
      }),
  },
  'db compact': {
    summary: "rewrite the embedded engine's journal as a snapshot (embedded engine only)",
    run: ({ config, logger }) =>
      withDatabase(config, logger, async (db) => {
        if (!('compact' in db) || typeof db.compact !== 'function') {
          process.stderr.write('db compact applies to the embedded engine only\n');
          return 2;
        }
        await (db.compact as () => Promise<unknown>)();
        logger.info('journal compacted');
        return 0;
      }),
  },
  'members create-staff': withDatabaseCommand(
    'create an operator or admin: --email <address> --role operator|admin',
    createStaff,
  ),
  'legacy-auth import': withDatabaseCommand(
    'store a Firebase Auth export for the lazy migration: --users <json> --hash-config <json>',
    importCommand,
  ),
  'config check': {
    summary: 'validate the environment and print the resolved settings (no secrets)',
    async run({ config }) {
      const summary = {
        mode: config.mode,
        http: config.http,
        database:
          config.database.kind === 'mongodb'
            ? { kind: 'mongodb', dbName: config.database.dbName }
            : config.database,
        region: config.aws.region,
        userPoolId: config.aws.cognito.userPoolId,
        bucket: config.aws.s3.bucket,
        eventsQueueUrl: config.aws.sqs.eventsQueueUrl,
      };
      process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
      return 0;
    },
  },
};

function usage(): string {
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(22)} ${c.summary}`);
  return `usage: cli <command>\n\ncommands:\n${lines.join('\n')}\n`;
}

const { positionals } = parseArgs({ allowPositionals: true, strict: false });
const name = positionals.slice(0, 2).join(' ');
const command = COMMANDS[name];
if (!command) {
  process.stderr.write(
    positionals.length ? `unknown command: ${positionals.join(' ')}\n\n${usage()}` : usage(),
  );
  process.exit(positionals.length ? 2 : 0);
}
const config = loadConfigOrExit();
const logger = createLogger(config, { name: 'cli' });
let code = 1;
try {
  code = await command.run({ config, logger, args: positionals.slice(2) });
} catch (error) {
  logger.error({ err: error, command: name }, 'command failed');
}
await flushLogger(logger);
process.exit(code);

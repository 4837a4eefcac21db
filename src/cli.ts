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
import { EmbeddedDatabase } from './platform/storage/embedded/embedded-database.js';
import { openDatabase } from './platform/storage/open-database.js';
import type { AppConfig } from './config/config.js';
import { accessReviewCommand, verifyAccessLogCommand } from './privacy/access/access.commands.js';
import { accessChainKey } from './privacy/access/access-record.js';
import { PERSONAL_DATA_POLICIES } from './privacy/personal-data/registry.js';
import { openPrivacy, type Privacy } from './privacy/privacy.js';
import { retentionPurgeCommand } from './privacy/retention/retention-purge.command.js';
import { rotateKeysCommand } from './privacy/rotation/rotate-keys.command.js';

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

/** Every command is two words (`db migrate`); a command module gets the arguments after them. */
const COMMAND_WORDS = 2;

/** A command on the privacy layer: the key ring, the codec of every policy, the access records. */
async function privacyContext(context: DatabaseCommandContext) {
  const privacy = await context.privacy();
  return {
    ...context,
    keys: privacy.keys,
    codecs: PERSONAL_DATA_POLICIES.map((policy) => privacy.personalData.codec(policy)),
    accessRecords: privacy.accessRecords,
    chainKey: accessChainKey(await privacy.keys.ensureBlindIndexKey()),
  };
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
          argv: process.argv.slice(2 + COMMAND_WORDS),
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
    summary: "rewrite the embedded engine's file without free space (SQLite VACUUM; embedded only)",
    run: ({ config, logger }) =>
      withDatabase(config, logger, async (db) => {
        if (!(db instanceof EmbeddedDatabase)) {
          process.stderr.write('db compact applies to the embedded engine only\n');
          return 2;
        }
        const { beforeBytes, afterBytes } = await db.compact();
        process.stdout.write(`compacted ${db.file}: ${beforeBytes} → ${afterBytes} bytes\n`);
        return 0;
      }),
  },
  'db check': {
    summary:
      "check the embedded engine's file: PRAGMA integrity_check, checksums, indexes (exit 1 if damaged)",
    run: ({ config, logger }) =>
      withDatabase(config, logger, async (db) => {
        if (!(db instanceof EmbeddedDatabase)) {
          process.stderr.write('db check applies to the embedded engine only\n');
          return 2;
        }
        const report = await db.check();
        const counts = `${report.collections} collections, ${report.documents} documents, ${report.indexEntries} index entries`;
        if (report.ok) {
          process.stdout.write(`ok: ${report.file} (${counts})\n`);
          return 0;
        }
        process.stdout.write(
          `damaged: ${report.file} (${counts})\n${report.problems.map((p) => `  ${p}\n`).join('')}`,
        );
        return 1;
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
  'privacy rotate-keys': withDatabaseCommand(
    'make a new field key version current, then re-encrypt older records (resumable)',
    async (context) => rotateKeysCommand(await privacyContext(context)),
  ),
  'privacy verify-access-log': withDatabaseCommand(
    'prove the hash chain of the access records (exit 1 naming each break)',
    async (context) => verifyAccessLogCommand(await privacyContext(context)),
  ),
  'privacy access-review': withDatabaseCommand(
    "list the month's unusual accesses for the monthly review: --month YYYY-MM",
    async (context) => accessReviewCommand(await privacyContext(context)),
  ),
  'retention purge': withDatabaseCommand(
    'destroy personal data and access records past their retention (--dry-run lists them)',
    async (context) => {
      const privacy = await privacyContext(context);
      const days = context.config.privacy.accessRecordRetentionDays;
      return retentionPurgeCommand({
        ...privacy,
        extraPurges: [
          {
            name: `access records older than ${days} days`,
            run: async (dryRun) => ({
              count: (await privacy.accessRecords.purgeOlderThan(days, { dryRun })).purged,
            }),
          },
        ],
      });
    },
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
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(26)} ${c.summary}`);
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

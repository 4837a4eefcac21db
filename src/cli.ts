import 'reflect-metadata';
import { DEV_INBOX_COMMAND, devInboxCommand } from './integrations/popbill/stub/inbox.command.js';
import { openJobs, openStatistics } from './jobs.module.js';
import {
  STATS_MONTHLY_COMMAND,
  statsMonthlyCommand,
} from './modules/statistics/stats-monthly.command.js';
import { MIGRATIONS } from './migrations/index.js';
import { CREATE_STAFF_COMMAND, createStaff } from './modules/auth/create-staff.command.js';
import {
  DEMO_SEED_COMMAND,
  demoSeedCommand,
  localModeProblem,
} from './modules/demo/demo-seed.command.js';
import {
  GENERATE_COMMAND,
  generateCommand,
} from './modules/firestore-migration/generator/generate.command.js';
import { IMPORT_COMMAND, importCommand } from './modules/legacy-auth/import.command.js';
import { legacyCopiesReencryption } from './modules/firestore-migration/engine/legacy-reseal.js';
import {
  MIGRATE_CLEANUP_COMMAND,
  MIGRATE_PLAN_COMMAND,
  MIGRATE_RUN_COMMAND,
  MIGRATE_STATUS_COMMAND,
  MIGRATE_USER_COMMAND,
  MIGRATE_VERIFY_COMMAND,
  migrateCleanupCommand,
  migratePlanCommand,
  migrateRunCommand,
  migrateStatusCommand,
  migrateUserCommand,
  migrateVerifyCommand,
} from './modules/firestore-migration/migrate.command.js';
import { JOBS_RUN_COMMAND, jobsRunCommand } from './platform/jobs/jobs-run.command.js';
import { installAlertSink } from './platform/alerts/alert-sink.js';
import { DEV_METRICS_COMMAND, devMetricsCommand } from './platform/metrics/metrics.command.js';
import { createLogger, flushLogger, type Logger } from './platform/logging/logger.js';
import { loadConfigOrExit } from './platform/process/bootstrap.js';
import {
  type CliCommand,
  defineCommand,
  resolveInvocation,
} from './platform/process/cli-command.js';
import type { DatabaseCommandContext } from './platform/process/command-context.js';
import { SchemaMigrator } from './platform/schema/schema-migrator.js';
import type { Database } from './platform/storage/database.js';
import { EmbeddedDatabase } from './platform/storage/embedded/embedded-database.js';
import { openDatabase } from './platform/storage/open-database.js';
import type { AppConfig } from './config/config.js';
import {
  ACCESS_REVIEW_COMMAND,
  accessReviewCommand,
  VERIFY_ACCESS_LOG_COMMAND,
  verifyAccessLogCommand,
} from './privacy/access/access.commands.js';
import { accessChainKey } from './privacy/access/access-record.js';
import { PERSONAL_DATA_POLICIES } from './personal-data.registry.js';
import { openPrivacy, type Privacy } from './privacy/privacy.js';
import {
  RETENTION_PURGE_COMMAND,
  retentionPurgeCommand,
} from './privacy/retention/retention-purge.command.js';
import { ROTATE_KEYS_COMMAND, rotateKeysCommand } from './privacy/rotation/rotate-keys.command.js';

/**
 * A command: its declaration (usage, options: `cli <command> --help` prints it, and its
 * arguments are checked against it before configuration is loaded) and what it runs.
 */
interface Command {
  spec: CliCommand;
  /** `argv`: the arguments after the command's words, already checked against `spec`. */
  run(context: { config: AppConfig; logger: Logger; argv: string[] }): Promise<number>;
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

/** A database command's context, and the privacy layer opened on first use. */
type CliCommandContext = DatabaseCommandContext & { privacy: () => Promise<Privacy> };

/** A command on the privacy layer: the key ring, the codec of every policy, the access records. */
async function privacyContext(context: CliCommandContext) {
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
  spec: CliCommand,
  run: (context: CliCommandContext) => Promise<number>,
): Command {
  return {
    spec,
    run: ({ config, logger, argv }) =>
      withDatabase(config, logger, (db) => {
        let privacy: Promise<Privacy> | undefined;
        return run({
          argv,
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
    spec: defineCommand({
      name: 'db migrate',
      summary: 'apply pending schema migrations (run before the service starts)',
      description: `
Applies the schema migrations (src/migrations) the database has not had yet, in order. Run it
before a new build serves traffic; /health/ready answers 503 while one is pending.`,
      options: {},
      examples: ['npm run cli -- db migrate', 'node dist/cli.js db migrate   (in the image)'],
    }),
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
    spec: defineCommand({
      name: 'db status',
      summary: 'list schema migrations not yet applied (exit 1 if any)',
      description:
        'Changes nothing. Exit 0 when the schema is up to date, 1 listing what is pending.',
      options: {},
      examples: ['npm run cli -- db status'],
    }),
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
    spec: defineCommand({
      name: 'db compact',
      summary:
        "rewrite the embedded engine's file without free space (SQLite VACUUM; embedded only)",
      description: `
Rewrites the SQLite file without its free pages and empties its write-ahead log; prints the size
before and after. Safe while the stack runs: other processes' writes wait for it. Exit 2 on any
other database (MongoDB, DocumentDB compact their own files).`,
      options: {},
      examples: ['npm run cli -- db compact'],
    }),
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
    spec: defineCommand({
      name: 'db check',
      summary:
        "check the embedded engine's file: integrity, checksums, indexes (exit 1 if damaged)",
      description: `
Runs SQLite's PRAGMA integrity_check, checks every document against its checksum and every index
against the keys its documents should have. Changes nothing; safe while the stack runs. Exit 0
when all is well, 1 naming each problem, 2 on any other database.`,
      options: {},
      examples: ['npm run cli -- db check'],
    }),
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
  'members create-staff': withDatabaseCommand(CREATE_STAFF_COMMAND, createStaff),
  'legacy-auth import': withDatabaseCommand(IMPORT_COMMAND, importCommand),
  'migrate plan': withDatabaseCommand(MIGRATE_PLAN_COMMAND, migratePlanCommand),
  'migrate run': withDatabaseCommand(MIGRATE_RUN_COMMAND, migrateRunCommand),
  'migrate status': withDatabaseCommand(MIGRATE_STATUS_COMMAND, migrateStatusCommand),
  'migrate verify': withDatabaseCommand(MIGRATE_VERIFY_COMMAND, migrateVerifyCommand),
  'migrate cleanup': withDatabaseCommand(MIGRATE_CLEANUP_COMMAND, migrateCleanupCommand),
  'migrate user': withDatabaseCommand(MIGRATE_USER_COMMAND, migrateUserCommand),
  // Writes files only: no database is opened.
  'legacy generate': {
    spec: GENERATE_COMMAND,
    run: ({ argv }) => generateCommand({ argv, out: process.stdout, err: process.stderr }),
  },
  'privacy rotate-keys': withDatabaseCommand(ROTATE_KEYS_COMMAND, async (context) =>
    rotateKeysCommand({
      ...(await privacyContext(context)),
      // The Firestore migration's sealed `_legacy` copies, while the migration exists.
      extraReencryptions: [legacyCopiesReencryption(context.db, (await context.privacy()).cipher)],
    }),
  ),
  'privacy verify-access-log': withDatabaseCommand(VERIFY_ACCESS_LOG_COMMAND, async (context) =>
    verifyAccessLogCommand(await privacyContext(context)),
  ),
  'privacy access-review': withDatabaseCommand(ACCESS_REVIEW_COMMAND, async (context) =>
    accessReviewCommand(await privacyContext(context)),
  ),
  'retention purge': withDatabaseCommand(RETENTION_PURGE_COMMAND, async (context) => {
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
  }),
  'jobs run': withDatabaseCommand(JOBS_RUN_COMMAND, (context) => {
    // ECS stops a task with SIGTERM: the job sees its signal aborted and stops between steps.
    const stop = new AbortController();
    const abort = () => stop.abort(new Error('the CLI was asked to stop'));
    process.once('SIGTERM', abort);
    process.once('SIGINT', abort);
    return jobsRunCommand({
      ...context,
      signal: stop.signal,
      openJobs: () => openJobs(context),
    }).finally(() => {
      process.off('SIGTERM', abort);
      process.off('SIGINT', abort);
    });
  }),
  'stats monthly': withDatabaseCommand(STATS_MONTHLY_COMMAND, (context) =>
    statsMonthlyCommand({ ...context, openStatistics: () => openStatistics(context) }),
  ),
  'demo seed': {
    spec: DEMO_SEED_COMMAND,
    run: (context) => {
      // Refused before the database is opened: in aws mode that would be DocumentDB.
      const refused = localModeProblem(context.config);
      if (refused) {
        process.stderr.write(refused);
        return Promise.resolve(2);
      }
      return withDatabaseCommand(DEMO_SEED_COMMAND, demoSeedCommand).run(context);
    },
  },
  'dev inbox': {
    spec: DEV_INBOX_COMMAND,
    run: ({ config, argv }) =>
      devInboxCommand({ config, argv, out: process.stdout, err: process.stderr }),
  },
  'dev metrics': {
    spec: DEV_METRICS_COMMAND,
    run: ({ config, argv }) =>
      devMetricsCommand({ config, argv, out: process.stdout, err: process.stderr }),
  },
  'config check': {
    spec: defineCommand({
      name: 'config check',
      summary: 'validate the environment and print the resolved settings (no secrets)',
      description: `
Reads the configuration as every process does (a missing or malformed variable exits 78 naming
it) and prints the mode, addresses, database and AWS resources it resolves to.`,
      options: {},
      examples: ['APP_MODE=aws MONGODB_URI=… npm run cli -- config check'],
    }),
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
        // Hosts and order only: the providers' credentials are secrets.
        identity: {
          providers: config.identity.providers,
          callbackUrl: config.identity.callbackUrl,
          nice: { apiUrl: config.identity.nice.apiUrl, windowUrl: config.identity.nice.windowUrl },
          danal: {
            uasUrl: config.identity.danal.uasUrl,
            windowUrl: config.identity.danal.windowUrl,
          },
        },
      };
      process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
      return 0;
    },
  },
};

// Usage, `--help` and refused arguments are answered here, before configuration is loaded or
// anything is opened.
const invocation = resolveInvocation(COMMANDS, process.argv.slice(2));
if (invocation.kind === 'exit') {
  if (invocation.out) process.stdout.write(invocation.out);
  if (invocation.err) process.stderr.write(invocation.err);
  process.exit(invocation.code);
}
const { name, command, argv } = invocation;
const config = loadConfigOrExit();
const logger = createLogger(config, { name: 'cli' });
// A command that fails (a scheduled job's task among them) is an alert, as in the API and worker.
const alerts = installAlertSink(config, logger, 'cli');
let code = 1;
try {
  code = await command.run({ config, logger, argv });
} catch (error) {
  logger.error(
    { err: error, command: name, code: 'command_failed', component: `cli ${name}` },
    'command failed',
  );
}
await alerts?.drain();
await flushLogger(logger);
process.exit(code);

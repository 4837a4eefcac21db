import { commandAudit } from '../../platform/audit/audit-log.js';
import { readFile } from 'node:fs/promises';
import { MIGRATIONS } from '../../migrations/index.js';
import { SchemaMigrator } from '../../platform/schema/schema-migrator.js';
import { defineCommand, readCommandArgs } from '../../platform/process/cli-command.js';
import type { DatabaseCommandContext } from '../../platform/process/command-context.js';
import {
  FirebaseImportFileError,
  parseFirebaseExport,
  parseFirebaseHashConfig,
} from './firebase-export.js';
import { fingerprintHashParameters } from './firebase-scrypt.js';
import { formatImportReport, importLegacyUsers } from './import-legacy-users.js';
import { LegacyUsersRepository } from './legacy-users.repository.js';

export const IMPORT_COMMAND = defineCommand({
  name: 'legacy-auth import',
  summary: 'store a Firebase Auth export for the lazy migration to Cognito',
  description: `
Validates both files whole first (nothing is written if any user is invalid), then stores what
the migration triggers need; running it again changes nothing. Prints how many users have a
password, are OAuth-only, have no hash, are disabled or were skipped, and why. Needs the schema
migrations applied (cli db migrate). Exit 0 when stored, 1 when refused.`,
  options: {
    users: {
      type: 'string',
      value: '<export.json>',
      required: true,
      description: 'what `firebase auth:export users.json` wrote',
    },
    'hash-config': {
      type: 'string',
      value: '<params.json>',
      required: true,
      description: "the console's password hash parameters, as JSON or as the console shows them",
    },
  },
  examples: ['npm run cli -- legacy-auth import --users users.json --hash-config params.json'],
});

export interface ImportCommandContext extends DatabaseCommandContext {
  now?: () => Date;
}

async function readText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new FirebaseImportFileError(file, [
      `cannot read: ${(error as NodeJS.ErrnoException).code ?? 'error'}`,
    ]);
  }
}

/**
 * `cli legacy-auth import`: validates both files completely before anything is written, then
 * upserts what the migration triggers need. Exit 0 when stored, 1 when refused, 2 on usage.
 */
export async function importCommand(context: ImportCommandContext): Promise<number> {
  const args = readCommandArgs(IMPORT_COMMAND, context.argv, context);
  if ('exitCode' in args) return args.exitCode;
  const { users: usersFile, 'hash-config': hashFile } = args.values;

  let exported;
  let parameters;
  try {
    parameters = parseFirebaseHashConfig(await readText(hashFile), hashFile);
    exported = parseFirebaseExport(await readText(usersFile), usersFile);
  } catch (error) {
    if (!(error instanceof FirebaseImportFileError)) throw error;
    context.err.write(`${error.message}\nnothing was imported\n`);
    return 1;
  }

  const pending = await new SchemaMigrator(context.db, MIGRATIONS).pending();
  if (pending.length > 0) {
    context.err.write('schema migrations are pending: run `cli db migrate` first\n');
    return 1;
  }

  const repository = new LegacyUsersRepository(context.db);
  const now = (context.now ?? (() => new Date()))();
  const fingerprint = fingerprintHashParameters(parameters);
  const recorded = await repository.getHashParametersFingerprint();
  if (recorded !== undefined && recorded !== fingerprint) {
    context.err.write(
      'these hash parameters are not the ones of the users already imported ' +
        '(another Firebase project?); nothing was imported\n',
    );
    return 1;
  }
  const configured = context.config.legacyAuth.hashParameters;
  if (configured && fingerprintHashParameters(configured) !== fingerprint) {
    context.err.write(
      'warning: LEGACY_AUTH_HASH_CONFIG holds other parameters than this file; ' +
        'the migration trigger will refuse to run until they agree\n',
    );
  }
  if (recorded === undefined) await repository.saveHashParametersFingerprint(fingerprint, now);

  const report = await importLegacyUsers(exported, repository, now);
  context.logger.info(
    {
      total: report.total,
      passwordUsers: report.passwordUsers,
      oauthOnlyUsers: report.oauthOnlyUsers,
      usersWithoutHash: report.usersWithoutHash,
      disabled: report.disabled,
      stored: report.stored,
      skipped: report.skipped,
    },
    'legacy users imported',
  );
  await commandAudit(context).record({
    action: 'legacy-auth.users.imported',
    actor: { type: 'cli' },
    outcome: 'imported',
    details: {
      command: 'legacy-auth import',
      total: report.total,
      ...report.stored,
      skipped: Object.values(report.skipped).reduce((sum, n) => sum + n, 0),
    },
  });
  context.out.write(formatImportReport(report));
  return 0;
}

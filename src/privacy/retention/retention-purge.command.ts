import { commandAudit } from '../../platform/audit/audit-log.js';
import { defineCommand, readCommandArgs } from '../../platform/process/cli-command.js';
import type { DatabaseCommandContext } from '../../platform/process/command-context.js';
import type { PersonalDataCodec } from '../personal-data/codec.js';
import { type PurgeResult, purgeExpired, retentionPeriods } from './purge-expired.js';

export const RETENTION_PURGE_COMMAND = defineCommand({
  name: 'retention purge',
  summary: 'destroy personal data and access records past their retention period',
  description: `
Per retention class, destroys the personal data past its configured period, each with a
destruction record (privacy_destructions), then the access records older than their period.
Exit 0 when done, 1 when a purge failed.`,
  options: {
    'dry-run': { type: 'boolean', description: 'list what would go and change nothing' },
    json: { type: 'boolean', description: 'print the result as JSON' },
  },
  examples: ['npm run cli -- retention purge --dry-run', 'npm run cli -- retention purge'],
});

/** Another purge to run alongside (the access records' own retention, say). */
export interface ExtraPurge {
  name: string;
  run(dryRun: boolean): Promise<{ count: number }>;
}

/** What the command uses of the CLI's context, plus the codecs of the personal data policies. */
export interface RetentionPurgeCommandContext extends Pick<
  DatabaseCommandContext,
  'argv' | 'config' | 'logger' | 'db' | 'out' | 'err'
> {
  /** One per personal data policy (PERSONAL_DATA_POLICIES). */
  codecs: readonly PersonalDataCodec<string>[];
  extraPurges?: readonly ExtraPurge[];
  now?: () => Date;
}

type ExtraOutcome = { name: string; count: number } | { name: string; error: string };

const day = (date: Date): string => date.toISOString().slice(0, 10);
const PAST = { anonymize: 'anonymized', delete: 'deleted' } as const;

function formatSummary(result: PurgeResult, extras: ExtraOutcome[]): string {
  const verb = (past: string): string => (result.dryRun ? `would be ${past}` : past);
  const lines = [
    result.dryRun
      ? `retention purge, dry run at ${result.at.toISOString()}: nothing was changed`
      : `retention purge at ${result.at.toISOString()}`,
  ];
  for (const c of result.classes) {
    lines.push(
      `${c.retentionClass} (${c.periodDays} days): past its period if it began before ${day(c.cutoff)}`,
    );
    for (const p of c.collections) {
      lines.push(`  ${p.collection} (${p.from}): ${p.count} ${verb(PAST[p.method])}`);
      for (const d of c.documents ?? []) {
        if (d.collection === p.collection) {
          lines.push(`    ${d.id} (${p.from} ${d.from.toISOString()})`);
        }
      }
    }
  }
  for (const e of extras) {
    lines.push(
      'error' in e ? `${e.name}: failed: ${e.error}` : `${e.name}: ${e.count} ${verb('purged')}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/**
 * `cli retention purge`: per retention class, destroys (or with `--dry-run` lists) what is past
 * its configured period, then runs the extra purges. Exit 0 when done, 1 when an extra purge
 * failed, 2 on usage.
 */
export async function retentionPurgeCommand(
  context: RetentionPurgeCommandContext,
): Promise<number> {
  const args = readCommandArgs(RETENTION_PURGE_COMMAND, context.argv, context);
  if ('exitCode' in args) return args.exitCode;
  const { values } = args;
  const dryRun = values['dry-run'] === true;
  const now = (context.now ?? (() => new Date()))();

  const result = await purgeExpired({
    db: context.db,
    codecs: context.codecs,
    periods: retentionPeriods(context.config.privacy),
    now,
    dryRun,
  });
  const extras: ExtraOutcome[] = [];
  for (const extra of context.extraPurges ?? []) {
    try {
      extras.push({ name: extra.name, count: (await extra.run(dryRun)).count });
    } catch (error) {
      extras.push({ name: extra.name, error: error instanceof Error ? error.message : 'failed' });
    }
  }

  context.logger.info(
    {
      dryRun,
      classes: result.classes.map((c) => ({ retentionClass: c.retentionClass, count: c.count })),
      extras,
    },
    dryRun ? 'retention purge dry run' : 'retention purge',
  );
  if (!dryRun) {
    await commandAudit(context).record({
      action: 'privacy.retention.purged',
      actor: { type: 'cli' },
      outcome: extras.some((e) => 'error' in e) ? 'partial' : 'purged',
      details: {
        command: 'retention purge',
        ...Object.fromEntries(result.classes.map((c) => [c.retentionClass, c.count])),
      },
    });
  }
  context.out.write(
    values.json === true
      ? `${JSON.stringify({ ...result, extras }, null, 2)}\n`
      : formatSummary(result, extras),
  );
  return extras.some((e) => 'error' in e) ? 1 : 0;
}

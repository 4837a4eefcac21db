import { commandAudit } from '../../platform/audit/audit-log.js';
import { Presets, SingleBar } from 'cli-progress';
import type { Privacy } from '../../privacy/privacy.js';
import { defineCommand, readCommandArgs, usageError } from '../../platform/process/cli-command.js';
import type { DatabaseCommandContext } from '../../platform/process/command-context.js';
import { LegacySealer } from './codec/legacy-sealer.js';
import { MigrationCleanup } from './engine/cleanup.js';
import { type CopyProgress, MigrationEngine } from './engine/migration-engine.js';
import { MigrationStateRepository } from './engine/migration-state.repository.js';
import { planMigration } from './engine/plan.js';
import { STAGE_NAMES, type StageName } from './engine/stages.js';
import { migrationStatus } from './engine/status.js';
import { UserMigration } from './engine/user-migration.js';
import { MigrationVerifier } from './engine/verify.js';
import type { FirestoreSource } from './source/firestore-source.js';
import { sourceFromConfig } from './source/source-from-config.js';
import { stageWriters } from './stage-writers.js';

const SOURCE_OPTIONS = {
  source: {
    type: 'string',
    value: '<export|ndjson>',
    description: 'where the old data is read (default: MIGRATION_SOURCE)',
  },
  path: {
    type: 'string',
    value: '<dir>',
    description: 'the export directory or NDJSON location (default: MIGRATION_SOURCE_PATH)',
  },
  json: { type: 'boolean', description: 'print JSON for machines' },
} as const;

export const MIGRATE_PLAN_COMMAND = defineCommand({
  name: 'migrate plan',
  summary: 'read the old data once and report what the migration will meet (writes nothing)',
  description: `
Reads every document of the source once: documents and bytes per collection group and the stage
that reads it, the type census, field names to escape, documents DocumentDB would refuse (by
path), collection groups no stage reads, and the Firestore reads a full copy costs. Writes
nothing. Exit 0, or 2 when the source is not given or cannot be read.`,
  options: SOURCE_OPTIONS,
  examples: [
    'npm run cli -- migrate plan --source export --path ./legacy',
    'npm run cli -- migrate plan --json',
  ],
});

export const MIGRATE_RUN_COMMAND = defineCommand({
  name: 'migrate run',
  summary: "copy today's share of the old data, stage by stage (what the daily job runs)",
  description: `
Copies each stage's documents (members, worker details, businesses, shifts, …) into our
collections through their repositories, a stage once the ones it depends on are verified, within
the quota (MIGRATION_QUOTA_DOCUMENTS / MIGRATION_QUOTA_MINUTES, or the options). A crash or the
quota stops it at a batch boundary; the next run goes on from there. A verified stage whose source
moved on since its last pass (a new export, a live read time) is copied again: a delta pass, in
which only the documents that changed are written. Exit 0 (done or quota), 1
when a run failed, 2 on bad arguments, 3 when MIGRATION_ENABLED=false.`,
  options: {
    ...SOURCE_OPTIONS,
    documents: { type: 'string', value: '<n>', description: "today's share, in documents read" },
    minutes: { type: 'string', value: '<n>', description: "today's share, in minutes" },
  },
  examples: ['npm run cli -- migrate run', 'npm run cli -- migrate run --documents 50000'],
});

export const MIGRATE_STATUS_COMMAND = defineCommand({
  name: 'migrate status',
  summary: 'the stages, their counts, the last runs and the latest issues',
  description: `
Each stage's state (pending, copying, copied, verified, cleaned) with what it read, wrote, found
unchanged and skipped, its open partitions, the issues reported (by path and code, never a
value) and the last runs. Reads only. Exit 0.`,
  options: { json: SOURCE_OPTIONS.json },
  examples: ['npm run cli -- migrate status', 'npm run cli -- migrate status --json'],
});

const STAGE_OPTION = {
  stage: {
    type: 'string',
    value: '<name>',
    description: `one stage only (${STAGE_NAMES.join(', ')}); default: every stage it applies to`,
  },
} as const;

export const MIGRATE_VERIFY_COMMAND = defineCommand({
  name: 'migrate verify',
  summary: 'compare each copied stage with the source; a clean one is marked verified',
  description: `
For each copied stage: per collection group, the source's documents and what became of them
(matched, reported and left out, missing, altered, extra); per document, the canonical hash of the
source value against the copy kept in \`_legacy\` (its marker and the copy decoded back), a
sample compared field by field, and copies whose source is gone (one the old app deleted since is
reconciled: reported as deleted_in_source and its copy dropped). A clean stage becomes verified:
the stages after it may run, and cleanup may drop its copies. Paths and field names only, never a
value. Exit 0 when every stage verified is clean, 1 when one is not, 2 on bad arguments, 3 when
MIGRATION_ENABLED=false.`,
  options: { ...SOURCE_OPTIONS, ...STAGE_OPTION },
  examples: [
    'npm run cli -- migrate verify',
    'npm run cli -- migrate verify --stage members --json',
  ],
});

export const MIGRATE_CLEANUP_COMMAND = defineCommand({
  name: 'migrate cleanup',
  summary: 'drop the original values (_legacy) of verified stages once their retention has passed',
  description: `
For each stage verified clean at least MIGRATION_LEGACY_RETENTION_DAYS ago: drops its source copies
from \`_legacy\` in batches (the archive's documents are removed), and marks it cleaned. A stage
not verified is refused; one still within its retention is kept. Idempotent. --dry-run counts what
would go and changes nothing. Exit 0, 1 when a stage named or any stage was refused, 2 on bad
arguments, 3 when MIGRATION_ENABLED=false.`,
  options: {
    ...STAGE_OPTION,
    'dry-run': { type: 'boolean', description: 'count what would be dropped; change nothing' },
    json: SOURCE_OPTIONS.json,
  },
  examples: ['npm run cli -- migrate cleanup --dry-run', 'npm run cli -- migrate cleanup'],
});

export const MIGRATE_USER_COMMAND = defineCommand({
  name: 'migrate user',
  summary: "migrate one user's whole graph now, whatever the stages' progress",
  description: `
The user, their subcollections, their businesses and posts, their applications, matches, no-shows
and notifications, and what those name (the posts they worked, those posts' businesses and
owners), through the same writers as the daily batch: idempotent, so a second run moves nothing
and says so. The CLI twin of POST /admin/migrations/users/:uid. Exit 0 (done), 1 when the user is
not in the source, 2 on bad arguments, 3 when MIGRATION_ENABLED=false.`,
  arguments: [{ name: 'uid', description: "the user's Firebase uid" }],
  options: SOURCE_OPTIONS,
  examples: ['npm run cli -- migrate user Xk3fPq9RtUv2WyZa1Bc4De5Fg6H7'],
});

interface Output {
  write(text: string): unknown;
  isTTY?: boolean;
}

export interface MigrateCommandContext extends DatabaseCommandContext {
  err: Output;
  privacy(): Promise<Privacy>;
  /** Tests and the e2e pass a source of their own; otherwise the options and configuration. */
  source?: FirestoreSource;
}

function sourceOf(
  context: MigrateCommandContext,
  values: { source?: string; path?: string },
): FirestoreSource | string {
  if (context.source) return context.source;
  const kind = values.source ?? context.config.migration.source?.kind;
  if (kind === undefined) return 'no source: give --source and --path, or set MIGRATION_SOURCE';
  if (kind === 'live') {
    if (values.source) return '--source live takes its settings from MIGRATION_FIRESTORE_*';
    return sourceFromConfig(context.config.migration.source!);
  }
  if (kind !== 'export' && kind !== 'ndjson') return '--source must be export or ndjson';
  const configured = context.config.migration.source;
  const path = values.path ?? (configured && 'path' in configured ? configured.path : undefined);
  if (!path) return `--path is required with --source ${kind}`;
  return sourceFromConfig({ kind, path });
}

const pad = (text: string | number, width: number) => String(text).padEnd(width);

/** `cli migrate plan`. */
export async function migratePlanCommand(context: MigrateCommandContext): Promise<number> {
  const args = readCommandArgs(MIGRATE_PLAN_COMMAND, context.argv, context);
  if ('exitCode' in args) return args.exitCode;
  const source = sourceOf(context, args.values);
  if (typeof source === 'string') return usageError(MIGRATE_PLAN_COMMAND, context.err, source);
  try {
    const plan = await planMigration(source);
    if (args.values.json) {
      context.out.write(`${JSON.stringify(plan, null, 2)}\n`);
      return 0;
    }
    const lines = [`source: ${plan.source} (snapshot ${plan.snapshot})`];
    for (const g of plan.groups) {
      const problems = g.problems.map((p) => `${p.code} ${p.count}`).join(', ');
      lines.push(
        `  ${pad(g.collectionGroup, 16)} ${pad(g.stage ?? '(no stage)', 16)} ${pad(g.documents, 9)} documents ` +
          `${pad(Math.round(g.bytes / 1024), 8)} KiB  names to escape ${g.escapedNames}` +
          (problems ? `  refused: ${problems}` : ''),
      );
    }
    lines.push(
      `total: ${plan.totals.documents} documents, ${Math.round(plan.totals.bytes / 1024)} KiB`,
    );
    if (plan.unmapped.length)
      lines.push(`not migrated (no stage reads them): ${plan.unmapped.join(', ')}`);
    lines.push(`Firestore reads for a full copy: ${plan.estimatedReads}`);
    context.out.write(`${lines.join('\n')}\n`);
    return 0;
  } finally {
    await source.close();
  }
}

function positive(text: string | undefined): number | undefined | 'bad' {
  if (text === undefined) return undefined;
  return /^\d+$/.test(text) && Number(text) > 0 ? Number(text) : 'bad';
}

/** Plain progress lines: at most one per stage every this often. */
const PLAIN_EVERY_MS = 10_000;

const minutes = (ms: number) =>
  ms < 60_000 ? `${Math.ceil(ms / 1000)} s` : `${Math.round(ms / 60_000)} min`;

/**
 * Where the copy stands, on stderr (stdout keeps the report): a bar with an ETA per stage on a
 * terminal, plain lines now and then otherwise, nothing with --json.
 */
function progressOn(err: Output, json: boolean, now = () => Date.now()) {
  if (json) return { onProgress: undefined, stop: () => undefined };
  if (err.isTTY) {
    const bar = new SingleBar(
      {
        stream: err as Output & NodeJS.WritableStream,
        format: '{stage} [{bar}] {percentage}% | {value}/{total} documents | ETA {eta_formatted}',
        hideCursor: true,
      },
      Presets.shades_classic,
    );
    let stage: string | undefined;
    return {
      onProgress: (p: CopyProgress) => {
        if (p.stage !== stage) {
          if (stage) bar.stop();
          stage = p.stage;
          bar.start(p.total, p.read, { stage: pad(p.stage, 14) });
        } else {
          bar.update(p.read);
        }
      },
      stop: () => {
        if (stage) bar.stop();
      },
    };
  }
  let current: { stage: string; startedAt: number; readAtStart: number; lastAt: number } | null =
    null;
  return {
    onProgress: (p: CopyProgress) => {
      const at = now();
      if (current?.stage !== p.stage) {
        current = { stage: p.stage, startedAt: at, readAtStart: p.read, lastAt: -Infinity };
      }
      if (at - current.lastAt < PLAIN_EVERY_MS && p.read < p.total) return;
      current.lastAt = at;
      const rate = (p.read - current.readAtStart) / Math.max(1, at - current.startedAt);
      const eta =
        rate > 0 && p.read < p.total ? `, about ${minutes((p.total - p.read) / rate)} left` : '';
      const percent = p.total ? Math.floor((p.read / p.total) * 100) : 100;
      err.write(`${p.stage}: ${p.read}/${p.total} documents (${percent}%)${eta}\n`);
    },
    stop: () => undefined,
  };
}

/** `cli migrate run`. */
export async function migrateRunCommand(context: MigrateCommandContext): Promise<number> {
  const args = readCommandArgs(MIGRATE_RUN_COMMAND, context.argv, context);
  if ('exitCode' in args) return args.exitCode;
  if (switchedOff(context)) return 3;
  const documents = positive(args.values.documents);
  const runMinutes = positive(args.values.minutes);
  if (documents === 'bad' || runMinutes === 'bad') {
    return usageError(
      MIGRATE_RUN_COMMAND,
      context.err,
      '--documents and --minutes are whole numbers',
    );
  }
  const source = sourceOf(context, args.values);
  if (typeof source === 'string') return usageError(MIGRATE_RUN_COMMAND, context.err, source);
  try {
    const engine = new MigrationEngine({
      source,
      state: new MigrationStateRepository(context.db),
      writers: stageWriters(context.db, await context.privacy()),
      logger: context.logger,
    });
    const progress = progressOn(context.err, args.values.json === true);
    const report = await engine
      .run({
        quota: {
          documents: documents ?? context.config.migration.quota.documents,
          minutes: runMinutes ?? context.config.migration.quota.minutes,
        },
        onProgress: progress.onProgress,
      })
      .finally(() => progress.stop());
    if (args.values.json) {
      context.out.write(`${JSON.stringify(report, null, 2)}\n`);
      return 0;
    }
    const lines = [
      `run ${report.runId}: ${report.outcome}; read ${report.counts.read}, written ${report.counts.written}, ` +
        `unchanged ${report.counts.unchanged}, skipped ${report.counts.skipped}`,
      ...report.stages.map(
        (s) =>
          `  ${pad(s.stage, 16)} ${pad(s.status, 8)} read ${s.counts.read}, written ${s.counts.written}, skipped ${s.counts.skipped}`,
      ),
      ...report.blocked.map(
        (b) => `  ${pad(b.stage, 16)} waits for ${b.waitingFor.join(', ')} to be verified`,
      ),
      ...report.unavailable.map((s) => `  ${pad(s, 16)} not available in this build yet`),
    ];
    context.out.write(`${lines.join('\n')}\n`);
    return 0;
  } catch (error) {
    context.err.write(
      `the run failed: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    return 1;
  } finally {
    await source.close();
  }
}

/** `cli migrate status`. */
export async function migrateStatusCommand(context: MigrateCommandContext): Promise<number> {
  const args = readCommandArgs(MIGRATE_STATUS_COMMAND, context.argv, context);
  if ('exitCode' in args) return args.exitCode;
  const {
    stages: rows,
    issues,
    runs,
  } = await migrationStatus(
    new MigrationStateRepository(context.db),
    context.config.migration.enabled,
  );
  if (args.values.json) {
    context.out.write(
      `${JSON.stringify({ enabled: context.config.migration.enabled, stages: rows, issues, runs }, null, 2)}\n`,
    );
    return 0;
  }
  const lines = [`migration ${context.config.migration.enabled ? 'enabled' : 'switched off'}`];
  for (const r of rows) {
    lines.push(
      `  ${pad(r.stage, 16)} ${pad(r.status, 9)} read ${pad(r.counts.read, 8)} written ${pad(r.counts.written, 8)} ` +
        `skipped ${pad(r.counts.skipped, 6)} partitions ${r.partitions.done}/${r.partitions.total}  issues ${r.issues}` +
        (r.lagSeconds === null ? '' : `  lag ${minutes(r.lagSeconds * 1000)}`),
    );
  }
  if (issues.length) {
    lines.push('latest issues:');
    for (const i of issues) lines.push(`  ${i.stage} ${i.path} ${i.code}: ${i.detail}`);
  }
  if (runs.length) {
    lines.push('last runs:');
    for (const r of runs)
      lines.push(`  ${r.runId} ${r.outcome} read ${r.counts.read} written ${r.counts.written}`);
  }
  context.out.write(`${lines.join('\n')}\n`);
  return 0;
}

function stageOption(value: string | undefined): StageName[] | undefined | 'bad' {
  if (value === undefined) return undefined;
  return (STAGE_NAMES as readonly string[]).includes(value) ? [value as StageName] : 'bad';
}

function switchedOff(context: MigrateCommandContext): boolean {
  if (context.config.migration.enabled) return false;
  context.err.write('the migration is switched off (MIGRATION_ENABLED=false)\n');
  return true;
}

/** `cli migrate verify`. */
export async function migrateVerifyCommand(context: MigrateCommandContext): Promise<number> {
  const args = readCommandArgs(MIGRATE_VERIFY_COMMAND, context.argv, context);
  if ('exitCode' in args) return args.exitCode;
  if (switchedOff(context)) return 3;
  const stages = stageOption(args.values.stage);
  if (stages === 'bad') {
    return usageError(
      MIGRATE_VERIFY_COMMAND,
      context.err,
      `--stage is one of ${STAGE_NAMES.join(', ')}`,
    );
  }
  const source = sourceOf(context, args.values);
  if (typeof source === 'string') return usageError(MIGRATE_VERIFY_COMMAND, context.err, source);
  try {
    const privacy = await context.privacy();
    const reports = await new MigrationVerifier({
      source,
      db: context.db,
      state: new MigrationStateRepository(context.db),
      writers: stageWriters(context.db, privacy),
      sealer: new LegacySealer(privacy.cipher),
    }).verify(stages ? { stages } : {});
    const clean = reports.every((r) => r.clean);
    if (args.values.json) {
      context.out.write(`${JSON.stringify({ clean, stages: reports }, null, 2)}\n`);
      return clean ? 0 : 1;
    }
    const lines = reports.length ? [] : ['no stage is copied yet: nothing to verify'];
    for (const r of reports) {
      lines.push(
        `${pad(r.stage, 16)} ${r.clean ? 'clean: verified' : 'NOT clean'} (sampled ${r.sampled})`,
      );
      for (const g of r.groups) {
        lines.push(
          `  ${pad(g.collectionGroup, 14)} source ${pad(g.source, 8)} matched ${pad(g.matched, 8)} reported ${pad(g.reported, 6)} ` +
            `missing ${pad(g.missing, 5)} altered ${pad(g.altered, 5)} extra ${pad(g.extra, 5)} deleted ${g.deleted}`,
        );
      }
      for (const p of r.missing) lines.push(`  missing ${p}`);
      for (const a of r.altered)
        lines.push(`  altered ${a.path} (${a.reason}: ${a.fields.join(', ')})`);
      for (const p of r.extra) lines.push(`  extra   ${p}`);
      for (const p of r.deleted) lines.push(`  deleted ${p} (in the old app: reconciled)`);
    }
    context.out.write(`${lines.join('\n')}\n`);
    return clean ? 0 : 1;
  } finally {
    await source.close();
  }
}

/** `cli migrate cleanup`. */
export async function migrateCleanupCommand(context: MigrateCommandContext): Promise<number> {
  const args = readCommandArgs(MIGRATE_CLEANUP_COMMAND, context.argv, context);
  if ('exitCode' in args) return args.exitCode;
  if (switchedOff(context)) return 3;
  const stages = stageOption(args.values.stage);
  if (stages === 'bad') {
    return usageError(
      MIGRATE_CLEANUP_COMMAND,
      context.err,
      `--stage is one of ${STAGE_NAMES.join(', ')}`,
    );
  }
  const report = await new MigrationCleanup({
    db: context.db,
    state: new MigrationStateRepository(context.db),
    retentionDays: context.config.migration.legacyRetentionDays,
  }).cleanup({ dryRun: args.values['dry-run'] ?? false, ...(stages ? { stages } : {}) });
  const refused = report.stages.some((s) => s.outcome === 'refused');
  if (!report.dryRun) {
    for (const s of report.stages.filter((stage) => stage.outcome === 'cleaned')) {
      await commandAudit(context).record({
        action: 'migration.stage.cleaned',
        actor: { type: 'cli' },
        subject: { type: 'migration-stage', id: s.stage },
        outcome: s.outcome,
        details: { command: 'migrate cleanup', documents: s.documents, copies: s.copies },
      });
    }
  }
  if (args.values.json) {
    context.out.write(`${JSON.stringify(report, null, 2)}\n`);
    return refused ? 1 : 0;
  }
  const lines = [report.dryRun ? 'dry run: nothing changed' : 'cleanup'];
  for (const s of report.stages) {
    lines.push(
      `  ${pad(s.stage, 16)} ${pad(s.outcome, 9)} documents ${pad(s.documents, 8)} copies ${s.copies}` +
        (s.reason ? `  (${s.reason})` : ''),
    );
  }
  context.out.write(`${lines.join('\n')}\n`);
  return refused ? 1 : 0;
}

/** `cli migrate user <uid>`. */
export async function migrateUserCommand(context: MigrateCommandContext): Promise<number> {
  const args = readCommandArgs(MIGRATE_USER_COMMAND, context.argv, context);
  if ('exitCode' in args) return args.exitCode;
  if (switchedOff(context)) return 3;
  const [uid = ''] = args.positionals;
  if (!/^[A-Za-z0-9_-]{1,128}$/.test(uid)) {
    return usageError(
      MIGRATE_USER_COMMAND,
      context.err,
      '<uid> is a Firebase uid (letters, digits, - and _)',
    );
  }
  const source = sourceOf(context, args.values);
  if (typeof source === 'string') return usageError(MIGRATE_USER_COMMAND, context.err, source);
  try {
    const report = await new UserMigration({
      source,
      state: new MigrationStateRepository(context.db),
      writers: stageWriters(context.db, await context.privacy()),
      logger: context.logger,
    }).migrate(uid);
    if (report.outcome !== 'not_found') {
      await commandAudit(context).record({
        action: 'migration.user.migrated',
        actor: { type: 'cli' },
        subject: { type: 'legacy-user', id: uid },
        outcome: report.outcome,
        details: {
          command: 'migrate user',
          moved: report.moved.length,
          failed: report.failed.length,
        },
      });
    }
    if (args.values.json) {
      context.out.write(`${JSON.stringify(report, null, 2)}\n`);
      return report.outcome === 'not_found' ? 1 : 0;
    }
    if (report.outcome === 'not_found') {
      context.err.write(`the source has no user ${uid}\n`);
      return 1;
    }
    const lines = [
      `user ${uid}: ${report.outcome} in ${report.elapsedMs} ms; moved ${report.moved.length}, ` +
        `already there ${report.alreadyThere}, not moved ${report.failed.length}`,
      ...report.stages.map(
        (s) =>
          `  ${pad(s.stage, 16)} documents ${pad(s.documents, 5)} written ${pad(s.written, 5)} unchanged ${pad(s.unchanged, 5)} skipped ${s.skipped}`,
      ),
      ...report.moved.map((p) => `  moved   ${p}`),
      ...report.failed.map((f) => `  failed  ${f.path} ${f.code}: ${f.detail}`),
    ];
    context.out.write(`${lines.join('\n')}\n`);
    return 0;
  } finally {
    await source.close();
  }
}

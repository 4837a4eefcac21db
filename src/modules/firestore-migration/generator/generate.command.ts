import { Presets, SingleBar } from 'cli-progress';
import {
  defineCommand,
  readCommandArgs,
  usageError,
} from '../../../platform/process/cli-command.js';
import {
  generateLegacyDataset,
  type GenerateSummary,
  OutputDirectoryError,
  PASSES,
} from './generate.js';

export const GENERATE_COMMAND = defineCommand({
  name: 'legacy generate',
  summary: "write a made-up dataset shaped like the old app's Firestore data (no database needed)",
  description: `
Writes the old app's collections as docs/legacy-firestore.md defines them (every shape of each
unclear field, duplicates, dangling references, CI collisions), about 6 documents per user, as a
managed export (--format export, what gcloud firestore export writes) or our typed NDJSON
(--format ndjson), and beside them auth/users.json (firebase auth:export) and
auth/hash-config.json (scrypt parameters with a generated test key). The same --users and --seed
give the same bytes. The first --auth-users users have the password Legacy-<seed>-<index>!; the
others signed up by phone. Everything is generated: no real person's data. Refuses a non-empty
--out unless --force, which replaces only what an earlier run wrote there. Exit 0 when written,
1 when refused.`,
  options: {
    users: {
      type: 'string',
      value: '<N>',
      required: true,
      description: 'how many users (1M documents: 170000)',
    },
    seed: {
      type: 'string',
      value: '<S>',
      description: 'any text; the same seed gives the same data (default 1)',
    },
    format: {
      type: 'string',
      value: 'export|ndjson',
      description: 'the output format (default export)',
    },
    out: {
      type: 'string',
      value: '<dir>',
      required: true,
      description: 'the directory to write (created if missing)',
    },
    'auth-users': {
      type: 'string',
      value: '<K>',
      description: 'how many users get a scrypt password hash (default 50; hashing is slow)',
    },
    force: { type: 'boolean', description: "replace an earlier run's files in --out" },
  },
  examples: [
    'npm run cli -- legacy generate --users 2000 --seed 7 --out .data/legacy-export',
    'npm run cli -- legacy generate --users 170000 --format ndjson --out /tmp/legacy --force',
  ],
});

interface Output {
  write(text: string): unknown;
  isTTY?: boolean;
}

export interface GenerateCommandContext {
  argv: string[];
  out: Output;
  err: Output;
}

const MAX_USERS = 10_000_000;

function count(text: string | undefined, fallback: number, max: number): number | undefined {
  if (text === undefined) return fallback;
  if (!/^\d+$/.test(text)) return undefined;
  const n = Number(text);
  return n <= max ? n : undefined;
}

export function formatGenerateSummary(summary: GenerateSummary): string {
  const rows = Object.entries(summary.collections);
  const width = Math.max(12, ...rows.map(([name]) => name.length));
  return (
    `documents per collection:\n${rows.map(([name, n]) => `  ${name.padEnd(width)}  ${n}\n`).join('')}` +
    `  ${'total'.padEnd(width)}  ${summary.documents}\n` +
    `auth users: ${summary.authUsers} (${summary.passwordUsers} with a password)\n` +
    `files:\n${summary.files.map((f) => `  ${f}\n`).join('')}` +
    `seconds: ${summary.seconds.toFixed(1)}\n`
  );
}

/** `cli legacy generate`. */
export async function generateCommand(context: GenerateCommandContext): Promise<number> {
  const args = readCommandArgs(GENERATE_COMMAND, context.argv, context);
  if ('exitCode' in args) return args.exitCode;
  const { values } = args;
  const users = count(values.users, 0, MAX_USERS);
  if (users === undefined || users === 0) {
    return usageError(
      GENERATE_COMMAND,
      context.err,
      `--users must be a whole number from 1 to ${MAX_USERS}`,
    );
  }
  const authUsers = count(values['auth-users'], 50, MAX_USERS);
  if (authUsers === undefined) {
    return usageError(GENERATE_COMMAND, context.err, '--auth-users must be a whole number');
  }
  const format = values.format ?? 'export';
  if (format !== 'export' && format !== 'ndjson') {
    return usageError(GENERATE_COMMAND, context.err, '--format must be export or ndjson');
  }
  const seed = values.seed ?? '1';
  if (seed === '' || seed.length > 64) {
    return usageError(GENERATE_COMMAND, context.err, '--seed must be 1 to 64 characters');
  }

  const bar = context.err.isTTY
    ? new SingleBar(
        {
          stream: context.err as Output & NodeJS.WritableStream,
          format: 'generating [{bar}] {percentage}% | {pass} | {documents} documents',
          hideCursor: true,
        },
        Presets.shades_classic,
      )
    : undefined;
  bar?.start(users * PASSES.length, 0, { pass: 'users', documents: 0 });
  try {
    const summary = await generateLegacyDataset({
      users,
      seed,
      format,
      out: values.out,
      authUsers,
      force: values.force ?? false,
      onProgress: bar
        ? (p) => bar.update(p.done, { pass: p.pass, documents: p.documents })
        : undefined,
    });
    bar?.stop();
    context.out.write(formatGenerateSummary(summary));
    return 0;
  } catch (error) {
    bar?.stop();
    if (error instanceof OutputDirectoryError) {
      context.err.write(`${error.message}\n`);
      return 1;
    }
    throw error;
  }
}

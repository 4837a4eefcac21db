import { createReadStream } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { AppConfig } from '../../config/config.js';
import { defineCommand, readCommandArgs, usageError } from '../process/cli-command.js';

export const DEV_METRICS_COMMAND = defineCommand({
  name: 'dev metrics',
  summary: "summarize the local stack's metrics (the EMF lines in its log files; local only)",
  description: `
Reads the metrics the API and worker wrote as CloudWatch Embedded Metric Format lines (once a
minute) into today's local log files, and prints each metric of the last --minutes (default 60)
by its dimensions: counts summed, timings as count, p50, p99 and max in milliseconds. In AWS the
same lines become CloudWatch metrics (namespace workmatch). Exit 0; 2 in aws mode or without a
log directory.`,
  options: {
    minutes: { type: 'string', value: '<n>', description: 'how far back (default 60)' },
    json: { type: 'boolean', description: 'print the summary as JSON' },
  },
  examples: ['npm run cli -- dev metrics', 'npm run cli -- dev metrics --minutes 10 --json'],
});

interface Writer {
  write(text: string): unknown;
}

interface Row {
  metric: string;
  dimensions: string;
  unit: string;
  sum?: number;
  count?: number;
  p50?: number;
  p99?: number;
  max?: number;
}

const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;

/** `cli dev metrics`. */
export async function devMetricsCommand(context: {
  config: AppConfig;
  argv: string[];
  out: Writer;
  err: Writer;
}): Promise<number> {
  const args = readCommandArgs(DEV_METRICS_COMMAND, context.argv, context);
  if ('exitCode' in args) return args.exitCode;
  const minutes = Number(args.values.minutes ?? 60);
  if (!Number.isInteger(minutes) || minutes < 1) {
    return usageError(DEV_METRICS_COMMAND, context.err, '--minutes is a whole number of minutes');
  }
  const dir = context.config.log.dir;
  if (context.config.mode !== 'local' || !dir) {
    context.err.write('dev metrics reads the local log files: in AWS, see CloudWatch metrics\n');
    return 2;
  }
  const since = Date.now() - minutes * 60_000;
  const counts = new Map<string, Row>();
  const timings = new Map<string, { row: Row; values: number[] }>();
  const files = (await readdir(dir).catch(() => [] as string[])).filter((f) => f.endsWith('.log'));
  for (const file of files) {
    const lines = createInterface({ input: createReadStream(path.join(dir, file)) });
    for await (const line of lines) {
      if (!line.includes('"_aws"')) continue;
      let doc: Record<string, unknown>;
      try {
        doc = JSON.parse(line) as Record<string, unknown>;
      } catch {
        continue;
      }
      const aws = doc._aws as
        | {
            Timestamp: number;
            CloudWatchMetrics: {
              Dimensions: string[][];
              Metrics: { Name: string; Unit: string }[];
            }[];
          }
        | undefined;
      if (!aws || aws.Timestamp < since) continue;
      for (const directive of aws.CloudWatchMetrics) {
        const keys = directive.Dimensions[0] ?? [];
        const dimensions = keys.map((k) => `${k}=${String(doc[k])}`).join(' ');
        for (const { Name, Unit } of directive.Metrics) {
          const key = `${Name} ${dimensions}`;
          const value = doc[Name];
          if (Unit === 'Count' && typeof value === 'number') {
            const row = counts.get(key) ?? { metric: Name, dimensions, unit: Unit, sum: 0 };
            row.sum = (row.sum ?? 0) + value;
            counts.set(key, row);
          } else if (Array.isArray(value)) {
            const entry = timings.get(key) ?? {
              row: { metric: Name, dimensions, unit: Unit },
              values: [],
            };
            entry.values.push(...value.filter((v): v is number => typeof v === 'number'));
            timings.set(key, entry);
          }
        }
      }
    }
  }
  const rows: Row[] = [...counts.values()];
  for (const { row, values } of timings.values()) {
    const sorted = [...values].sort((a, b) => a - b);
    rows.push({
      ...row,
      count: sorted.length,
      p50: quantile(sorted, 0.5),
      p99: quantile(sorted, 0.99),
      max: sorted.at(-1) ?? 0,
    });
  }
  rows.sort((a, b) => a.metric.localeCompare(b.metric) || a.dimensions.localeCompare(b.dimensions));
  if (args.values.json) {
    context.out.write(`${JSON.stringify({ minutes, metrics: rows }, null, 2)}\n`);
    return 0;
  }
  if (rows.length === 0) {
    context.out.write(
      `no metrics in the last ${minutes} minutes (they are written once a minute)\n`,
    );
    return 0;
  }
  for (const r of rows) {
    const figures =
      r.sum !== undefined
        ? `${r.sum}`
        : `count ${r.count}  p50 ${r.p50} ms  p99 ${r.p99} ms  max ${r.max} ms`;
    context.out.write(`${r.metric.padEnd(16)} ${r.dimensions.padEnd(36)} ${figures}\n`);
  }
  return 0;
}

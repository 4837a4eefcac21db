import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/config.js';
import { baseOptions } from '../logging/logger.js';
import { Metrics } from './metrics.js';
import { devMetricsCommand } from './metrics.command.js';

/** `cli dev metrics` over log files the way the API writes them (EMF lines through pino). */
describe('cli dev metrics', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'wm-metrics-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  async function run(argv: string[] = []) {
    let out = '';
    const code = await devMetricsCommand({
      config: loadConfig({ APP_MODE: 'local', DATA_DIR: dir, LOG_DIR: dir }),
      argv,
      out: { write: (t: string) => (out += t) },
      err: { write: () => undefined },
    });
    return { code, out };
  }

  it('sums counts and summarizes timings of the last minutes, by dimension', async () => {
    const destination = pino.destination({
      dest: path.join(dir, 'api.2026-12-05.1.log'),
      sync: true,
    });
    const logger = pino(baseOptions('info', 'api'), destination);
    for (const minute of [0, 1]) {
      const metrics = new Metrics();
      metrics.count('Requests', { RouteClass: 'member' }, 10 + minute);
      for (const ms of [5, 7, 90]) metrics.time('Latency', { RouteClass: 'member' }, ms);
      for (const document of metrics.flush()) logger.info(document, 'metrics');
    }
    destination.flushSync();

    const { code, out } = await run(['--json']);

    expect(code).toBe(0);
    expect(JSON.parse(out)).toEqual({
      minutes: 60,
      metrics: [
        {
          metric: 'Latency',
          dimensions: 'RouteClass=member',
          unit: 'Milliseconds',
          count: 6,
          p50: 7,
          p99: 90,
          max: 90,
        },
        { metric: 'Requests', dimensions: 'RouteClass=member', unit: 'Count', sum: 21 },
      ],
    });
  });

  it('says so when nothing was written yet', async () => {
    expect(await run()).toEqual({
      code: 0,
      out: 'no metrics in the last 60 minutes (they are written once a minute)\n',
    });
  });
});

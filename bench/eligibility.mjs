// eligibility: (a) the pure engine's decisions per second; (b) the candidates route for 1,000
// workers, on a server seeded through the API (a verified business, 1,000 verified workers, one
// shift). The single-verdict route has its own benches: eligibility-route (against the same
// work done by hand) and eligibility-latency (round trips to the database).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { measureEngine } from './eligibility-engine.mjs';
import { startSeededApp } from './eligibility-seed.mjs';
import { median, report } from './lib.mjs';

const WORKERS = 1_000;
const CANDIDATE_RUNS = 9;

export async function run() {
  const engine = measureEngine();
  const dir = mkdtempSync(path.join(tmpdir(), 'wm-bench-eligibility-'));
  const servers = [];
  try {
    const app = await startSeededApp(dir, WORKERS, servers);
    const operator = { authorization: `Bearer ${app.minter.mint('bench-op', ['operator'])}` };
    const times = [];
    let eligibleCount = 0;
    for (let i = 0; i < CANDIDATE_RUNS + 1; i++) {
      const started = performance.now();
      const response = await fetch(`${app.base}/shifts/${app.shiftId}/candidates`, {
        method: 'POST',
        headers: { ...operator, 'content-type': 'application/json' },
        body: JSON.stringify({ workerIds: app.workerIds }),
      });
      const body = await response.json();
      if (response.status !== 200) throw new Error(`candidates: ${response.status}`);
      if (i > 0) times.push(performance.now() - started); // the first warms up
      eligibleCount = body.eligible.length;
    }
    report('eligibility', [
      engine,
      {
        figure: `POST /shifts/:id/candidates for ${WORKERS} workers (${eligibleCount} eligible, the rest too young), median of ${CANDIDATE_RUNS} requests`,
        value: median(times),
        unit: 'ms',
      },
    ]);
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();

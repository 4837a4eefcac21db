// eligibility-latency: how many database round trips GET /shifts/:id/eligibility/:workerId
// waits for, one after another. A second app on the same database runs with the bench-only
// BENCH_DB_DELAY_MS (every database call waits first, like DocumentDB in another availability
// zone; refused in aws mode, so that app runs in local mode). Requests go one at a time (low
// concurrency: latency, not queueing). The by-hand route (servers/eligibility-by-hand.mjs) makes
// exactly two sequential calls (the shift, then the rest at once), which measures what one
// delayed round trip really costs on this machine (a timer waits at least its delay).
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expectEligible, startSeededApp } from './eligibility-seed.mjs';
import { freePort, median, report, startServer } from './lib.mjs';

const DELAY_MS = Number(process.env.BENCH_DB_DELAY_MS ?? 1);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 200);
const WORKERS = 10;

// node:http on one kept-alive socket rather than fetch: fetch adds a few hundred microseconds of
// its own per request, which would be counted against the route.
const agent = new Agent({ keepAlive: true, maxSockets: 1 });

function get(url, headers) {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent, headers }, (response) => {
      response.resume();
      response.once('end', () => resolve(response.statusCode));
      response.once('error', reject);
    });
    req.once('error', reject);
    req.end();
  });
}

/** Median latency in ms of `REQUESTS` sequential GETs (after a warm-up that is thrown away). */
async function latency(url, headers) {
  const times = [];
  for (let i = 0; i < REQUESTS + 20; i++) {
    const started = performance.now();
    const status = await get(url, headers);
    if (status !== 200) throw new Error(`${url}: ${status}`);
    if (i >= 20) times.push(performance.now() - started);
  }
  return median(times);
}

export async function run() {
  const dir = mkdtempSync(path.join(tmpdir(), 'wm-bench-eligibility-latency-'));
  const servers = [];
  try {
    const [handPort, delayedPort, delayedHandPort] = [
      await freePort(),
      await freePort(),
      await freePort(),
    ];
    const app = await startSeededApp(dir, WORKERS, servers, { BENCH_HAND_PORT: String(handPort) });
    servers.push(
      await startServer(
        'bench/servers/auth-app.mjs',
        {
          ...app.env,
          APP_MODE: 'local',
          PORT: String(delayedPort),
          DATA_DIR: path.join(dir, 'data'),
          BENCH_JWKS: JSON.stringify(app.minter.jwks),
          BENCH_HAND_PORT: String(delayedHandPort),
          BENCH_DB_DELAY_MS: String(DELAY_MS),
        },
        `http://127.0.0.1:${delayedPort}/health/live`,
      ),
    );
    const route = `/shifts/${app.shiftId}/eligibility/${app.workerIds[1]}`;
    const callers = {
      operator: { authorization: `Bearer ${app.minter.mint('bench-op', ['operator'])}` },
      'business staff': {
        authorization: `Bearer ${app.minter.mint('bench-owner', ['business'])}`,
      },
    };
    const plainUrl = `${app.base}${route}`;
    const delayedUrl = `http://127.0.0.1:${delayedPort}${route}`;
    for (const headers of Object.values(callers)) {
      await expectEligible(plainUrl, headers);
      await expectEligible(delayedUrl, headers);
    }
    await expectEligible(`http://127.0.0.1:${delayedHandPort}${route}`, {});

    const handPlain = await latency(`http://127.0.0.1:${handPort}${route}`, {});
    const handDelayed = await latency(`http://127.0.0.1:${delayedHandPort}${route}`, {});
    const roundTrip = (handDelayed - handPlain) / 2;
    // "At most 2 round trips + 1 ms", a round trip being what one delayed call really costs here.
    const bound = 2 * roundTrip + 1;
    const figures = [
      {
        figure: `one delayed database round trip (BENCH_DB_DELAY_MS=${DELAY_MS}), measured on the by-hand route's two (median of ${REQUESTS} sequential requests each way; by hand undelayed: ${handPlain.toFixed(2)} ms)`,
        value: roundTrip,
        unit: 'ms',
      },
    ];
    for (const [who, headers] of Object.entries(callers)) {
      const plain = await latency(plainUrl, headers);
      const delayed = await latency(delayedUrl, headers);
      figures.push(
        {
          figure: `GET /shifts/:id/eligibility/:workerId (${who} token) median latency, every database call delayed ${DELAY_MS} ms (goal <= 2 round trips + 1 ms = ${bound.toFixed(2)} ms); undelayed: ${plain.toFixed(2)} ms`,
          value: delayed,
          unit: 'ms',
        },
        {
          figure: `the same: sequential database round trips ((delayed - undelayed) / one round trip; goal <= 2)`,
          value: (delayed - plain) / roundTrip,
          unit: 'round trips',
        },
      );
    }
    report('eligibility-latency', figures);
  } finally {
    agent.destroy();
    await Promise.all(servers.map((s) => s.stop()));
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();

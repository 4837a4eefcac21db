// eligibility-route: GET /shifts/:id/eligibility/:workerId through the whole app (operator
// token: guard, pipe, codec, filters) against the same work done by hand in the same process: a
// bare Fastify route making the same reads through the same repositories and database client
// and asking the same engine (servers/eligibility-by-hand.mjs). Also the old, unfair figure:
// the route against a bare Fastify hello route; and what caching decrypted fields would save.
// Paired short rounds, as in http.mjs.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expectEligible, startSeededApp } from './eligibility-seed.mjs';
import { freePort, load, median, report, startServer } from './lib.mjs';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 15);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 1);
const WORKERS = 10;

export async function run() {
  const dir = mkdtempSync(path.join(tmpdir(), 'wm-bench-eligibility-route-'));
  const servers = [];
  try {
    const handPort = await freePort();
    const app = await startSeededApp(dir, WORKERS, servers, { BENCH_HAND_PORT: String(handPort) });
    const barePort = await freePort();
    servers.push(
      await startServer(
        'bench/servers/bare-fastify.mjs',
        { PORT: String(barePort) },
        `http://127.0.0.1:${barePort}/health/live`,
      ),
    );
    const route = `/shifts/${app.shiftId}/eligibility/${app.workerIds[1]}`;
    const routeUrl = `${app.base}${route}`;
    const handUrl = `http://127.0.0.1:${handPort}${route}`;
    const cachedUrl = `http://127.0.0.1:${handPort}/cached${route}`;
    const helloUrl = `http://127.0.0.1:${barePort}/health/live`;
    const operator = { authorization: `Bearer ${app.minter.mint('bench-op', ['operator'])}` };
    await expectEligible(routeUrl, operator);
    await expectEligible(handUrl, {});
    await expectEligible(cachedUrl, {});

    load(routeUrl, { seconds: 1, headers: operator });
    load(handUrl, { seconds: 1 });
    load(cachedUrl, { seconds: 1 });
    load(helloUrl, { seconds: 1 });
    const rounds = [];
    const sides = {
      hello: () => load(helloUrl, { seconds: SECONDS }),
      hand: () => load(handUrl, { seconds: SECONDS }),
      app: () => load(routeUrl, { seconds: SECONDS, headers: operator }),
      cached: () => load(cachedUrl, { seconds: SECONDS }),
    };
    for (let i = 0; i < ROUNDS; i++) {
      // Every other round in reverse, so no side always runs first or last.
      const order = i % 2 ? Object.keys(sides).reverse() : Object.keys(sides);
      const round = {};
      for (const side of order) round[side] = sides[side]();
      rounds.push(round);
    }
    const m = (pick) => median(rounds.map(pick));
    const paired = `median of ${ROUNDS} paired ${SECONDS}s rounds`;
    report('eligibility-route', [
      {
        figure: `GET /shifts/:id/eligibility/:workerId (operator token, the whole app) vs the same reads and engine by hand on bare Fastify (${paired})`,
        value: m((r) => r.app),
        unit: 'req/s',
        baseline: m((r) => r.hand),
        ratio: m((r) => r.app / r.hand),
        goal: '>= 0.7',
      },
      {
        figure: 'the same route vs a bare Fastify hello route (the old figure: not the same work)',
        value: m((r) => r.app),
        unit: 'req/s',
        baseline: m((r) => r.hello),
        ratio: m((r) => r.app / r.hello),
      },
      {
        figure:
          'the by-hand route vs the bare Fastify hello route (what the reads and engine cost)',
        value: m((r) => r.hand),
        unit: 'req/s',
        baseline: m((r) => r.hello),
        ratio: m((r) => r.hand / r.hello),
      },
      {
        figure:
          'the by-hand route with every decryption cached (the most a cache of decrypted facts saves) vs without',
        value: m((r) => r.cached),
        unit: 'req/s',
        baseline: m((r) => r.hand),
        ratio: m((r) => r.cached / r.hand),
      },
    ]);
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();

// http: an unauthenticated GET through the whole app (request id, logging, validation pipe,
// problem filter, idempotency hooks) against a bare Fastify route, in paired rounds so the
// machine's drift hits both sides of each ratio alike.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { awsLikeEnv, freePort, load, median, migrate, report, startServer } from './lib.mjs';

// Many short paired rounds: this machine's speed drifts by up to 2x over seconds, and a ratio
// taken within one second of each other is what stays stable.
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 15);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 1);

export async function run() {
  const dir = mkdtempSync(path.join(tmpdir(), 'wm-bench-http-'));
  const [appPort, barePort, nestPort, loggedPort] = [
    await freePort(),
    await freePort(),
    await freePort(),
    await freePort(),
  ];
  const env = awsLikeEnv(path.join(dir, 'db'), appPort);
  migrate(env);
  const app = await startServer('dist/main.js', env, `http://127.0.0.1:${appPort}/health/ready`);
  // The same app writing a line per request (the default locally; in AWS, API Gateway does).
  const loggedEnv = {
    ...awsLikeEnv(path.join(dir, 'db-logged'), loggedPort),
    ENABLE_ACCESS_LOG: 'true',
  };
  migrate(loggedEnv);
  const logged = await startServer(
    'dist/main.js',
    loggedEnv,
    `http://127.0.0.1:${loggedPort}/health/ready`,
  );
  const bare = await startServer(
    'bench/servers/bare-fastify.mjs',
    { PORT: String(barePort) },
    `http://127.0.0.1:${barePort}/health/live`,
  );
  const nest = await startServer(
    'bench/servers/bare-nest.mjs',
    { PORT: String(nestPort) },
    `http://127.0.0.1:${nestPort}/health/live`,
  );
  try {
    const appUrl = `http://127.0.0.1:${appPort}/health/live`;
    const bareUrl = `http://127.0.0.1:${barePort}/health/live`;
    const nestUrl = `http://127.0.0.1:${nestPort}/health/live`;
    const loggedUrl = `http://127.0.0.1:${loggedPort}/health/live`;
    for (const url of [appUrl, bareUrl, nestUrl, loggedUrl]) load(url, { seconds: 1 });
    const rounds = [];
    for (let i = 0; i < ROUNDS; i++) {
      const bareRps = load(bareUrl, { seconds: SECONDS });
      const nestRps = load(nestUrl, { seconds: SECONDS });
      const appRps = load(appUrl, { seconds: SECONDS });
      const loggedRps = load(loggedUrl, { seconds: SECONDS });
      rounds.push({ appRps, bareRps, nestRps, loggedRps });
    }
    const m = (pick) => median(rounds.map(pick));
    report('http', [
      {
        figure: `GET /health/live through the whole app (aws mode: no access-log line) vs bare Fastify (median of ${ROUNDS} paired ${SECONDS}s rounds)`,
        value: m((r) => r.appRps),
        unit: 'req/s',
        baseline: m((r) => r.bareRps),
        ratio: m((r) => r.appRps / r.bareRps),
        goal: '>= 0.65',
      },
      {
        figure: 'the same, with ENABLE_ACCESS_LOG=true (a log line per request)',
        value: m((r) => r.loggedRps),
        unit: 'req/s',
        baseline: m((r) => r.bareRps),
        ratio: m((r) => r.loggedRps / r.bareRps),
      },
      {
        figure: 'the same route on bare NestJS-on-Fastify vs bare Fastify (the framework alone)',
        value: m((r) => r.nestRps),
        unit: 'req/s',
        baseline: m((r) => r.bareRps),
        ratio: m((r) => r.nestRps / r.bareRps),
      },
    ]);
  } finally {
    await Promise.all([app.stop(), bare.stop(), nest.stop(), logged.stop()]);
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();

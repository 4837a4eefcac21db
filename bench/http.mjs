// http: an unauthenticated GET through the whole app (request id, logging, validation pipe,
// problem filter, idempotency hooks) against a bare Fastify route, in paired rounds so the
// machine's drift hits both sides of each ratio alike.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { awsLikeEnv, freePort, load, median, migrate, report, startServer } from './lib.mjs';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);

export async function run() {
  const dir = mkdtempSync(path.join(tmpdir(), 'wm-bench-http-'));
  const [appPort, barePort] = [await freePort(), await freePort()];
  const env = awsLikeEnv(path.join(dir, 'db'), appPort);
  migrate(env);
  const app = await startServer('dist/main.js', env, `http://127.0.0.1:${appPort}/health/ready`);
  const bare = await startServer(
    'bench/servers/bare-fastify.mjs',
    { PORT: String(barePort) },
    `http://127.0.0.1:${barePort}/health/live`,
  );
  try {
    const appUrl = `http://127.0.0.1:${appPort}/health/live`;
    const bareUrl = `http://127.0.0.1:${barePort}/health/live`;
    load(appUrl, { seconds: 1 });
    load(bareUrl, { seconds: 1 });
    const rounds = [];
    for (let i = 0; i < ROUNDS; i++) {
      const bareRps = load(bareUrl, { seconds: SECONDS });
      const appRps = load(appUrl, { seconds: SECONDS });
      rounds.push({ appRps, bareRps, ratio: appRps / bareRps });
    }
    const appRps = median(rounds.map((r) => r.appRps));
    const bareRps = median(rounds.map((r) => r.bareRps));
    report('http', [
      {
        figure: 'GET /health/live through the whole app vs bare Fastify (median of paired rounds)',
        value: appRps,
        unit: 'req/s',
        baseline: bareRps,
        ratio: median(rounds.map((r) => r.ratio)),
        goal: '>= 0.65',
      },
    ]);
  } finally {
    await Promise.all([app.stop(), bare.stop()]);
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();

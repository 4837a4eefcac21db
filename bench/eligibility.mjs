// eligibility: (a) the pure engine's decisions per second; (b) the authenticated HTTP eligibility
// route through the whole app against a bare Fastify route, in paired rounds; (c) the candidates
// route for 1,000 workers. (b) and (c) run on a server seeded through the API: a verified
// business, 1,000 verified workers, one shift.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { businessNumberCheckDigit } from '../dist/modules/businesses/business-number.js';
import { toKstIso } from '../dist/platform/time/kst.js';
import { measureEngine } from './eligibility-engine.mjs';
import {
  awsLikeEnv,
  createTokenMinter,
  freePort,
  load,
  median,
  migrate,
  report,
  startServer,
} from './lib.mjs';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 15);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 1);
const WORKERS = 1_000;
const CANDIDATE_RUNS = 9;
const DAY = 24 * 3_600_000;

/** Runs `tasks` (functions returning promises) `width` at a time. */
async function pool(tasks, width) {
  let next = 0;
  const lanes = Array.from({ length: width }, async () => {
    while (next < tasks.length) await tasks[next++]();
  });
  await Promise.all(lanes);
}

async function seed(base, minter) {
  const call = async (method, route, sub, groups, body, expected) => {
    const response = await fetch(`${base}${route}`, {
      method,
      headers: {
        authorization: `Bearer ${minter.mint(sub, groups)}`,
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    if (response.status !== expected)
      throw new Error(`${method} ${route}: ${response.status} ${text}`);
    return text ? JSON.parse(text) : undefined;
  };
  const owner = ['bench-owner', ['business']];
  const operator = ['bench-op', ['operator']];
  const nine = '123450000';
  const business = await call(
    'POST',
    '/businesses',
    ...owner,
    {
      businessNumber: `${nine}${businessNumberCheckDigit(nine)}`,
      name: '벤치마크상사',
      representativeName: '박서준',
      openingDate: '2019-03-02',
    },
    201,
  );
  await call(
    'POST',
    `/operator/businesses/${business.id}/verification`,
    ...operator,
    {
      action: 'verify',
      evidence: 'benchmark business',
      ntsStatus: { status: 'active', taxType: '부가가치세 일반과세자' },
      reason: 'benchmark',
    },
    200,
  );
  const ids = Array.from({ length: WORKERS }, (_, i) => `bench-w-${i}`);
  await pool(
    ids.map((id, i) => async () => {
      const me = [id, ['worker']];
      await call(
        'PUT',
        '/workers/me',
        ...me,
        {
          legalName: '김민수',
          birthDate: i % 10 === 0 ? '2011-01-01' : '1995-04-01', // one in ten is too young
          phone: '010-1234-5678',
        },
        200,
      );
      await call(
        'PUT',
        '/workers/me/bank-account',
        ...me,
        {
          bankCode: '088',
          number: '110-123-456789',
          holderName: '김민수',
        },
        200,
      );
      await call(
        'POST',
        `/operator/workers/${id}/identity`,
        ...operator,
        {
          action: 'verify',
          evidence: 'benchmark worker',
          ci: `bench-ci-${i}`,
        },
        200,
      );
      await call(
        'POST',
        `/operator/workers/${id}/bank-account`,
        ...operator,
        {
          action: 'verify',
          evidence: 'benchmark worker',
          holderMatchesLegalName: true,
        },
        200,
      );
    }),
    8,
  );
  const start = new Date(Date.now() + 3 * DAY);
  const shift = await call(
    'POST',
    `/businesses/${business.id}/shifts`,
    ...owner,
    {
      title: 'Benchmark shift',
      startsAt: toKstIso(start),
      endsAt: toKstIso(new Date(start.getTime() + 4 * 3_600_000)),
      place: {
        address: '서울 강남구 테헤란로 152',
        regionCode: '1168010100',
        lat: 37.5,
        lng: 127.04,
      },
      headcount: 10,
      hourlyPayKrw: 12_000,
    },
    201,
  );
  return { shiftId: shift.id, workerIds: ids };
}

export async function run() {
  const engine = measureEngine();
  const dir = mkdtempSync(path.join(tmpdir(), 'wm-bench-eligibility-'));
  const servers = [];
  try {
    const port = await freePort();
    const env = awsLikeEnv(path.join(dir, 'db'), port);
    const minter = createTokenMinter(env);
    migrate(env);
    servers.push(
      await startServer(
        'bench/servers/auth-app.mjs',
        { ...env, BENCH_JWKS: JSON.stringify(minter.jwks) },
        `http://127.0.0.1:${port}/health/ready`,
      ),
    );
    const base = `http://127.0.0.1:${port}`;
    const seeded = await seed(base, minter);
    const barePort = await freePort();
    servers.push(
      await startServer(
        'bench/servers/bare-fastify.mjs',
        { PORT: String(barePort) },
        `http://127.0.0.1:${barePort}/health/live`,
      ),
    );
    const bareUrl = `http://127.0.0.1:${barePort}/health/live`;
    const verdictUrl = `${base}/shifts/${seeded.shiftId}/eligibility/${seeded.workerIds[1]}`;
    const operator = { authorization: `Bearer ${minter.mint('bench-op', ['operator'])}` };
    const probe = await fetch(verdictUrl, { headers: operator });
    const verdict = await probe.json();
    if (probe.status !== 200 || !verdict.eligible) {
      throw new Error(`the benchmark verdict is not an eligible 200: ${JSON.stringify(verdict)}`);
    }

    load(verdictUrl, { seconds: 1, headers: operator });
    load(bareUrl, { seconds: 1 });
    const rounds = [];
    for (let i = 0; i < ROUNDS; i++) {
      const bare = load(bareUrl, { seconds: SECONDS });
      const route = load(verdictUrl, { seconds: SECONDS, headers: operator });
      rounds.push({ bare, route });
    }

    const times = [];
    let eligibleCount = 0;
    for (let i = 0; i < CANDIDATE_RUNS + 1; i++) {
      const started = performance.now();
      const response = await fetch(`${base}/shifts/${seeded.shiftId}/candidates`, {
        method: 'POST',
        headers: { ...operator, 'content-type': 'application/json' },
        body: JSON.stringify({ workerIds: seeded.workerIds }),
      });
      const body = await response.json();
      if (response.status !== 200) throw new Error(`candidates: ${response.status}`);
      if (i > 0) times.push(performance.now() - started); // the first warms up
      eligibleCount = body.eligible.length;
    }

    const m = (pick) => median(rounds.map(pick));
    report('eligibility', [
      engine,
      {
        figure: `GET /shifts/:id/eligibility/:workerId (operator token, the whole app) vs bare Fastify (goal >= 0.5; median of ${ROUNDS} paired ${SECONDS}s rounds)`,
        value: m((r) => r.route),
        unit: 'req/s',
        baseline: m((r) => r.bare),
        ratio: m((r) => r.route / r.bare),
        goal: '>= 0.5',
      },
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

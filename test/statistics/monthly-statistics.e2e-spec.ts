import { ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import ExcelJS from 'exceljs';
import { ObjectId } from 'mongodb';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSlackStub, type SlackStub } from '../../src/integrations/slack/stub/slack-stub.js';
import { openStatistics } from '../../src/jobs.module.js';
import { freePort } from '../../src/local/ports.js';
import { statsMonthlyCommand } from '../../src/modules/statistics/stats-monthly.command.js';
import { TokenVerifier } from '../../src/platform/auth/token-verifier.js';
import { baseOptions } from '../../src/platform/logging/logger.js';
import type { Database } from '../../src/platform/storage/database.js';
import { DATABASE } from '../../src/platform/storage/storage.module.js';
import { lastAccessRecord } from '../support/access-records.js';
import { startS3StandIn } from '../support/s3-stand-in.js';
import { LogCapture } from '../support/log-capture.js';
import { AWS_LIKE_ENV, startTestApi, type TestApi } from '../support/test-api.js';
import { TokenMint } from '../support/tokens.js';

const kst = (local: string) => new Date(`${local}+09:00`);
const mint = new TokenMint(AWS_LIKE_ENV.COGNITO_USER_POOL_ID, AWS_LIKE_ENV.COGNITO_CLIENT_ID);
const operator = mint.access('op-stats', ['operator']);
const worker = mint.access('worker-stats', ['worker']);

/**
 * The monthly statistics end to end, on the local stand-ins: figures from the database, files on
 * S3 (s3rver) with a manifest, the notice on Slack (the stub), the operator routes and their
 * presigned downloads.
 */
describe('monthly statistics: from the data to S3, Slack and the operators', () => {
  let stopS3: (() => Promise<void>) | undefined;
  let slack: SlackStub;
  let api: TestApi;
  let db: Database;
  let s3: S3Client;

  beforeAll(async () => {
    slack = await startSlackStub({ port: await freePort() });
    const s3Port = await freePort();
    api = await startTestApi({
      env: {
        APP_MODE: 'local',
        LOCAL_S3_PORT: String(s3Port),
        SLACK_API_URL: slack.apiUrl,
        COGNITO_USER_POOL_ID: AWS_LIKE_ENV.COGNITO_USER_POOL_ID,
        COGNITO_CLIENT_ID: AWS_LIKE_ENV.COGNITO_CLIENT_ID,
      },
    });
    ({ s3, stop: stopS3 } = await startS3StandIn(api.config, api.dataDir));
    api.app.get(TokenVerifier).trustKeySet(mint.jwks);
    db = api.app.get<Database>(DATABASE);
    await seed(db);
  });

  afterAll(async () => {
    await api?.close();
    await stopS3?.();
    await slack?.close();
  });

  async function run(...argv: string[]) {
    let out = '';
    let err = '';
    const logger = pino(baseOptions('info', 'cli'), new LogCapture());
    const context = { argv, config: api.config, logger, db };
    const code = await statsMonthlyCommand({
      ...context,
      out: { write: (text: string) => (out += text) },
      err: { write: (text: string) => (err += text) },
      openStatistics: () => openStatistics(context),
      now: () => kst('2026-12-01T06:00:00'),
    });
    return { code, out, err };
  }

  const call = (path: string, token = operator) =>
    fetch(`${api.url}${path}`, { headers: { authorization: `Bearer ${token}` } });

  it('publishes last month’s workbook, CSV files and charts on S3 under a manifest, and announces it on Slack', async () => {
    const { code, out, err } = await run();
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(out).toMatch(/^2026-11: published \(run .+, announced\)/);

    const listed = await call('/operator/stats');
    expect(listed.status).toBe(200);
    const { reports } = (await listed.json()) as {
      reports: {
        month: string;
        empty: boolean;
        headline: Record<string, number>;
        files: { name: string }[];
      }[];
    };
    expect(reports.map((r) => r.month)).toEqual(['2026-11']);
    expect(reports[0]!.headline).toMatchObject({
      signUps: 2,
      shiftsPosted: 1,
      headcountOffered: 2,
      assignmentsCompleted: 1,
      hoursWorked: 8,
      grossPayKrw: 96_000,
    });
    expect(reports[0]!.files.map((f) => f.name).sort()).toEqual(
      [
        'report.xlsx',
        'summary.csv',
        'sign-ups-by-role.csv',
        'verifications.csv',
        'assignments-by-state.csv',
        'regions.csv',
        'top-businesses.csv',
        'refusals-by-rule.csv',
        'daily.csv',
        'daily.png',
        'assignments-by-state.png',
        'regions.png',
      ].sort(),
    );

    const notices = slack.received().filter((c) => c.method === 'chat.postMessage');
    expect(notices).toHaveLength(1);
    expect(JSON.stringify(notices[0]!.args)).toContain('2026년 11월');
  });

  it('hands an operator the workbook through a presigned URL, recording the download first', async () => {
    const response = await call('/operator/stats/2026-11/report.xlsx');
    expect(response.status).toBe(200);
    const download = (await response.json()) as { url: string; name: string; bytes: number };
    expect(await lastAccessRecord(db)).toMatchObject({
      actor: { id: 'op-stats', role: 'operator' },
      action: 'export',
      dataset: 'monthly_statistics',
      fields: ['2026-11/report.xlsx'],
    });

    const file = await fetch(download.url);
    expect(file.status).toBe(200);
    const bytes = Buffer.from(await file.arrayBuffer());
    expect(bytes.length).toBe(download.bytes);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
    expect(workbook.worksheets.map((sheet) => sheet.name)[0]).toBe('요약');
  });

  it('answers 404 for a month or a file without a report, 400 for a malformed one, and 403 to a worker', async () => {
    const noMonth = await call('/operator/stats/2026-10/report.xlsx');
    expect(noMonth.status).toBe(404);
    expect(await noMonth.json()).toMatchObject({ code: 'stats_report_not_found' });
    const noFile = await call('/operator/stats/2026-11/other.xlsx');
    expect(noFile.status).toBe(404);
    expect(await noFile.json()).toMatchObject({ code: 'stats_file_not_found' });
    expect((await call('/operator/stats/2026-13/report.xlsx')).status).toBe(400);
    expect((await call('/operator/stats/2026-11/..%2Fmanifest.json')).status).toBe(400);
    expect((await call('/operator/stats', worker)).status).toBe(403);
  });

  it('replaces a month’s files at once when it runs again, leaving no file of the earlier run', async () => {
    const before = await objectKeys();

    expect((await run('--month', '2026-11')).code).toBe(0);

    const after = await objectKeys();
    const runs = (keys: string[]) =>
      new Set(keys.filter((k) => k.includes('/runs/')).map((k) => k.split('/')[3]));
    expect(runs(before).size).toBe(1);
    expect(runs(after).size).toBe(1);
    expect([...runs(after)]).not.toEqual([...runs(before)]);
    expect(after.filter((k) => k.endsWith('manifest.json'))).toEqual([
      'stats/2026-11/manifest.json',
    ]);
  });

  it('still produces a report for a month with no activity, saying so', async () => {
    const { code, out } = await run('--month', '2026-02');
    expect(code).toBe(0);
    expect(out).toMatch(/^2026-02: no activity; the report says so/);
    const { reports } = (await (await call('/operator/stats')).json()) as {
      reports: { month: string; empty: boolean }[];
    };
    expect(reports).toEqual([
      expect.objectContaining({ month: '2026-11', empty: false }),
      expect.objectContaining({ month: '2026-02', empty: true }),
    ]);
  });

  it('refuses a month that has not started, and a month that is not one, with exit 2', async () => {
    expect((await run('--month', '2027-01')).code).toBe(2);
    expect((await run('--month', 'November')).code).toBe(2);
  });

  async function objectKeys(): Promise<string[]> {
    const page = await s3.send(
      new ListObjectsV2Command({ Bucket: api.config.aws.s3.bucket, Prefix: 'stats/2026-11/' }),
    );
    return (page.Contents ?? []).map((object) => object.Key!).sort();
  }
});

/** A little of November 2026: two sign-ups, one shift in Seoul with a completed assignment. */
async function seed(db: Database) {
  await db.collection<{ _id: string }>('members').insertMany([
    { _id: 'm-1', role: 'worker', status: 'active', createdAt: kst('2026-11-02T10:00:00') },
    { _id: 'm-2', role: 'business', status: 'active', createdAt: kst('2026-11-03T10:00:00') },
  ] as never[]);
  const shiftId = new ObjectId();
  await db.collection('shifts').insertOne({
    _id: shiftId,
    businessId: 'b-1',
    title: '근무',
    startsAt: kst('2026-11-20T09:00:00'),
    endsAt: kst('2026-11-20T17:00:00'),
    place: { address: '주소', regionCode: '1168010100' },
    headcount: 2,
    hourlyPayKrw: 12_000,
    requiredQualifications: [],
    minimumAge: 18,
    status: 'open',
    filled: 1,
    holders: [],
    version: 1,
    createdBy: 'm-2',
    createdAt: kst('2026-11-04T10:00:00'),
    updatedAt: kst('2026-11-04T10:00:00'),
  });
  await db.collection('assignments').insertOne({
    _id: new ObjectId(),
    shiftId: shiftId.toHexString(),
    businessId: 'b-1',
    workerId: 'm-1',
    state: 'completed',
    origin: 'application',
    startsAt: kst('2026-11-20T09:00:00'),
    endsAt: kst('2026-11-20T17:00:00'),
    hoursWorked: 8,
    history: [],
    outbox: [],
    version: 3,
    createdAt: kst('2026-11-05T10:00:00'),
    updatedAt: kst('2026-11-20T18:00:00'),
  });
}

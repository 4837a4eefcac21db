import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { build } from 'vite';
import { PROJECT_ROOT } from '../../src/local/launcher.js';
import { freePort } from '../../src/local/ports.js';
import type { StaffRole } from '../../src/modules/auth/staff-accounts.js';
import type { HeadlineValues } from '../../src/modules/statistics/monthly-figures.js';
import { StatsStore } from '../../src/modules/statistics/stats-store.js';
import { generatePassword } from '../../src/platform/auth/generate-password.js';
import type { Database } from '../../src/platform/storage/database.js';
import { DATABASE } from '../../src/platform/storage/storage.module.js';
import {
  formatKstMonth,
  HOUR_MS,
  kstMonthOf,
  kstMonthStartMs,
  nextKstMonth,
  previousKstMonth,
  type KstMonth,
} from '../../src/platform/time/kst.js';
import { startApiWithCognito, staffAccountsOf, type CognitoApi } from './cognito-api.js';
import { countAlertEvents } from './alerts.js';
import { generatedExport } from './legacy-export.js';
import { startS3StandIn } from './s3-stand-in.js';

export const CONSOLE_SOURCE = path.join(PROJECT_ROOT, 'console');

/** One file of the console's build, as Vite wrote it. */
interface BuiltChunk {
  /** Under the build directory: `assets/index-<hash>.js`. */
  fileName: string;
  /** The modules bundled into it (absolute paths; libraries under node_modules). */
  moduleIds: string[];
}

export interface ConsoleStack {
  /** The API's origin; the console is at `${url}/console/`. */
  url: string;
  harness: CognitoApi;
  /** Where the console was built for this run (CONSOLE_DIR). */
  consoleDir: string;
  chunks: BuiltChunk[];
  /** A user of the old app's export the migration has not moved yet (its Firebase uid). */
  legacyUid: string;
  /** Another such user, whose old document holds an email (it has no Firebase Auth account). */
  legacyByEmail: { uid: string; email: string };
  /** The latest month with a published report: Today shows its headline figures. */
  reportMonth: KstMonth;
  /** A staff account as `cli members create-staff` makes it: a temporary password to change. */
  staffAccount(email: string, role?: StaffRole): Promise<{ email: string; password: string }>;
  /** A worker signed up and confirmed through the API, as the apps do. */
  worker(email: string, password: string): Promise<void>;
  /** A member of either role signed up and confirmed through the API. */
  member(email: string, password: string, role: 'worker' | 'business'): Promise<void>;
  close(): Promise<void>;
}

/**
 * Builds the console with Vite's JavaScript API into a temporary directory: what `npm run build`
 * ships, without touching dist/console.
 */
async function buildConsole(outDir: string): Promise<BuiltChunk[]> {
  // vitest runs with NODE_ENV=test, and Vite defines process.env.NODE_ENV for the bundle from it:
  // React's development build. The test serves and measures the production build.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    const result = await build({
      root: CONSOLE_SOURCE,
      mode: 'production',
      build: { outDir, emptyOutDir: true },
      logLevel: 'warn',
    });
    const outputs = Array.isArray(result) ? result : [result];
    return outputs.flatMap((output) =>
      'output' in output
        ? output.output.flatMap((file) =>
            file.type === 'chunk' ? [{ fileName: file.fileName, moduleIds: file.moduleIds }] : [],
          )
        : [],
    );
  } finally {
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = nodeEnv;
  }
}

/** A month's headline as the monthly job would publish it: plausible figures, scaled. */
function headline(scale: number): HeadlineValues {
  const filled = Math.round(412 * scale);
  const offered = Math.round(468 * scale);
  return {
    signUps: Math.round(238 * scale),
    identityVerified: Math.round(191 * scale),
    bankAccountsVerified: Math.round(176 * scale),
    businessesVerified: Math.round(23 * scale),
    shiftsPosted: Math.round(157 * scale),
    headcountOffered: offered,
    headcountFilled: filled,
    fillRate: filled / offered,
    applications: Math.round(1_034 * scale),
    assignmentsCompleted: Math.round(389 * scale),
    noShowRate: 0.021,
    lateCancellationRate: 0.034,
    hoursWorked: Math.round(3_112.5 * scale * 2) / 2,
    grossPayKrw: Math.round(31_901_250 * scale),
    eligibilityRefusals: Math.round(17 * scale),
  };
}

/** A small workbook as the monthly job's `report.xlsx` is made (ExcelJS), for the download. */
async function workbook(month: KstMonth, scale: number): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet('요약');
  sheet.addRow(['월', '신규 가입']);
  sheet.addRow([formatKstMonth(month), headline(scale).signUps]);
  return Buffer.from(await book.xlsx.writeBuffer());
}

/**
 * The last two months' statistics published on S3 as the monthly job leaves them (manifests
 * with their headline, and one small CSV each), so Today has figures to show and a month to
 * compare them with, and the statistics screen a file to download.
 */
async function publishReports(store: StatsStore, now: Date): Promise<KstMonth> {
  const latest = previousKstMonth(kstMonthOf(now));
  const before = previousKstMonth(latest);
  for (const [month, scale] of [
    [before, 0.86],
    [latest, 1],
  ] as const) {
    // The job runs on the 1st of the next month at 06:00 KST.
    const generatedAt = new Date(kstMonthStartMs(nextKstMonth(month)) + 6 * HOUR_MS);
    await store.publish(
      {
        month: formatKstMonth(month),
        generatedAt: generatedAt.toISOString(),
        empty: false,
        headline: headline(scale),
      },
      // One small workbook and one small CSV per month, for the statistics screen's downloads.
      [
        {
          name: 'report.xlsx',
          contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
          body: await workbook(month, scale),
        },
        {
          name: 'summary.csv',
          contentType: 'text/csv; charset=utf-8',
          body: Buffer.from(
            `\uFEFF월,신규 가입\n${formatKstMonth(month)},${headline(scale).signUps}\n`,
          ),
        },
      ],
    );
  }
  return latest;
}

/** The code of the fault the alert pipeline counted an hour ago (Today lists it). */
export const RECENT_ALERT_CODE = 'provider_circuit_open';

/**
 * Two events of one fault an hour ago and one of a fault two days ago, counted by the worker's
 * alert pipeline as it would (no channel to deliver to): Today lists the first fault only.
 */
function countAlerts(db: Database): Promise<void> {
  const now = Date.now();
  return countAlertEvents(
    db,
    (
      [
        [1, 48, 'internal'],
        [2, 1.5, RECENT_ALERT_CODE],
        [3, 1, RECENT_ALERT_CODE],
      ] as const
    ).map(([i, hoursAgo, code]) => ({
      id: `console-alert-${i}`,
      at: new Date(now - hoursAgo * HOUR_MS).toISOString(),
      source: code === 'internal' ? 'error' : 'provider',
      severity: 'error',
      code,
      where: code === 'internal' ? 'GET /shifts/:id' : 'nice.verify',
      summary: code === 'internal' ? 'TypeError' : 'The circuit to nice opened',
      process: 'api',
      environment: 'local',
    })),
  );
}

/**
 * The console under test: built from console/ for this run, served by the real app in local mode
 * (CONSOLE_DIR) against cognito-local, with s3rver holding two months of statistics.
 */
export async function startConsoleStack(): Promise<ConsoleStack> {
  const consoleDir = await mkdtemp(path.join(tmpdir(), 'wm-console-'));
  let harness: CognitoApi | undefined;
  let stopS3: (() => Promise<void>) | undefined;
  const legacyDir = await mkdtemp(path.join(tmpdir(), 'wm-console-legacy-'));
  try {
    const chunks = await buildConsole(consoleDir);
    const exported = await generatedExport(legacyDir, { users: 5, seed: 'console' });
    const legacyUid = exported.first;
    const legacyByEmail = exported.withEmail;
    harness = await startApiWithCognito({
      env: {
        CONSOLE_DIR: consoleDir,
        // The old app's data, for the migration screen: a small generated Firestore export.
        MIGRATION_SOURCE: 'ndjson',
        MIGRATION_SOURCE_PATH: legacyDir,
        LOCAL_S3_PORT: String(await freePort()),
        // Every sign-in of the run comes from 127.0.0.1, several to the same account.
        LOGIN_THROTTLE_MAX_PER_USERNAME: '50',
        LOGIN_THROTTLE_MAX_PER_IP: '1000',
      },
    });
    const { api } = harness;
    ({ stop: stopS3 } = await startS3StandIn(api.config, api.dataDir));
    const reportMonth = await publishReports(api.app.get(StatsStore), new Date());
    await countAlerts(api.app.get<Database>(DATABASE));
    const staff = staffAccountsOf(api);
    const running = harness;
    const stop = stopS3;
    const member = async (email: string, password: string, role: 'worker' | 'business') => {
      const post = (route: string, body: unknown) =>
        fetch(`${api.url}${route}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
      const signUp = await post('/auth/sign-up', {
        email,
        password,
        phone: '010-2345-6789',
        role,
      });
      if (signUp.status !== 201) throw new Error(`sign-up: ${signUp.status}`);
      const { userId } = (await signUp.json()) as { userId: string };
      const confirm = await post('/auth/confirm', { email, code: running.codeFor(userId) });
      if (confirm.status !== 200) throw new Error(`confirm: ${confirm.status}`);
    };
    return {
      url: api.url,
      legacyUid,
      legacyByEmail,
      harness: running,
      consoleDir,
      chunks,
      reportMonth,
      async staffAccount(email, role = 'operator') {
        const password = generatePassword();
        await staff.create({ email, role, temporaryPassword: password });
        return { email, password };
      },
      worker: (email, password) => member(email, password, 'worker'),
      member,
      async close() {
        // s3rver keeps its files under the API's data directory, which the API's close removes.
        await stop();
        await running.close();
        await rm(consoleDir, { recursive: true, force: true });
        await rm(legacyDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await stopS3?.();
    await harness?.close();
    await rm(consoleDir, { recursive: true, force: true });
    await rm(legacyDir, { recursive: true, force: true });
    throw error;
  }
}

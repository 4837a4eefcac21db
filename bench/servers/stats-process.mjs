// The monthly statistics of November 2026 over a database the stats bench generated, in a fresh
// process so its time and peak memory are its own. Prints one JSON line:
//   produce: the whole `stats monthly` path (figures, workbook, CSV, charts, S3 publish to the
//            s3rver at <s3 port>), ms
//   figures: the figures alone, run again, ms
//   byHand:  the baseline: the month's assignments read with find() (the fields the figures use)
//            and grouped per shift and state in a plain Map, late cancellations counted, ms
//   produceRssMb: the peak resident memory after the produce path; maxRssMb: after everything
// Usage: node stats-process.mjs <data dir> <s3 port>
import { performance } from 'node:perf_hooks';
import { pino } from 'pino';
import { loadConfig } from '../../dist/config/config.js';
import { AssignmentStatistics } from '../../dist/modules/assignments/assignment-statistics.js';
import { BusinessStatistics } from '../../dist/modules/businesses/business-statistics.js';
import { MemberStatistics } from '../../dist/modules/members/member-statistics.js';
import { ShiftStatistics } from '../../dist/modules/shifts/shift-statistics.js';
import { monthlyFigures } from '../../dist/modules/statistics/monthly-figures.js';
import { MonthlyStatisticsService } from '../../dist/modules/statistics/monthly-statistics.service.js';
import { StatsStore } from '../../dist/modules/statistics/stats-store.js';
import { WorkerStatistics } from '../../dist/modules/workers/worker-statistics.js';
import { createS3Client } from '../../dist/platform/aws/clients.js';
import { openDatabase } from '../../dist/platform/storage/open-database.js';
import { kstMonthRange } from '../../dist/platform/time/kst.js';
import { openPrivacy } from '../../dist/privacy/privacy.js';

const [dataDir, s3Port] = process.argv.slice(2);
const silent = pino({ level: 'silent' });
const config = loadConfig({ APP_MODE: 'local', DATA_DIR: dataDir, LOCAL_S3_PORT: s3Port });
const db = await openDatabase(config.database, silent);
const { personalData } = await openPrivacy(config, db);
const sources = {
  members: MemberStatistics.open(db, personalData),
  workers: WorkerStatistics.open(db, personalData),
  businesses: BusinessStatistics.open(db, personalData),
  shifts: ShiftStatistics.open(db),
  assignments: AssignmentStatistics.open(db, personalData),
};
const service = new MonthlyStatisticsService(
  sources.members,
  sources.workers,
  sources.businesses,
  sources.shifts,
  sources.assignments,
  new StatsStore(createS3Client(config), config.aws.s3.bucket),
  silent,
  undefined,
);
const NOVEMBER = { year: 2026, month: 11 };

let started = performance.now();
const { report } = await service.produce(NOVEMBER);
const produce = performance.now() - started;
// The high-water mark of the produce path alone (the baseline below holds every row).
const produceRssMb = process.resourceUsage().maxRSS / 1024;

started = performance.now();
await monthlyFigures(sources, NOVEMBER);
const figures = performance.now() - started;

started = performance.now();
const range = kstMonthRange(NOVEMBER);
const rows = await db
  .collection('assignments')
  .find(
    { startsAt: { $gte: range.from, $lt: range.to } },
    { projection: { shiftId: 1, state: 1, hoursWorked: 1, cancellation: 1 } },
  )
  .toArray();
const groups = new Map();
let lateCancellations = 0;
for (const row of rows) {
  if (row.state === 'cancelled' && row.cancellation?.late === true) lateCancellations += 1;
  const key = `${row.shiftId}:${row.state}`;
  const group = groups.get(key) ?? { count: 0, hours: 0 };
  group.count += 1;
  group.hours += row.hoursWorked ?? 0;
  groups.set(key, group);
}
const byHand = performance.now() - started;

await db.close();
console.log(
  JSON.stringify({
    produce,
    figures,
    byHand,
    assignments: rows.length,
    lateCancellations,
    completed: report.headline.find((f) => f.key === 'assignmentsCompleted').value,
    produceRssMb,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
  }),
);

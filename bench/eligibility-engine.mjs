// eligibility-engine: decisions per second of the pure eligibility engine for a worker with 200
// assignments spread over the last and the next weeks, eligible and ineligible cases mixed (as
// the candidates route and the assignment write call it: one call per worker and shift).
import { loadConfig } from '../dist/config/config.js';
import { evaluateEligibility } from '../dist/modules/eligibility/engine/evaluate.js';
import { median } from './lib.mjs';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 9);
const ROUND_MS = Number(process.env.BENCH_ROUND_MS ?? 400);

const HOUR = 3_600_000;
const MINUTE = 60_000;
/** The policy the service runs with by default (the configuration's defaults). */
const POLICY = loadConfig({}).eligibility;

/** Monday 2026-11-23 00:00 KST. */
const WEEK = Date.parse('2026-11-23T00:00:00+09:00');
const NOW = new Date(WEEK + 2 * 24 * HOUR);

/** The eligible case's shift: Thursday of next week, 10:00–14:00 KST. */
const TARGET = WEEK + 10 * 24 * HOUR + 10 * HOUR;

/**
 * 200 assignments over the previous, this and the next week: short slots (15–60 min, as a
 * marketplace of short gigs has) every 2 h 15 min, the night around TARGET left free (11 h rest
 * and the travel buffer each side), shuffled so the engine cannot rely on their order.
 */
function schedule() {
  const entries = [];
  let seed = 7;
  const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
  const quietFrom = TARGET - 12 * HOUR - 60 * MINUTE;
  const quietTo = TARGET + 4 * HOUR + 12 * HOUR;
  for (let start = WEEK - 7 * 24 * HOUR; entries.length < 200; start += 135 * MINUTE) {
    if (start >= quietFrom && start < quietTo) continue;
    const length = (15 + Math.floor(random() * 4) * 15) * MINUTE;
    const i = entries.length;
    entries.push({
      assignmentId: `a${i}`,
      shiftId: `s${i}`,
      startsAt: new Date(start),
      endsAt: new Date(start + length),
      status:
        start + length < NOW.getTime() ? 'completed' : random() < 0.5 ? 'confirmed' : 'proposed',
    });
  }
  for (let i = entries.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [entries[i], entries[j]] = [entries[j], entries[i]];
  }
  return entries;
}

function cases() {
  const worker = {
    id: 'w1',
    status: 'active',
    birthDate: '1995-03-14',
    identityVerified: true,
    bankAccount: { verified: true, holderMatchesLegalName: true },
    qualifications: [{ code: 'health-certificate', expiresAt: new Date(WEEK + 400 * 24 * HOUR) }],
    noShows: [new Date(WEEK - 20 * 24 * HOUR), new Date(WEEK - 200 * 24 * HOUR)],
  };
  const minor = { ...worker, id: 'w2', birthDate: '2009-12-01' };
  const business = {
    id: 'b1',
    verified: true,
    ntsStatus: 'active',
    blockedWorkerIds: new Set(['w9']),
  };
  const shift = (startsAt, hours, more = {}) => ({
    id: 'target',
    businessId: 'b1',
    status: 'open',
    startsAt: new Date(startsAt),
    endsAt: new Date(startsAt + hours * HOUR),
    headcount: 5,
    filled: 2,
    minimumAge: 18,
    requiredQualifications: ['health-certificate'],
    ...more,
  });
  const context = { now: NOW, business, schedule: schedule() };
  return [
    // eligible: the quiet Thursday of next week
    [worker, shift(TARGET, 4), context],
    // ineligible: overlaps and too little rest in the middle of a busy week
    [worker, shift(WEEK + 3 * 24 * HOUR + 9 * HOUR, 8), context],
    // eligible again: the same quiet slot, shorter
    [worker, shift(TARGET + HOUR, 2), context],
    // ineligible: a minor at night on an 18+ shift, unverified, a full shift of an unchecked business
    [
      { ...minor, identityVerified: false },
      shift(WEEK + 4 * 24 * HOUR + 20 * HOUR, 4, { filled: 5 }),
      { ...context, business: { ...business, ntsStatus: undefined } },
    ],
  ];
}

function opsPerSecond(op, ms) {
  let n = 0;
  const start = performance.now();
  let now = start;
  while (now - start < ms) {
    for (let i = 0; i < 256; i++) op(n++);
    now = performance.now();
  }
  return (n * 1000) / (now - start);
}

/** The figure for (a): decisions per second of the pure engine. */
export function measureEngine() {
  const mix = cases();
  const eligible = mix.map(([w, s, c]) => evaluateEligibility(w, s, c, POLICY).eligible);
  if (!eligible.includes(true) || !eligible.includes(false)) {
    throw new Error(`the bench mix must hold eligible and ineligible cases: ${eligible}`);
  }
  if (mix.some(([, , c]) => c.schedule.length !== 200)) throw new Error('200 assignments expected');
  let sink = 0;
  const op = (i) => {
    const [w, s, c] = mix[i & 3];
    sink += evaluateEligibility(w, s, c, POLICY).failures.length;
  };
  opsPerSecond(op, 300); // warm-up
  const rounds = [];
  for (let r = 0; r < ROUNDS; r++) rounds.push(opsPerSecond(op, ROUND_MS));
  if (sink < 0) console.log(sink);
  const sizes = mix.map(([, , c]) => c.schedule.length);
  return {
    figure: `decisions per second of the pure engine (goal >= 200000), a worker with ${sizes[0]} assignments over the last, this and next week, ${eligible.filter(Boolean).length} eligible and ${eligible.filter((e) => !e).length} ineligible cases in turn (median of ${ROUNDS} ${ROUND_MS} ms rounds)`,
    value: median(rounds),
    unit: 'ops/s',
    goal: '>= 200000 ops/s',
  };
}

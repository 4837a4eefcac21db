export { evaluateEligibility } from './evaluate.js';
export {
  DAY_MS,
  HOUR_MS,
  KST_OFFSET_MS,
  WEEK_MS,
  isoInstant,
  kstAge,
  kstDayKey,
  kstDayStartMs,
  kstWeekKey,
  kstWeekStart,
  kstWeekStartMs,
} from './kst.js';
export { type RuleCode, type RuleDescription, describeRules } from './rules.js';
export type * from './types.js';

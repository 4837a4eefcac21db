export { evaluateEligibility } from './evaluate.js';
export { type RuleCode, type RuleDescription, describeRules } from './rules.js';
export type * from './types.js';

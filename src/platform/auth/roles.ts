/*
 * Plain TypeScript, no import: the operator console's forms use the roles too (the lint keeps the
 * files it bundles so).
 */

/** The roles a member can hold; each is a Cognito group of the same name. */
export const ROLES = ['worker', 'business', 'operator', 'admin'] as const;
export type Role = (typeof ROLES)[number];

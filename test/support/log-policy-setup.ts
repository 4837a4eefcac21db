import { afterAll, expect } from 'vitest';
import { policyViolations } from './log-capture.js';

// A setup file of every test file (vitest.config.ts): whatever a file's captured loggers wrote
// must fit the logging policy; a line that does not fails the file, naming the line and the rule.
afterAll(() => {
  expect(policyViolations, 'log lines that do not fit the logging policy').toEqual([]);
});

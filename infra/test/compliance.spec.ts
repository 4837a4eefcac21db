import { describe, expect, it } from 'vitest';
import { rulePacks } from '../lib/workmatch-app.js';
import { synthApp } from './app.js';

describe('compliance', () => {
  it('leaves no finding of cdk-nag AWS Solutions or of the ISMS-P pack unacknowledged, in any stack of either environment', () => {
    const { app } = synthApp();
    const reports = rulePacks(app).map((pack) => pack.validateScope(app));
    const findings = reports.flatMap((report) =>
      report.violations.map(
        (v) => `${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath).join(', ')}`,
      ),
    );
    expect(findings).toEqual([]);
    expect(reports.every((report) => report.success)).toBe(true);
  });
});

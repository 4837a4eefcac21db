import { Writable } from 'node:stream';
import { checkLogLine } from '../../src/platform/logging/log-policy.js';
import { scrub } from '../../src/platform/masking/scrub.js';

/** A line that did not fit the logging policy, with what was wrong (log-policy-setup.ts). */
export interface PolicyViolation {
  line: string;
  problems: string[];
}

/** Every capture's violations in this test file; log-policy-setup.ts fails the file on any. */
export const policyViolations: PolicyViolation[] = [];

/**
 * A pino destination that keeps every line, parsed, for assertions, and checks each against the
 * logging policy (src/platform/logging/log-policy.ts): so every test that captures the app's
 * lines (every e2e test through test-api.ts) runs its log output through the policy's schemas.
 * `{ policy: false }` for a test that writes off-policy lines on purpose.
 */
export class LogCapture extends Writable {
  readonly lines: Record<string, unknown>[] = [];
  readonly raw: string[] = [];

  constructor(private readonly options: { policy?: boolean } = {}) {
    super();
  }

  override _write(
    chunk: Buffer,
    _encoding: BufferEncoding,
    done: (error?: Error | null) => void,
  ): void {
    for (const line of String(chunk).split('\n')) {
      if (!line) continue;
      this.raw.push(line);
      const parsed = JSON.parse(line) as Record<string, unknown>;
      this.lines.push(parsed);
      if (this.options.policy !== false) {
        const problems = checkLogLine(parsed);
        // Scrubbed: a line that broke the rule on personal data must not print it in the report.
        if (problems.length > 0) policyViolations.push({ line: scrub(line), problems });
      }
    }
    done();
  }

  text(): string {
    return this.raw.join('\n');
  }
}

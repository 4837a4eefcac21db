import type { Logger } from 'pino';

/**
 * The refusals that are security events (issue 14: auth failures, throttling, forged or revoked
 * tokens, staff-only routes): each one is an info line; a burst of one kind is an attack or a
 * broken client, and an error line (so an alert) once per minute while it lasts.
 */
const SECURITY_CODES = new Set([
  'token_invalid',
  'token_revoked',
  'invalid_credentials',
  'login_throttled',
  'too_many_requests',
  'staff_only',
  'forbidden',
]);

/** Whether a problem code is a security event (the security category of the logging policy). */
export function isSecurityCode(code: string): boolean {
  return SECURITY_CODES.has(code);
}

const WINDOW_MS = 60_000;

/** Per process: the count of each kind in the current minute, and whether it was reported. */
export class SecurityWatch {
  private windowStart = 0;
  private readonly counts = new Map<string, number>();
  private readonly reported = new Set<string>();

  constructor(
    private readonly thresholdPerMinute: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts a refusal by its problem code; reports the kind when it crosses the threshold. */
  refused(code: string, logger: Pick<Logger, 'error'>): void {
    if (!isSecurityCode(code)) return;
    const now = this.now();
    if (now - this.windowStart >= WINDOW_MS) {
      this.windowStart = now;
      this.counts.clear();
      this.reported.clear();
    }
    const count = (this.counts.get(code) ?? 0) + 1;
    this.counts.set(code, count);
    if (count >= this.thresholdPerMinute && !this.reported.has(code)) {
      this.reported.add(code);
      logger.error(
        {
          category: 'security',
          component: 'security',
          code: `security_${code}`,
          count,
          windowSeconds: WINDOW_MS / 1000,
        },
        `${count} requests refused as ${code} within a minute`,
      );
    }
  }
}

let watch: SecurityWatch | undefined;

/** Installs this process's watch (the API at start, with its threshold); undefined removes it. */
export function setSecurityWatch(next: SecurityWatch | undefined): void {
  watch = next;
}

export function securityWatch(): SecurityWatch | undefined {
  return watch;
}

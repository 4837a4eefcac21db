import { Inject, Injectable } from '@nestjs/common';
import { InjectConfig } from '../../config/config.module.js';
import type { AppConfig } from '../../config/config.js';
import type { BlindIndexer } from '../../privacy/personal-data/codec.js';
import { BLIND_INDEXER } from '../../privacy/personal-data/personal-data.service.js';
import { LoginThrottledError, TooManyCodeRequestsError } from './auth.errors.js';
import { LoginAttemptsRepository } from './login-attempts.repository.js';

/** Whose count a document holds: failed logins, or codes asked for, by email or client IP. */
type Subject = 'u' | 'ip' | 'code-u' | 'code-ip';

/**
 * Too many failed logins per username and per client IP → 429 until the window ends; the same
 * limits, counted apart, for the routes that send a code by email (resend-code, forgot-password),
 * where every request counts. Fixed
 * windows (aligned to the epoch, one document per subject and window) because a counter per
 * window is a single atomic `$inc` on any of our databases, which a sliding window is not; the
 * price is that a burst straddling a window boundary can reach twice the limit.
 * Usernames and IPs are stored as keyed blind indexes (HMAC under the key ring's index key), so
 * the collection holds no personal data, and no one without the key can test a guess against it.
 */
@Injectable()
export class LoginThrottle {
  private readonly windowMs: number;
  private readonly limits: { username: number; ip: number };

  constructor(
    private readonly attempts: LoginAttemptsRepository,
    @InjectConfig() config: AppConfig,
    @Inject(BLIND_INDEXER) private readonly index: BlindIndexer,
  ) {
    const settings = config.auth.loginThrottle;
    this.windowMs = settings.windowSeconds * 1000;
    this.limits = { username: settings.maxPerUsername, ip: settings.maxPerIp };
  }

  /** Throws `LoginThrottledError` when the username or the IP used up its failures. */
  async check(username: string, ip: string, now: Date = new Date()): Promise<void> {
    const window = this.windowOf(now);
    const [userId, ipId] = await Promise.all([
      this.idOf('u', username, window),
      this.idOf('ip', ip, window),
    ]);
    const failures = await this.attempts.failuresIn([userId, ipId]);
    if (
      (failures.get(userId) ?? 0) >= this.limits.username ||
      (failures.get(ipId) ?? 0) >= this.limits.ip
    ) {
      throw new LoginThrottledError(
        Math.max(1, Math.ceil((this.endOf(window) - now.getTime()) / 1000)),
      );
    }
  }

  async recordFailure(username: string, ip: string, now: Date = new Date()): Promise<void> {
    const window = this.windowOf(now);
    const expiresAt = new Date(this.endOf(window));
    const [userId, ipId] = await Promise.all([
      this.idOf('u', username, window),
      this.idOf('ip', ip, window),
    ]);
    await Promise.all([
      this.attempts.addFailure(userId, expiresAt),
      this.attempts.addFailure(ipId, expiresAt),
    ]);
  }

  /**
   * One more code request for this address from this client, or `TooManyCodeRequestsError` when
   * either has used up the window's limit. Counted before Cognito is asked and whether or not the
   * account exists, so the 429 comes alike for every address (Cognito's own limit would come for
   * existing accounts only). Counted first and checked after, so concurrent requests cannot all
   * slip under the limit.
   */
  async countCodeRequest(email: string, ip: string, now: Date = new Date()): Promise<void> {
    const window = this.windowOf(now);
    const expiresAt = new Date(this.endOf(window));
    const [userId, ipId] = await Promise.all([
      this.idOf('code-u', email, window),
      this.idOf('code-ip', ip, window),
    ]);
    await Promise.all([
      this.attempts.addFailure(userId, expiresAt),
      this.attempts.addFailure(ipId, expiresAt),
    ]);
    const counts = await this.attempts.failuresIn([userId, ipId]);
    if (
      (counts.get(userId) ?? 0) > this.limits.username ||
      (counts.get(ipId) ?? 0) > this.limits.ip
    ) {
      throw new TooManyCodeRequestsError(
        Math.max(1, Math.ceil((this.endOf(window) - now.getTime()) / 1000)),
      );
    }
  }

  /** After a successful login: the username starts afresh (the IP's count stays). */
  async reset(username: string, now: Date = new Date()): Promise<void> {
    await this.attempts.clear(await this.idOf('u', username, this.windowOf(now)));
  }

  private windowOf(now: Date): number {
    return Math.floor(now.getTime() / this.windowMs);
  }

  private endOf(window: number): number {
    return (window + 1) * this.windowMs;
  }

  /** Usernames are email addresses (the login DTO checks); anything else is indexed as given. */
  private async idOf(kind: Subject, value: string, window: number): Promise<string> {
    const tag = await this.index.compute(kind === 'u' || kind === 'code-u' ? 'email' : 'ip', value);
    return `${kind}:${tag}:${window}`;
  }
}

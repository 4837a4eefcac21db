import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { Logger } from 'pino';
import { InjectLogger } from '../logging/logging.module.js';
import { SessionRevocationsRepository } from './session-revocations.repository.js';

/** How often every task picks up the revocations other tasks wrote. */
const REVOCATION_SYNC_MS = 2_000;
/** Longer than any access token lives (Cognito allows at most 24 h). */
const REVOCATION_KEEP_MS = 24 * 60 * 60 * 1000;

/**
 * "Every token of this member issued up to now is void": written on logout (a global sign-out)
 * and on account deletion. Cognito itself cannot revoke an access token that a JWT check
 * accepts, so this is what makes logout real for the API. Kept in memory for the check on every
 * request (including cache hits), persisted in the database and pulled by every API task every
 * two seconds, so a logout on one task reaches the others within that.
 */
@Injectable()
export class SessionRevocations implements OnModuleInit, OnModuleDestroy {
  /** sub → tokens issued at or before this second are refused. */
  private readonly revokedThrough = new Map<string, number>();
  private syncedUpTo = new Date(0);
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly repository: SessionRevocationsRepository,
    @InjectLogger() private readonly logger: Logger,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.sync().catch((error: unknown) =>
      this.logger.warn({ err: error }, 'could not load session revocations yet; retrying'),
    );
    this.timer = setInterval(() => {
      this.sync().catch((error: unknown) =>
        this.logger.warn({ err: error }, 'session revocation sync failed'),
      );
    }, REVOCATION_SYNC_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  /**
   * Voids every token of `sub` issued up to now. Token times have one-second resolution, so a
   * token issued later in this same second is refused too: signing in again works a second later.
   */
  async revokeAllFor(sub: string, at: Date = new Date()): Promise<void> {
    const through = Math.floor(at.getTime() / 1000);
    this.remember(sub, through);
    await this.repository.revoke(sub, through, at, new Date(at.getTime() + REVOCATION_KEEP_MS));
  }

  /** `issuedAt` in seconds since the epoch, as the token's `iat` claim. */
  isRevoked(sub: string, issuedAt: number): boolean {
    const through = this.revokedThrough.get(sub);
    return through !== undefined && issuedAt <= through;
  }

  /** Pulls what other tasks revoked since the last pull. */
  async sync(): Promise<void> {
    const changes = await this.repository.changedSince(this.syncedUpTo);
    for (const change of changes) {
      this.remember(change._id, change.through);
      if (change.updatedAt > this.syncedUpTo) this.syncedUpTo = change.updatedAt;
    }
    const stale = Math.floor((Date.now() - REVOCATION_KEEP_MS) / 1000);
    for (const [sub, through] of this.revokedThrough)
      if (through < stale) this.revokedThrough.delete(sub);
  }

  private remember(sub: string, through: number): void {
    const known = this.revokedThrough.get(sub);
    if (known === undefined || through > known) this.revokedThrough.set(sub, through);
  }
}

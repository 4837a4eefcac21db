/** Time as the live source sees it; tests give a virtual clock so no test waits for real. */
export interface SourceClock {
  /** Milliseconds since the epoch. */
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: SourceClock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/**
 * A token bucket on document reads per second, charged after the fact: a page's cost (one read
 * per document, at least one per query — Firestore's billing) is known only when it arrives, so
 * a read waits until the bucket is out of debt and then pays what it read. Over any interval the
 * reads stay within `burst + rate × t` plus one page.
 *
 * Adaptive: `slowDown()` (the server said RESOURCE_EXHAUSTED) halves the rate, and every page read
 * without complaint gives back a twentieth of the configured rate, so the reader settles just
 * under what the old app leaves free. Hand-written rather than a rate-limiter package because
 * those take tokens before the work (the cost here is known after it) and have no adjustable rate.
 */
export class ReadThrottle {
  private tokens: number;
  private rate: number;
  private last: number;

  constructor(
    private readonly readsPerSecond: number,
    private readonly clock: SourceClock,
    private readonly burst = readsPerSecond,
    /** The slowest rate backoff may bring it to. */
    private readonly floor = Math.max(1, readsPerSecond / 32),
  ) {
    if (!(readsPerSecond > 0)) throw new RangeError('reads per second must be positive');
    this.rate = readsPerSecond;
    this.tokens = burst;
    this.last = clock.now();
  }

  /** The rate in force now (reads/s). */
  get currentRate(): number {
    return this.rate;
  }

  /** Waits until a read may start. */
  async ready(): Promise<void> {
    this.refill();
    while (this.tokens < 1) {
      await this.clock.sleep(Math.ceil(((1 - this.tokens) / this.rate) * 1000));
      this.refill();
    }
  }

  /** Pays for `reads` document reads. */
  charge(reads: number): void {
    this.refill();
    this.tokens -= reads;
  }

  slowDown(): void {
    this.rate = Math.max(this.floor, this.rate / 2);
  }

  recover(): void {
    this.rate = Math.min(this.readsPerSecond, this.rate + this.readsPerSecond / 20);
  }

  private refill(): void {
    const now = this.clock.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.rate);
    this.last = now;
  }
}

import { createHash } from 'node:crypto';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plusFromState } from 'pure-rand/generator/xoroshiro128plus';
import type { RandomGenerator } from 'pure-rand/types/RandomGenerator';

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/**
 * The generator's randomness: one pure-rand xoroshiro128+ stream per document, its 128-bit state
 * the SHA-256 of (seed, stream name, index). Any document can be regenerated from its index
 * alone, which is what keeps memory flat (a post's id is found again from its owner's index, not
 * stored), and ids drawn from 128-bit states do not collide the way ids from 32-bit seeds would
 * (a million of them would share ~100 seeds).
 */
export class Random {
  private constructor(private readonly rng: RandomGenerator) {}

  static for(seed: string, stream: string, ...index: number[]): Random {
    const digest = createHash('sha256')
      .update(`${seed}\u0000${stream}\u0000${index.join('/')}`)
      .digest();
    return new Random(
      xoroshiro128plusFromState([
        digest.readInt32LE(0),
        digest.readInt32LE(4),
        digest.readInt32LE(8),
        digest.readInt32LE(12) | 1, // never the all-zero state, which would only answer zeros
      ]),
    );
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return uniformInt(this.rng, min, max);
  }

  /** True with probability `p` (to 1/100,000). */
  chance(p: number): boolean {
    return this.int(0, 99_999) < p * 100_000;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(0, items.length - 1)]!;
  }

  /** One of the keys, by the weights given (they need not sum to 1). */
  weighted<K extends string>(shares: Readonly<Record<K, number>>): K {
    const entries = Object.entries(shares) as [K, number][];
    const total = entries.reduce((sum, [, w]) => sum + w, 0);
    let draw = (this.int(0, 999_999) / 1_000_000) * total;
    for (const [key, weight] of entries) {
      if (draw < weight) return key;
      draw -= weight;
    }
    return entries[entries.length - 1]![0];
  }

  digits(n: number): string {
    let out = '';
    for (let i = 0; i < n; i++) out += String(this.int(0, 9));
    return out;
  }

  /** `[A-Za-z0-9]{n}`: Firestore's auto ids (20) and Firebase Auth's uids (28). */
  alphanumeric(n: number): string {
    let out = '';
    for (let i = 0; i < n; i++) out += ALPHANUMERIC[this.int(0, 61)];
    return out;
  }

  bytes(n: number): Buffer {
    const out = Buffer.alloc(n);
    for (let i = 0; i < n; i++) out[i] = this.int(0, 255);
    return out;
  }
}

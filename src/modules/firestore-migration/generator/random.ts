import { createHash } from 'node:crypto';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plusFromState } from 'pure-rand/generator/xoroshiro128plus';
import type { RandomGenerator } from 'pure-rand/types/RandomGenerator';

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** murmur3's 32-bit finaliser: a bijection on 32-bit integers that spreads every input bit. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/**
 * The generator's randomness: one pure-rand xoroshiro128+ stream per document, so any document
 * can be regenerated from its index alone, which is what keeps memory flat (a post's id is found
 * again from its owner's index, not stored). A stream's 128-bit state is the SHA-256 of (seed,
 * stream name), computed once per name, with the indices XORed in and the four words mixed by a
 * chain of bijections: pure-rand seeds from one 32-bit integer, and a million ids drawn from 32-bit
 * seeds would share ~100 of them, where distinct 128-bit states give distinct ids. A SHA-256 per
 * document instead cost 6 µs and, through OpenSSL's native allocations, ~100 MiB of RSS at 1M.
 */
export class Random {
  private static readonly bases = new Map<string, Int32Array>();

  private constructor(private readonly rng: RandomGenerator) {}

  static for(seed: string, stream: string, ...index: number[]): Random {
    const key = `${seed}\u0000${stream}`;
    let base = Random.bases.get(key);
    if (!base) {
      const digest = createHash('sha256').update(key).digest();
      base = new Int32Array(digest.buffer, digest.byteOffset, 4).slice();
      Random.bases.set(key, base);
    }
    const w = [base[0]!, base[1]!, base[2]!, base[3]!];
    // Up to four indices (there are two at most): each into a word of its own, so distinct
    // indices give distinct states.
    index.forEach((n, i) => (w[i % 4]! ^= n));
    w[0] = fmix32(w[0]!);
    w[1] = fmix32(w[1]! ^ w[0]);
    w[2] = fmix32(w[2]! ^ w[1]);
    w[3] = fmix32(w[3]! ^ w[2]);
    w[0] = fmix32(w[0] ^ w[3]);
    if ((w[0] | w[1] | w[2] | w[3]) === 0) w[3] = 1; // the all-zero state only answers zeros
    return new Random(xoroshiro128plusFromState(w));
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

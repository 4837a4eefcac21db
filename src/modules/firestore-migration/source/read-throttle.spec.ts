import { describe, expect, it } from 'vitest';
import { ReadThrottle, type SourceClock } from './read-throttle.js';

function virtualClock(): SourceClock & { slept: number } {
  let now = 0;
  const clock = {
    slept: 0,
    now: () => now,
    sleep: (ms: number) => {
      clock.slept += ms;
      now += ms;
      return Promise.resolve();
    },
  };
  return clock;
}

describe('ReadThrottle', () => {
  it('lets a full bucket through at once, then holds reads to the rate', async () => {
    const clock = virtualClock();
    const sut = new ReadThrottle(100, clock);
    for (let i = 0; i < 10; i += 1) {
      await sut.ready();
      sut.charge(10);
    }
    expect(clock.slept).toBe(0);
    for (let i = 0; i < 30; i += 1) {
      await sut.ready();
      sut.charge(10);
    }
    // 300 more reads at 100/s: about 3 s (the last page is paid after it is read).
    expect(clock.slept).toBeGreaterThanOrEqual(2_900);
    expect(clock.slept).toBeLessThanOrEqual(3_000);
  });

  it('charges a page after it is read, so one large page makes the next read wait', async () => {
    const clock = virtualClock();
    const sut = new ReadThrottle(100, clock);
    await sut.ready();
    sut.charge(500);
    await sut.ready();
    expect(clock.slept).toBeGreaterThanOrEqual(4_000);
    expect(clock.slept).toBeLessThanOrEqual(4_020);
  });

  it('halves the rate on slowDown down to a floor, and recovers a twentieth per call', () => {
    const sut = new ReadThrottle(320, virtualClock());
    sut.slowDown();
    expect(sut.currentRate).toBe(160);
    for (let i = 0; i < 20; i += 1) sut.slowDown();
    expect(sut.currentRate).toBe(10);
    sut.recover();
    expect(sut.currentRate).toBe(26);
    for (let i = 0; i < 40; i += 1) sut.recover();
    expect(sut.currentRate).toBe(320);
  });

  it('refuses a rate that is not positive', () => {
    expect(() => new ReadThrottle(0, virtualClock())).toThrow(RangeError);
  });
});

import { describe, expect, it } from 'vitest';
import { Metrics } from './metrics.js';

describe('metrics as CloudWatch Embedded Metric Format', () => {
  it('writes one document per set of dimensions: counts summed, timings as their values', () => {
    const sut = new Metrics();
    sut.count('Requests', { RouteClass: 'member' });
    sut.count('Requests', { RouteClass: 'member' });
    sut.time('Latency', { RouteClass: 'member' }, 12.34);
    sut.count('Requests', { RouteClass: 'public' });

    const documents = sut.flush(1_796_000_000_000);

    expect(documents).toEqual([
      {
        _aws: {
          Timestamp: 1_796_000_000_000,
          CloudWatchMetrics: [
            {
              Namespace: 'workmatch',
              Dimensions: [['RouteClass']],
              Metrics: [
                { Name: 'Requests', Unit: 'Count' },
                { Name: 'Latency', Unit: 'Milliseconds' },
              ],
            },
          ],
        },
        RouteClass: 'member',
        Requests: 2,
        Latency: [12.3],
      },
      expect.objectContaining({ RouteClass: 'public', Requests: 1 }),
    ]);
  });

  it('starts a new minute at each flush', () => {
    const sut = new Metrics();
    sut.count('SignUps', { Role: 'worker' });
    sut.flush();

    expect(sut.flush()).toEqual([]);
  });

  it('sends at most 100 values of a timing, a uniform sample of all of them', () => {
    let next = 0;
    const sut = new Metrics(() => (next = (next + 0.37) % 1));
    for (let i = 0; i < 1_000; i++) sut.time('Latency', { RouteClass: 'member' }, i);

    const [document] = sut.flush();
    const values = document!.Latency as number[];

    expect(values).toHaveLength(100);
    expect(Math.max(...values)).toBeGreaterThan(500);
  });
});

/**
 * Metrics as CloudWatch Embedded Metric Format (EMF) lines: the app counts and times in memory and,
 * once a minute (and at shutdown), writes one JSON document per set of dimensions through the
 * logger; CloudWatch Logs turns each into metrics in the `workmatch` namespace. No client, no
 * API call, nothing on the request path but a map update.
 *
 * Why not `aws-embedded-metrics`: its MetricsLogger writes one document per logger it flushes
 * (per request, used as documented), each a full JSON line; a request's share of the `http` bench
 * would grow by a serialization and a write. Aggregating a minute per dimension set, as here, is
 * what its docs suggest for high-volume code and needs only the document format (a few lines
 * below).
 */
const METRICS_NAMESPACE = 'workmatch';
/** EMF takes at most 100 values of one metric in one document. */
const MAX_VALUES = 100;

type Unit = 'Count' | 'Milliseconds';

interface Series {
  unit: Unit;
  /** Counts: the sum. Timings: up to 100 values (a uniform sample once more came). */
  sum: number;
  values: number[];
  seen: number;
}

export type Dimensions = Readonly<Record<string, string>>;

/** One EMF document, as CloudWatch reads it. */
export interface EmfDocument {
  _aws: {
    Timestamp: number;
    CloudWatchMetrics: {
      Namespace: string;
      Dimensions: string[][];
      Metrics: { Name: string; Unit: Unit }[];
    }[];
  };
  [field: string]: unknown;
}

export class Metrics {
  private readonly groups = new Map<
    string,
    { dimensions: Dimensions; series: Map<string, Series> }
  >();

  constructor(private readonly random: () => number = Math.random) {}

  count(name: string, dimensions: Dimensions, by = 1): void {
    this.handle(dimensions).count(name, by);
  }

  /** A duration in milliseconds (latency, a job's run). */
  time(name: string, dimensions: Dimensions, ms: number): void {
    this.handle(dimensions).time(name, ms);
  }

  /**
   * One set of dimensions, to count and time under without finding it again (the request path
   * keeps one per route class). It stays valid across flushes.
   */
  handle(dimensions: Dimensions): {
    count(name: string, by?: number): void;
    time(name: string, ms: number): void;
  } {
    const group = this.group(dimensions);
    const series = (name: string, unit: Unit) => {
      let found = group.series.get(name);
      if (!found) group.series.set(name, (found = { unit, sum: 0, values: [], seen: 0 }));
      return found;
    };
    return {
      count: (name, by = 1) => {
        const s = series(name, 'Count');
        s.sum += by;
        s.seen += 1;
      },
      time: (name, ms) => {
        const s = series(name, 'Milliseconds');
        s.seen += 1;
        if (s.values.length < MAX_VALUES) s.values.push(ms);
        else {
          // Reservoir sampling: every value had the same chance to be among the 100 sent.
          const slot = Math.floor(this.random() * s.seen);
          if (slot < MAX_VALUES) s.values[slot] = ms;
        }
      },
    };
  }

  /** The documents of what was counted since the last flush, which starts a new minute. */
  flush(now = Date.now()): EmfDocument[] {
    const documents: EmfDocument[] = [];
    for (const { dimensions, series: all } of this.groups.values()) {
      const series = new Map([...all].filter(([, s]) => s.seen > 0));
      if (series.size === 0) continue;
      const document: EmfDocument = {
        _aws: {
          Timestamp: now,
          CloudWatchMetrics: [
            {
              Namespace: METRICS_NAMESPACE,
              Dimensions: [Object.keys(dimensions)],
              Metrics: [...series].map(([name, s]) => ({ Name: name, Unit: s.unit })),
            },
          ],
        },
        ...dimensions,
      };
      for (const [name, s] of series) {
        document[name] = s.unit === 'Count' ? s.sum : s.values.map((v) => Math.round(v * 10) / 10);
      }
      documents.push(document);
      for (const s of all.values()) {
        s.sum = 0;
        s.values = [];
        s.seen = 0;
      }
    }
    return documents;
  }

  private group(dimensions: Dimensions) {
    let key = '';
    for (const dimension in dimensions) key += `${dimension}\u0000${dimensions[dimension]}\u0000`;
    let group = this.groups.get(key);
    if (!group) this.groups.set(key, (group = { dimensions, series: new Map<string, Series>() }));
    return group;
  }
}

let current = new Metrics();

/** This process's metrics (one per process, like its logger). */
export function metrics(): Metrics {
  return current;
}

/** Tests start from a fresh one. */
export function resetMetrics(): Metrics {
  current = new Metrics();
  return current;
}

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
    const series = this.series(name, dimensions, 'Count');
    series.sum += by;
    series.seen += 1;
  }

  /** A duration in milliseconds (latency, a job's run). */
  time(name: string, dimensions: Dimensions, ms: number): void {
    const series = this.series(name, dimensions, 'Milliseconds');
    series.seen += 1;
    if (series.values.length < MAX_VALUES) series.values.push(ms);
    else {
      // Reservoir sampling: every value had the same chance to be among the 100 sent.
      const slot = Math.floor(this.random() * series.seen);
      if (slot < MAX_VALUES) series.values[slot] = ms;
    }
  }

  /** The documents of what was counted since the last flush, which starts a new minute. */
  flush(now = Date.now()): EmfDocument[] {
    const documents: EmfDocument[] = [];
    for (const { dimensions, series } of this.groups.values()) {
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
    }
    this.groups.clear();
    return documents;
  }

  private series(name: string, dimensions: Dimensions, unit: Unit): Series {
    // On every request: a plain concatenation, not JSON.stringify.
    let key = '';
    for (const dimension in dimensions) key += `${dimension}\u0000${dimensions[dimension]}\u0000`;
    let group = this.groups.get(key);
    if (!group) this.groups.set(key, (group = { dimensions, series: new Map() }));
    let series = group.series.get(name);
    if (!series) group.series.set(name, (series = { unit, sum: 0, values: [], seen: 0 }));
    return series;
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

import type { Database } from '../storage/database.js';
import { isDuplicateKeyError } from '../storage/errors.js';
import type { AlertEvent, AlertSeverity } from './alert.js';

/** The collections of the alert pipeline (their indexes: migrations/…-CreateAlertState). */
const ALERT_EVENTS = 'alert_events';
const ALERT_FINGERPRINTS = 'alert_fingerprints';
const ALERT_MINUTES = 'alert_minutes';

/**
 * How long what the pipeline keeps lives (TTL). Every alert event is kept whole (the database sink
 * of error and security events, docs/logging-policy.md): security events a year (ISMS-P), the
 * others 90 days. A quiet fingerprint goes after 30 days, a minute's counter after a day.
 */
const EVENT_KEPT_MS = 90 * 86_400_000;
const SECURITY_EVENT_KEPT_MS = 365 * 86_400_000;
const FINGERPRINT_KEPT_MS = 30 * 86_400_000;
const MINUTE_KEPT_MS = 86_400_000;

type EventRecord = Omit<AlertEvent, 'id' | 'at'> & {
  _id: string;
  /** When it happened (the event's time), and when the pipeline counted it. */
  at: Date;
  countedAt: Date;
  fingerprint: string;
  state: 'counted' | 'done';
  expiresAt: Date;
};

const SEVERITY_RANK: Record<AlertSeverity, number> = { warning: 0, error: 1, critical: 2 };

/** One fault as the operators' console lists it: its events within a window, and its notices. */
export interface RecentFault {
  fingerprint: string;
  source: AlertEvent['source'];
  code: string;
  where: string;
  /** The latest event's summary (scrubbed of personal data by whoever reported it). */
  summary: string;
  /** The highest severity among its events in the window. */
  severity: AlertSeverity;
  /** Its events in the window, and the first and last of them. */
  count: number;
  firstAt: Date;
  lastAt: Date;
  /** When its last notice went out (or was claimed), how many went out, and how many events wait. */
  noticeAt: Date | null;
  notices: number;
  pending: number;
}

export interface RecentAlerts {
  /** The faults with the latest events first, at most the limit asked for. */
  faults: RecentFault[];
  /** Every event in the window, of every fault (listed or not). */
  total: number;
  /** More faults had events in the window than the limit. */
  truncated: boolean;
}

/** A fault's state: what is pending for its next notice, what was noticed, the channels' threads. */
export interface FingerprintState {
  _id: string;
  source: AlertEvent['source'];
  code: string;
  where: string;
  summary: string;
  environment: string;
  /** The highest severity among the pending events. */
  severity: AlertSeverity;
  /** Events since the last notice. */
  pending: number;
  /** The first and last pending event. */
  firstAt: Date | null;
  lastAt: Date;
  /** Request ids of the pending events, newest first (five at most). */
  requestIds: string[];
  /** When the last notice was claimed (delivered, or being delivered). */
  noticeAt: Date | null;
  notices: number;
  threads: Partial<Record<'slack' | 'alimtalk', string>>;
  expiresAt: Date;
}

/**
 * What the alert pipeline keeps between messages (any worker may take any message): the event ids
 * seen (a redelivered message counts once), each fingerprint's pending count and last notice (a
 * claim on it lets one worker deliver), and a counter per minute for the global throttle.
 */
export class AlertStore {
  constructor(private readonly db: Database) {}

  private get events() {
    return this.db.collection<EventRecord>(ALERT_EVENTS);
  }
  private get fingerprints() {
    return this.db.collection<FingerprintState>(ALERT_FINGERPRINTS);
  }
  private get minutes() {
    return this.db.collection<{ _id: string; count: number; expiresAt: Date }>(ALERT_MINUTES);
  }

  /**
   * Counts the event into its fingerprint once: `false` when this event id was counted before
   * (a redelivery), which then only retries the delivery.
   */
  async count(fingerprint: string, event: AlertEvent, now: Date): Promise<boolean> {
    try {
      const { id, at, ...rest } = event;
      const security = event.code.startsWith('security_');
      await this.events.insertOne({
        ...rest,
        _id: id,
        at: new Date(at),
        countedAt: now,
        fingerprint,
        state: 'counted',
        expiresAt: new Date(now.getTime() + (security ? SECURITY_EVENT_KEPT_MS : EVENT_KEPT_MS)),
      });
    } catch (error) {
      if (isDuplicateKeyError(error)) return false;
      throw error;
    }
    const at = new Date(event.at);
    const current = await this.fingerprints.findOne({ _id: fingerprint });
    const severity =
      current &&
      current.pending > 0 &&
      SEVERITY_RANK[current.severity] > SEVERITY_RANK[event.severity]
        ? current.severity
        : event.severity;
    // The first event after a notice opens the next group (null sorts below any date: no $min).
    const opensGroup = !current || current.pending <= 0 || current.firstAt === null;
    await this.fingerprints.updateOne(
      { _id: fingerprint },
      {
        $inc: { pending: 1 },
        ...(opensGroup ? {} : { $min: { firstAt: at } }),
        $set: {
          ...(opensGroup ? { firstAt: at } : {}),
          source: event.source,
          code: event.code,
          where: event.where,
          summary: event.summary,
          environment: event.environment,
          severity,
          lastAt: at,
          expiresAt: new Date(now.getTime() + FINGERPRINT_KEPT_MS),
        },
        ...(event.requestId
          ? { $push: { requestIds: { $each: [event.requestId], $position: 0, $slice: 5 } } }
          : {}),
        $setOnInsert: { noticeAt: null, notices: 0, threads: {} },
      } as never,
      { upsert: true },
    );
    return true;
  }

  /**
   * Claims the fingerprint's next notice when none was claimed within `windowMs` and something
   * is pending: one worker wins. Answers the state to deliver (and the claim to release on failure).
   */
  async claimNotice(
    fingerprint: string,
    now: Date,
    windowMs: number,
  ): Promise<{ state: FingerprintState; previous: Date | null } | undefined> {
    const before = new Date(now.getTime() - windowMs);
    const current = await this.fingerprints.findOne({ _id: fingerprint });
    if (!current || current.pending <= 0) return undefined;
    if (current.noticeAt && current.noticeAt > before) return undefined;
    const claimed = await this.fingerprints.findOneAndUpdate(
      { _id: fingerprint, noticeAt: current.noticeAt, pending: { $gt: 0 } } as never,
      { $set: { noticeAt: now } },
      { returnDocument: 'after' },
    );
    return claimed ? { state: claimed, previous: current.noticeAt } : undefined;
  }

  /** Gives a claim back (the delivery failed, or the global throttle held it). */
  async releaseNotice(fingerprint: string, claimedAt: Date, previous: Date | null): Promise<void> {
    await this.fingerprints.updateOne(
      { _id: fingerprint, noticeAt: claimedAt },
      { $set: { noticeAt: previous } },
    );
  }

  /** The notice of `delivered` events went out: they leave the pending count. */
  async delivered(
    fingerprint: string,
    delivered: number,
    threads: FingerprintState['threads'],
  ): Promise<void> {
    const updated = await this.fingerprints.findOneAndUpdate(
      { _id: fingerprint },
      {
        $inc: { pending: -delivered, notices: 1 },
        $set: { threads, requestIds: [] },
      },
      { returnDocument: 'after' },
    );
    // Events counted while the notice was out start the next group; when none were, the next
    // event opens it (only while nothing is pending: an event counted meanwhile keeps its time).
    if (updated && updated.pending <= 0) {
      await this.fingerprints.updateOne(
        { _id: fingerprint, pending: { $lte: 0 } },
        { $set: { firstAt: null } },
      );
    }
  }

  async markDone(eventId: string): Promise<void> {
    await this.events.updateOne({ _id: eventId }, { $set: { state: 'done' } });
  }

  /** Takes one of this minute's `max` notices; false when they are spent. */
  async takeMinuteSlot(now: Date, max: number): Promise<boolean> {
    const key = now.toISOString().slice(0, 16);
    const slot = await this.minutes.findOneAndUpdate(
      { _id: key },
      {
        $inc: { count: 1 },
        $setOnInsert: { expiresAt: new Date(now.getTime() + MINUTE_KEPT_MS) },
      },
      { upsert: true, returnDocument: 'after' },
    );
    return (slot?.count ?? 1) <= max;
  }

  /**
   * The faults with events in `[since, until)`, latest first: the window's events grouped by
   * fault and severity (read through alert_events' `at` index: a storm of events costs one read
   * each, as counting them did), then the listed faults' state.
   */
  async recent(window: { since: Date; until: Date; limit: number }): Promise<RecentAlerts> {
    const groups = await this.events
      .aggregate<{
        _id: { fingerprint: string; severity: AlertSeverity };
        count: number;
        first: Date;
        last: Date;
      }>([
        { $match: { at: { $gte: window.since, $lt: window.until } } },
        {
          $group: {
            _id: { fingerprint: '$fingerprint', severity: '$severity' },
            count: { $sum: 1 },
            first: { $min: '$at' },
            last: { $max: '$at' },
          },
        },
      ])
      .toArray();
    const byFault = new Map<
      string,
      { severity: AlertSeverity; count: number; first: Date; last: Date }
    >();
    for (const { _id, count, first, last } of groups) {
      const seen = byFault.get(_id.fingerprint);
      if (!seen) {
        byFault.set(_id.fingerprint, { severity: _id.severity, count, first, last });
        continue;
      }
      seen.count += count;
      if (first < seen.first) seen.first = first;
      if (last > seen.last) seen.last = last;
      if (SEVERITY_RANK[_id.severity] > SEVERITY_RANK[seen.severity]) seen.severity = _id.severity;
    }
    const latest = [...byFault.entries()]
      .sort(([a, x], [b, y]) => y.last.getTime() - x.last.getTime() || a.localeCompare(b))
      .slice(0, window.limit);
    const states = new Map(
      (
        await this.fingerprints
          .find({ _id: { $in: latest.map(([fingerprint]) => fingerprint) } })
          .toArray()
      ).map((state) => [state._id, state]),
    );
    const faults: RecentFault[] = [];
    for (const [fingerprint, events] of latest) {
      // A fault's state outlives its events by weeks (TTL); one without it is left out.
      const state = states.get(fingerprint);
      if (!state) continue;
      faults.push({
        fingerprint,
        source: state.source,
        code: state.code,
        where: state.where,
        summary: state.summary,
        severity: events.severity,
        count: events.count,
        firstAt: events.first,
        lastAt: events.last,
        noticeAt: state.noticeAt,
        notices: state.notices,
        pending: Math.max(0, state.pending),
      });
    }
    let total = 0;
    for (const events of byFault.values()) total += events.count;
    return { faults, total, truncated: byFault.size > window.limit };
  }

  /** Fingerprints with pending events whose last notice is older than the window (the flush). */
  async due(now: Date, windowMs: number, limit = 100): Promise<string[]> {
    const before = new Date(now.getTime() - windowMs);
    const docs = await this.fingerprints
      .find({ pending: { $gt: 0 }, $or: [{ noticeAt: null }, { noticeAt: { $lte: before } }] })
      .project<{ _id: string }>({ _id: 1 })
      .limit(limit)
      .toArray();
    return docs.map((d) => d._id);
  }
}

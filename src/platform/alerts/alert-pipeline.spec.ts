import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../migrations/index.js';
import { SchemaMigrator } from '../schema/schema-migrator.js';
import type { Database } from '../storage/database.js';
import { EmbeddedDatabase } from '../storage/embedded/embedded-database.js';
import {
  type AlertChannel,
  AlertDeliveryError,
  type AlertEvent,
  type AlertNotice,
} from './alert.js';
import { AlertPipeline } from './alert-pipeline.js';
import { AlertStore } from './alert-store.js';

const silent = pino({ level: 'silent' });
const T0 = new Date('2026-12-05T03:00:00Z');
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);
const WINDOW_MS = 5 * 60_000;

/** A channel that records what it was given (the pipeline's port; Slack's own spec is elsewhere). */
class RecordingChannel implements AlertChannel {
  readonly delivered: { notice: AlertNotice; thread: string | undefined }[] = [];
  failures: AlertDeliveryError[] = [];
  constructor(readonly name: 'slack' | 'alimtalk') {}
  deliver(notice: AlertNotice, thread: string | undefined) {
    const failure = this.failures.shift();
    if (failure) return Promise.reject(failure);
    this.delivered.push({ notice, thread });
    return Promise.resolve({ thread: thread ?? `${this.name}-${this.delivered.length}` });
  }
}

let seq = 0;
function fault(overrides: Partial<AlertEvent> = {}, seconds = 0): AlertEvent {
  seq += 1;
  return {
    id: `event-${seq}`,
    at: at(seconds).toISOString(),
    source: 'error',
    severity: 'error',
    code: 'internal',
    where: 'POST /shifts/:id/assignments',
    topFrame: 'src/modules/assignments/assignments.service.ts:120',
    summary: 'TypeError: cannot read properties of undefined',
    requestId: `req-${seq}`,
    process: 'api',
    environment: 'dev',
    ...overrides,
  };
}

/** Medium: the pipeline on the embedded engine, its channels recorded. */
describe('the alert pipeline', () => {
  let dir: string;
  let db: Database;
  let slack: RecordingChannel;
  let alimtalk: RecordingChannel;
  let sut: AlertPipeline;

  const pipeline = (maxNoticesPerMinute = 20) =>
    new AlertPipeline({
      store: new AlertStore(db),
      channels: [slack, alimtalk],
      logger: silent,
      options: { groupWindowMs: WINDOW_MS, maxNoticesPerMinute },
    });

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'wm-alerts-'));
    db = await EmbeddedDatabase.open(dir, { logger: silent, dbName: 'test' });
    await new SchemaMigrator(db, MIGRATIONS).migrate(silent);
    slack = new RecordingChannel('slack');
    alimtalk = new RecordingChannel('alimtalk');
    sut = pipeline();
  });
  afterEach(async () => {
    await db.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('sends the first event of a fault at once', async () => {
    await sut.handle(fault(), at(0));

    expect(slack.delivered).toEqual([
      {
        notice: expect.objectContaining({
          code: 'internal',
          where: 'POST /shifts/:id/assignments',
          count: 1,
          repeat: false,
          requestIds: ['req-1'],
        }),
        thread: undefined,
      },
    ]);
  });

  it('groups 50 identical faults in a minute into the first notice and one more, in its thread, after the window', async () => {
    const events = Array.from({ length: 50 }, (_, i) => fault({}, i));
    for (const [i, event] of events.entries()) await sut.handle(event, at(i));
    expect(slack.delivered).toHaveLength(1);

    expect(await sut.flush(at(60))).toBe(0);
    expect(await sut.flush(at(301))).toBe(1);

    expect(slack.delivered).toHaveLength(2);
    expect(slack.delivered[1]).toEqual({
      notice: expect.objectContaining({
        count: 49,
        repeat: true,
        firstAt: at(1),
        lastAt: at(49),
        requestIds: events
          .slice(-5)
          .reverse()
          .map((e) => e.requestId),
      }),
      thread: 'slack-1',
    });
  });

  it('sends a fault that carries no request id (a job’s) with none', async () => {
    await sut.handle(
      fault({ requestId: undefined, source: 'job', where: 'job holds-repair' }),
      at(0),
    );

    expect(slack.delivered[0]?.notice.requestIds).toEqual([]);
  });

  it('keeps every event whole in alert_events, security events a year and the others 90 days', async () => {
    await sut.handle(fault({ id: 'e-error' }), at(0));
    await sut.handle(
      fault({ id: 'e-security', code: 'security_token_invalid', source: 'security' }),
      at(0),
    );

    const kept = await db.collection('alert_events').find({}).sort({ _id: 1 }).toArray();
    const days = (d: unknown) => Math.round(((d as Date).getTime() - T0.getTime()) / 86_400_000);
    expect(kept.map((e) => [e._id, e.code, e.where, e.state, days(e.expiresAt)])).toEqual([
      ['e-error', 'internal', 'POST /shifts/:id/assignments', 'done', 90],
      ['e-security', 'security_token_invalid', 'POST /shifts/:id/assignments', 'done', 365],
    ]);
  });

  it('counts a redelivered message once and alerts once', async () => {
    const event = fault();
    await sut.handle(event, at(0));
    await sut.handle(event, at(1));
    await sut.flush(at(400));

    expect(slack.delivered).toHaveLength(1);
  });

  it('leaves the message for a retry when Slack fails, and delivers it once when it is back', async () => {
    const event = fault();
    slack.failures.push(new AlertDeliveryError('rate limited', 1_000));

    await expect(sut.handle(event, at(0))).rejects.toBeInstanceOf(AlertDeliveryError);
    await sut.handle(event, at(2));

    expect(slack.delivered.map((d) => d.notice.count)).toEqual([1]);
  });

  it('keeps to the budget per minute and sends what waited in the next minute', async () => {
    sut = pipeline(2);
    for (const code of ['a', 'b', 'c']) await sut.handle(fault({ code }), at(0));
    expect(slack.delivered.map((d) => d.notice.code)).toEqual(['a', 'b']);

    await sut.flush(at(61));

    expect(slack.delivered.map((d) => d.notice.code)).toEqual(['a', 'b', 'c']);
  });

  it('pages the on-call phones for critical faults only, and a failed page does not hold Slack back', async () => {
    await sut.handle(fault({ code: 'minor' }), at(0));
    alimtalk.failures.push(new AlertDeliveryError('popbill down'));
    await sut.handle(fault({ code: 'down', severity: 'critical' }), at(0));
    await sut.handle(fault({ code: 'down2', severity: 'critical' }), at(0));

    expect(slack.delivered.map((d) => d.notice.code)).toEqual(['minor', 'down', 'down2']);
    expect(alimtalk.delivered.map((d) => d.notice.code)).toEqual(['down2']);
  });

  it('raises a group to the highest severity among its events', async () => {
    await sut.handle(fault(), at(0));
    await sut.handle(fault({ severity: 'critical' }), at(10));
    await sut.handle(fault({ severity: 'warning' }), at(20));

    await sut.flush(at(301));

    expect(slack.delivered[1]?.notice).toMatchObject({ severity: 'critical', count: 2 });
    expect(alimtalk.delivered.map((d) => d.notice.count)).toEqual([2]);
  });
});

/** Medium: what the operators' console lists of the last hours, read back from the pipeline's store. */
describe('the recent alerts', () => {
  let dir: string;
  let db: Database;
  let store: AlertStore;
  let sut: AlertPipeline;
  let slack: RecordingChannel;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'wm-alerts-recent-'));
    db = await EmbeddedDatabase.open(dir, { logger: silent, dbName: 'test' });
    await new SchemaMigrator(db, MIGRATIONS).migrate(silent);
    store = new AlertStore(db);
    slack = new RecordingChannel('slack');
    sut = new AlertPipeline({
      store,
      channels: [slack],
      logger: silent,
      options: { groupWindowMs: WINDOW_MS, maxNoticesPerMinute: 20 },
    });
  });
  afterEach(async () => {
    await db.close();
    await rm(dir, { recursive: true, force: true });
  });

  const hours = (h: number) => h * 3600;

  it('lists each fault with events in the window once, latest first, with its count and first and last event in the window', async () => {
    // A fault seen yesterday and today: only today's events count.
    await sut.handle(fault({ code: 'internal' }, -hours(30)), at(-hours(30)));
    await sut.handle(fault({ code: 'internal' }, hours(1)), at(hours(1)));
    await sut.handle(fault({ code: 'internal' }, hours(2)), at(hours(2)));
    await sut.handle(
      fault({ code: 'provider_unavailable', source: 'provider' }, hours(3)),
      at(hours(3)),
    );
    // Older than the window only: not listed.
    await sut.handle(fault({ code: 'old' }, -hours(25)), at(-hours(25)));

    const recent = await store.recent({ since: at(0), until: at(hours(4)), limit: 10 });

    expect(recent.total).toBe(3);
    expect(recent.truncated).toBe(false);
    expect(recent.faults.map((f) => [f.code, f.count, f.firstAt, f.lastAt])).toEqual([
      ['provider_unavailable', 1, at(hours(3)), at(hours(3))],
      ['internal', 2, at(hours(1)), at(hours(2))],
    ]);
    expect(recent.faults[1]).toMatchObject({
      source: 'error',
      where: 'POST /shifts/:id/assignments',
      summary: 'TypeError: cannot read properties of undefined',
    });
  });

  it('gives a fault the highest severity among its events in the window, not before it', async () => {
    await sut.handle(fault({ severity: 'critical' }, -hours(2)), at(-hours(2)));
    await sut.handle(fault({ severity: 'warning' }, hours(1)), at(hours(1)));
    await sut.handle(fault({ severity: 'error' }, hours(2)), at(hours(2)));

    const recent = await store.recent({ since: at(0), until: at(hours(3)), limit: 10 });

    expect(recent.faults.map((f) => [f.severity, f.count])).toEqual([['error', 2]]);
  });

  it('says what the channels were told: the last notice, and the events still waiting for one', async () => {
    for (let i = 0; i < 4; i += 1) await sut.handle(fault({}, i), at(i));

    const recent = await store.recent({ since: at(-60), until: at(60), limit: 10 });

    expect(slack.delivered).toHaveLength(1);
    expect(recent.faults[0]).toMatchObject({ count: 4, notices: 1, pending: 3, noticeAt: at(0) });
  });

  it('keeps to the limit, latest faults first, and says it cut', async () => {
    for (const [i, code] of ['a', 'b', 'c'].entries()) {
      await sut.handle(fault({ code }, i * 60), at(i * 60));
    }

    const recent = await store.recent({ since: at(-60), until: at(600), limit: 2 });

    expect(recent.faults.map((f) => f.code)).toEqual(['c', 'b']);
    expect(recent.truncated).toBe(true);
    expect(recent.total).toBe(3);
  });

  it('leaves out events after the window’s end', async () => {
    await sut.handle(fault({}, 10), at(10));
    await sut.handle(fault({}, 100), at(100));

    const recent = await store.recent({ since: at(0), until: at(50), limit: 10 });

    expect(recent.faults.map((f) => [f.count, f.lastAt])).toEqual([[1, at(10)]]);
  });
});

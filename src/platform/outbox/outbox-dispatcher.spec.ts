import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migration } from '../../migrations/1795600200000-CreateOutboxIndexes.js';
import type { Database } from '../storage/database.js';
import { EmbeddedDatabase } from '../storage/embedded/embedded-database.js';
import { OutboxDispatcher, type OutboxDispatcherOptions } from './outbox-dispatcher.js';
import { outboxEvent, type OutboxEvent } from './outbox-event.js';
import { OutboxHandlers, PermanentOutboxError } from './outbox-handlers.js';
import {
  OUTBOX_CLAIMS,
  OUTBOX_DEAD_LETTERS,
  type OutboxClaim,
  type OutboxDeadLetter,
} from './outbox.repository.js';

const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const SOURCE = 'outbox_test_things';

interface Thing {
  _id: string;
  outbox: OutboxEvent[];
}

const DELAYED = new Set([
  'findOne',
  'countDocuments',
  'insertOne',
  'updateOne',
  'findOneAndUpdate',
  'deleteOne',
  'replaceOne',
]);

/** `db` whose collection calls each wait 0–2 ms first, as over a network, to interleave processes. */
function jittery(db: Database): Database {
  const pause = () => new Promise((resolve) => setTimeout(resolve, Math.random() * 2));
  const collection = (name: string) =>
    new Proxy(db.collection(name), {
      get(target, property) {
        const value: unknown = Reflect.get(target, property, target);
        if (typeof value !== 'function') return value;
        const bound = (value as (...args: unknown[]) => unknown).bind(target);
        if (typeof property !== 'string' || !DELAYED.has(property)) return bound;
        return async (...args: unknown[]) => {
          await pause();
          return bound(...args);
        };
      },
    });
  return new Proxy(db, {
    get: (target, property) =>
      property === 'collection' ? collection : Reflect.get(target, property, target),
  });
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe(OutboxDispatcher.name, () => {
  let dir: string;
  let db: Database;
  let handlers: OutboxHandlers;
  let clock: Date;
  let errors: Array<Record<string, unknown>>;

  const things = () => db.collection<Thing>(SOURCE);
  const claims = () => db.collection<OutboxClaim>(OUTBOX_CLAIMS);
  const deadLetters = () => db.collection<OutboxDeadLetter>(OUTBOX_DEAD_LETTERS);

  function dispatcher(overrides: Partial<OutboxDispatcherOptions> = {}): OutboxDispatcher {
    const logger = pino(
      { level: 'error' },
      { write: (line: string) => void errors.push(JSON.parse(line) as Record<string, unknown>) },
    );
    return new OutboxDispatcher({
      db,
      sources: [SOURCE],
      handlers,
      logger,
      pollMs: 5,
      maxAttempts: 4,
      backoff: { baseMs: 1_000, maxMs: 60_000 },
      now: () => clock,
      ...overrides,
    });
  }

  async function seed(count: number, type = 'thing.changed'): Promise<OutboxEvent[]> {
    const events: OutboxEvent[] = [];
    for (let i = 0; i < count; i++) {
      const event = outboxEvent(type, { n: i });
      events.push(event);
      await things().insertOne({ _id: `t${String(i).padStart(4, '0')}`, outbox: [event] });
    }
    return events;
  }

  async function pending(): Promise<string[]> {
    const docs = await things().find({}).toArray();
    return docs.flatMap((doc) => doc.outbox.map((e) => e.id));
  }

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'outbox-'));
    db = await EmbeddedDatabase.open(dir, { logger: quiet });
    handlers = new OutboxHandlers();
    clock = new Date('2026-11-24T00:00:00Z');
    errors = [];
  });
  afterEach(async () => {
    await db.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('delivers each event once to the handler of its type and removes it from its document', async () => {
    const events = await seed(3);
    await things().insertOne({ _id: 'quiet', outbox: [] });
    const seen: string[] = [];
    handlers.register('thing.*', async (event, source) => {
      expect(source).toEqual({ collection: SOURCE, documentId: expect.any(String) });
      seen.push(event.id);
    });
    const sut = dispatcher();

    expect(await sut.pollOnce()).toEqual({ claimed: 3, delivered: 3, failed: 0, parked: 0 });
    expect(await sut.pollOnce()).toEqual({ claimed: 0, delivered: 0, failed: 0, parked: 0 });

    expect(seen.sort()).toEqual(events.map((e) => e.id).sort());
    expect(await pending()).toEqual([]);
    expect(await claims().countDocuments()).toBe(0);
  });

  it('finds pending assignments through the sparse outbox index of the migration', async () => {
    await migration.up(db);
    const assignments = db.collection<Thing>('assignments');
    const event = outboxEvent('assignment.proposed', { assignmentId: 'a1' });
    await assignments.insertMany([
      { _id: 'done', outbox: [] },
      { _id: 'waiting', outbox: [event] },
    ]);
    const seen: string[] = [];
    handlers.register('assignment.*', async (e) => void seen.push(e.id));

    await dispatcher({ sources: ['assignments'] }).pollOnce();

    expect(seen).toEqual([event.id]);
    expect(await assignments.findOne({ _id: 'waiting' })).toEqual({ _id: 'waiting', outbox: [] });
  });

  it("delivers one document's events in order, and only that event is pulled", async () => {
    const [a, b] = [outboxEvent('thing.a', {}), outboxEvent('thing.b', {})];
    await things().insertOne({ _id: 'one', outbox: [a, b] });
    const seen: string[] = [];
    handlers.register('thing.*', async (event) => void seen.push(event.type));

    await dispatcher().pollOnce();

    expect(seen).toEqual(['thing.a', 'thing.b']);
    expect(await things().findOne({ _id: 'one' })).toEqual({ _id: 'one', outbox: [] });
  });

  it('retries a failing handler with backoff and delivers once it succeeds, losing nothing', async () => {
    const [event] = await seed(1);
    let calls = 0;
    const delivered: string[] = [];
    handlers.register('thing.changed', async (e) => {
      calls += 1;
      if (calls <= 2) throw new Error('downstream unavailable');
      delivered.push(e.id);
    });
    const sut = dispatcher();

    expect((await sut.pollOnce()).failed).toBe(1);
    // Backing off: a poll before the retry time does not touch it.
    expect((await sut.pollOnce()).claimed).toBe(0);
    expect(await claims().findOne({ _id: event!.id })).toMatchObject({
      attempts: 1,
      owner: null,
      availableAt: new Date(clock.getTime() + 1_000),
      lastError: 'Error: downstream unavailable',
    });
    clock = new Date(clock.getTime() + 1_000);
    expect((await sut.pollOnce()).failed).toBe(1);
    clock = new Date(clock.getTime() + 1_999);
    expect((await sut.pollOnce()).claimed).toBe(0); // the second wait is twice the first
    clock = new Date(clock.getTime() + 1);
    expect((await sut.pollOnce()).delivered).toBe(1);

    expect(calls).toBe(3);
    expect(delivered).toEqual([event!.id]);
    expect(await pending()).toEqual([]);
    expect(await claims().countDocuments()).toBe(0);
    expect(await deadLetters().countDocuments()).toBe(0);
  });

  it('holds back the later events of a document while an earlier one fails', async () => {
    const [a, b] = [outboxEvent('thing.a', {}), outboxEvent('thing.b', {})];
    await things().insertOne({ _id: 'one', outbox: [a, b] });
    const seen: string[] = [];
    let failA = true;
    handlers.register('thing.*', async (event) => {
      if (event.type === 'thing.a' && failA) throw new Error('not yet');
      seen.push(event.type);
    });
    const sut = dispatcher();

    await sut.pollOnce();
    expect(seen).toEqual([]);
    failA = false;
    clock = new Date(clock.getTime() + 1_000);
    await sut.pollOnce();

    expect(seen).toEqual(['thing.a', 'thing.b']);
  });

  it('parks a poison event in outbox_dead_letters after maxAttempts and logs it at error', async () => {
    const [event] = await seed(1);
    let calls = 0;
    handlers.register('thing.changed', async () => {
      calls += 1;
      throw new Error('template rejected');
    });
    const sut = dispatcher({ maxAttempts: 3 });

    for (let i = 0; i < 3; i++) {
      await sut.pollOnce();
      clock = new Date(clock.getTime() + 60_000);
    }
    await sut.pollOnce();

    expect(calls).toBe(3);
    expect(await pending()).toEqual([]);
    expect(await claims().countDocuments()).toBe(0);
    expect(await deadLetters().findOne({ _id: event!.id })).toMatchObject({
      event: { id: event!.id, type: 'thing.changed' },
      collection: SOURCE,
      documentId: 't0000',
      attempts: 3,
      error: 'Error: template rejected',
    });
    expect(errors).toContainEqual(
      expect.objectContaining({
        level: 50,
        eventId: event!.id,
        type: 'thing.changed',
        attempts: 3,
        msg: 'outbox event parked in outbox_dead_letters',
      }),
    );
  });

  it('parks an event at once when its handler says it can never be delivered', async () => {
    const [event] = await seed(1);
    handlers.register('thing.changed', async () => {
      throw new PermanentOutboxError('payload does not parse');
    });

    expect((await dispatcher().pollOnce()).parked).toBe(1);

    expect(await deadLetters().findOne({ _id: event!.id })).toMatchObject({ attempts: 1 });
    expect(await pending()).toEqual([]);
  });

  it('treats an event without a handler as a failure, to be parked in the end', async () => {
    await seed(1, 'nobody.listens');
    const sut = dispatcher({ maxAttempts: 1 });

    expect((await sut.pollOnce()).parked).toBe(1);
    expect(await deadLetters().findOne({})).toMatchObject({
      error: 'Error: no outbox handler for events of type nobody.listens',
    });
  });

  it('two dispatchers on one database deliver each of 200 events exactly once', async () => {
    const events = await seed(200);
    const delivered: string[] = [];
    handlers.register('thing.changed', async (event) => {
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 2));
      delivered.push(event.id);
    });
    const shared = jittery(db);
    const a = dispatcher({ db: shared, batchSize: 20, now: () => new Date() });
    const b = dispatcher({ db: shared, batchSize: 20, now: () => new Date() });

    const drain = async (sut: OutboxDispatcher) => {
      let delivered = 0;
      for (let r = await sut.pollOnce(); r.claimed > 0; r = await sut.pollOnce()) {
        delivered += r.delivered;
      }
      return delivered;
    };
    const [byA, byB] = await Promise.all([drain(a), drain(b)]);
    // A last pass after both went quiet: nothing was left behind.
    expect(await drain(a)).toBe(0);

    expect(byA).toBeGreaterThan(0);
    expect(byB).toBeGreaterThan(0);
    expect(byA + byB).toBe(200);
    expect(delivered).toHaveLength(200);
    expect(new Set(delivered).size).toBe(200);
    expect(new Set(delivered)).toEqual(new Set(events.map((e) => e.id)));
    expect(await pending()).toEqual([]);
    expect(await claims().countDocuments()).toBe(0);
  });

  it('lets another process take over an event whose holder crashed once the lease has passed', async () => {
    const [event] = await seed(1);
    const delivered: string[] = [];
    handlers.register('thing.changed', async (e) => void delivered.push(e.id));
    // The crashed holder: its claim stays, nobody releases it.
    await claims().insertOne({
      _id: event!.id,
      owner: 'crashed',
      availableAt: new Date(clock.getTime() + 60_000),
      attempts: 0,
      lastError: null,
      collection: SOURCE,
      type: event!.type,
      expireAt: new Date(clock.getTime() + 86_400_000),
    });
    const sut = dispatcher();

    expect((await sut.pollOnce()).claimed).toBe(0);
    clock = new Date(clock.getTime() + 60_000);
    expect((await sut.pollOnce()).delivered).toBe(1);
    expect(delivered).toEqual([event!.id]);
  });

  it('delivers again when removal failed after the handler succeeded; the receiver dedups by id', async () => {
    const [event] = await seed(1);
    const received = new Set<string>();
    let deliveries = 0;
    handlers.register('thing.changed', async (e) => {
      deliveries += 1;
      received.add(e.id); // a receiver keyed by event id
    });
    let failPull = true;
    const flaky = new Proxy(db, {
      get: (target, property) =>
        property === 'collection'
          ? (name: string) => {
              const collection = target.collection(name);
              if (name !== SOURCE) return collection;
              return new Proxy(collection, {
                get: (c, p) =>
                  p === 'updateOne' && failPull
                    ? async () => {
                        failPull = false;
                        throw new Error('connection reset');
                      }
                    : (Reflect.get(c, p, c) as (...args: unknown[]) => unknown).bind(c),
              });
            }
          : Reflect.get(target, property, target),
    });
    const sut = dispatcher({ db: flaky, leaseMs: 30_000 });

    await expect(sut.pollOnce()).rejects.toThrow('connection reset');
    clock = new Date(clock.getTime() + 30_000);
    await sut.pollOnce();

    expect(deliveries).toBe(2);
    expect([...received]).toEqual([event!.id]);
    expect(await pending()).toEqual([]);
  });

  it('keeps an event pushed into a document while its earlier event is delivered', async () => {
    const first = outboxEvent('thing.a', {});
    const late = outboxEvent('thing.b', {});
    await things().insertOne({ _id: 'one', outbox: [first] });
    const seen: string[] = [];
    handlers.register('thing.*', async (event) => {
      if (event.id === first.id) {
        await things().updateOne({ _id: 'one' }, { $push: { outbox: late } });
      }
      seen.push(event.id);
    });
    const sut = dispatcher();

    await sut.pollOnce();
    expect(await pending()).toEqual([late.id]);
    await sut.pollOnce();

    expect(seen).toEqual([first.id, late.id]);
    expect(await pending()).toEqual([]);
  });

  it('polls again at once after finding work, and stop() waits for the event in hand', async () => {
    await seed(1);
    const gate = deferred();
    const entered = deferred();
    const order: string[] = [];
    handlers.register('thing.changed', async () => {
      entered.resolve();
      await gate.promise;
      order.push('handled');
    });
    const sut = dispatcher({ pollMs: 60_000 });
    sut.start();
    await entered.promise;

    const stopped = sut.stop().then(() => order.push('stopped'));
    await Promise.resolve();
    expect(order).toEqual([]);
    gate.resolve();
    await stopped;

    expect(order).toEqual(['handled', 'stopped']);
    expect(sut.isRunning).toBe(false);
    expect(await pending()).toEqual([]);
    expect(await claims().countDocuments()).toBe(0);
  });

  it('delivers events written while it runs, without waiting for the interval after work', async () => {
    const delivered: string[] = [];
    const second = deferred();
    handlers.register('thing.changed', async (event) => {
      delivered.push(event.id);
      if (delivered.length === 2) second.resolve();
    });
    // A long interval: the second event is found only because a poll with work polls again.
    const sut = dispatcher({ pollMs: 60_000, now: () => new Date() });
    const [a] = await seed(1);
    sut.start();
    try {
      const b = outboxEvent('thing.changed', {});
      await things().updateOne({ _id: 't0000' }, { $push: { outbox: b } });
      await second.promise;
      expect(delivered).toEqual([a!.id, b.id]);
    } finally {
      await sut.stop();
    }
  });
});

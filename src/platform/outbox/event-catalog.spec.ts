import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineEvents, makeEvent, parseEvent } from './event-catalog.js';
import { outboxEvent } from './outbox-event.js';
import { OutboxHandlers, PermanentOutboxError } from './outbox-handlers.js';

const EVENTS = defineEvents({
  'thing.made': z.object({ thingId: z.string().min(1), count: z.number().int() }),
});

describe('event catalogues', () => {
  it('makes an event whose payload fits its type, and refuses one that does not at the write', () => {
    const event = makeEvent(EVENTS, 'thing.made', { thingId: 't1', count: 2 });
    expect(event).toMatchObject({ type: 'thing.made', payload: { thingId: 't1', count: 2 } });
    expect(() => makeEvent(EVENTS, 'thing.made', { thingId: '', count: 1.5 })).toThrow();
  });

  it("parses an event with its producer's schema, and parks one that never will parse", () => {
    const parsed = parseEvent(EVENTS, outboxEvent('thing.made', { thingId: 't1', count: 2 }));
    expect(parsed.payload.count).toBe(2);
    expect(() => parseEvent(EVENTS, outboxEvent('thing.made', { thingId: 't1' }))).toThrow(
      PermanentOutboxError,
    );
    expect(() => parseEvent(EVENTS, outboxEvent('thing.lost', {}))).toThrow(/not an event/);
  });

  it('names the fields that failed, never their values', () => {
    const error = (() => {
      try {
        parseEvent(EVENTS, outboxEvent('thing.made', { thingId: 42, count: 'x-010-1234-5678' }));
      } catch (e) {
        return e as Error;
      }
    })();
    expect(error?.message).toMatch(/thingId, count/);
    expect(error?.message).not.toContain('1234');
  });

  it('hands a typed handler the parsed payload', async () => {
    const handlers = new OutboxHandlers();
    const seen: number[] = [];
    handlers.on(EVENTS, 'thing.made', ({ payload }) => {
      seen.push(payload.count);
      return Promise.resolve();
    });
    const source = { collection: 'things', documentId: 't1' };
    await handlers.get('thing.made')?.(
      outboxEvent('thing.made', { thingId: 't1', count: 3 }),
      source,
    );
    expect(seen).toEqual([3]);
  });

  it('refuses a type that does not name its feature', () => {
    expect(() => defineEvents({ made: z.object({}) })).toThrow(/feature\.what/);
  });
});

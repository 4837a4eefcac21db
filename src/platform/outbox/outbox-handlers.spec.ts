import { describe, expect, it } from 'vitest';
import { OutboxHandlers, type OutboxHandler } from './outbox-handlers.js';

const handler = (): OutboxHandler => async () => {};

describe(OutboxHandlers.name, () => {
  it('finds the exact type first, then the longest registered prefix', () => {
    const sut = new OutboxHandlers();
    const [exact, long, short] = [handler(), handler(), handler()];
    sut.register('assignment.proposed', exact);
    sut.register('assignment.*', short);
    sut.register('assignment.cancelled.*', long);

    expect(sut.get('assignment.proposed')).toBe(exact);
    expect(sut.get('assignment.cancelled.late')).toBe(long);
    expect(sut.get('assignment.confirmed')).toBe(short);
    expect(sut.get('assignment')).toBeUndefined();
    expect(sut.get('assignments.confirmed')).toBeUndefined();
    expect(sut.get('shift.cancelled')).toBeUndefined();
  });

  it('refuses a second handler for the same type or prefix, and keys that are not types', () => {
    const sut = new OutboxHandlers();
    sut.register('assignment.*', handler());

    expect(() => sut.register('assignment.*', handler())).toThrow(/exists already/);
    expect(() => sut.register('Assignment.*', handler())).toThrow(/Not an outbox event type/);
    expect(() => sut.register('*', handler())).toThrow(/Not an outbox event type/);
  });
});

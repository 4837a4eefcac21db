import { z } from 'zod';
import { type OutboxEvent, outboxEvent } from './outbox-event.js';
import { PermanentOutboxError } from './outbox-errors.js';

/**
 * A producer's events: each type it writes, with the zod schema of the payload. The producing
 * module owns it (`<feature>.events.ts`); it makes its events through it (a payload that does not
 * fit is a bug caught at the write, not at some consumer later) and every consumer parses with
 * the same schema, so the shape of an event is known in one place.
 */
export type EventCatalog = Readonly<Record<string, z.ZodType<Record<string, unknown>>>>;

/** The payload a catalogue's event type carries (what a consumer gets once parsed). */
type EventPayload<C extends EventCatalog, K extends keyof C> = z.output<C[K]>;

/** One event of a catalogue, parsed: its type and its typed payload. */
export type CatalogEvent<C extends EventCatalog> = {
  [K in keyof C & string]: { type: K; payload: EventPayload<C, K>; event: OutboxEvent };
}[keyof C & string];

const TYPE = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/;

export function defineEvents<const C extends EventCatalog>(catalog: C): C {
  for (const type of Object.keys(catalog)) {
    if (!TYPE.test(type)) throw new Error(`Not an event type: ${type} (expected feature.what)`);
  }
  return catalog;
}

/** An outbox event of `catalog`, its payload checked against the type's schema first. */
export function makeEvent<C extends EventCatalog, K extends keyof C & string>(
  catalog: C,
  type: K,
  payload: z.input<C[K]>,
  occurredAt: Date = new Date(),
): OutboxEvent {
  const schema = catalog[type];
  if (!schema) throw new Error(`${type} is not an event of this catalogue`);
  return outboxEvent(type, schema.parse(payload), occurredAt);
}

/**
 * The event, parsed with its producer's schema. An event that is not of the catalogue, or whose
 * payload does not fit, never will be: `PermanentOutboxError` (the dispatcher parks it), naming
 * the fields, never their values.
 */
export function parseEvent<C extends EventCatalog>(
  catalog: C,
  event: OutboxEvent,
): CatalogEvent<C> {
  const schema = catalog[event.type];
  if (!schema) throw new PermanentOutboxError(`not an event of this catalogue: ${event.type}`);
  const result = schema.safeParse(event.payload);
  if (!result.success) {
    const fields = result.error.issues.map((issue) => issue.path.join('.') || '(payload)');
    throw new PermanentOutboxError(`${event.type} payload is invalid at: ${fields.join(', ')}`);
  }
  return { type: event.type, payload: result.data, event } as CatalogEvent<C>;
}

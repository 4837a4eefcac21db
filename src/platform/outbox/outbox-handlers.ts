import { Injectable } from '@nestjs/common';
import { type CatalogEvent, type EventCatalog, parseEvent } from './event-catalog.js';
import type { OutboxEvent } from './outbox-event.js';

/** Where an event came from: its collection and document (for logs and dead letters). */
export interface OutboxEventSource {
  collection: string;
  documentId: unknown;
}

/**
 * Delivers one event. Resolving means delivered: the dispatcher then removes the event. Throwing
 * leaves it for a later attempt (`PermanentOutboxError` parks it at once). A handler may run more
 * than once for one event (at least once), so whatever it causes must be deduplicated by `event.id`.
 */
export type OutboxHandler = (event: OutboxEvent, source: OutboxEventSource) => Promise<void>;

export { PermanentOutboxError } from './outbox-errors.js';

const TYPE = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$/;

/**
 * Who handles which event type. Feature modules register in `onModuleInit`, by exact type
 * (`assignment.proposed`) or by prefix (`assignment.*`); the exact type wins, then the longest
 * prefix. One handler per key, so no event is delivered by two features by accident.
 */
@Injectable()
export class OutboxHandlers {
  private readonly exact = new Map<string, OutboxHandler>();
  private readonly prefixes = new Map<string, OutboxHandler>();

  register(typeOrPrefix: string, handler: OutboxHandler): void {
    const prefix = typeOrPrefix.endsWith('.*') ? typeOrPrefix.slice(0, -2) : undefined;
    const key = prefix ?? typeOrPrefix;
    if (!TYPE.test(key)) throw new Error(`Not an outbox event type or prefix: ${typeOrPrefix}`);
    const map = prefix === undefined ? this.exact : this.prefixes;
    if (map.has(key)) throw new Error(`An outbox handler for ${typeOrPrefix} exists already`);
    map.set(key, handler);
  }

  /**
   * Registers a handler of a producer's events (its catalogue, by exact type or prefix): the
   * handler gets each event parsed with the producer's schema; one that does not parse is parked.
   */
  on<C extends EventCatalog>(
    catalog: C,
    typeOrPrefix: string,
    handler: (parsed: CatalogEvent<C>, source: OutboxEventSource) => Promise<void>,
  ): void {
    this.register(typeOrPrefix, (event, source) => handler(parseEvent(catalog, event), source));
  }

  get(type: string): OutboxHandler | undefined {
    const exact = this.exact.get(type);
    if (exact) return exact;
    for (let end = type.lastIndexOf('.'); end > 0; end = type.lastIndexOf('.', end - 1)) {
      const handler = this.prefixes.get(type.slice(0, end));
      if (handler) return handler;
    }
    return undefined;
  }

  keys(): string[] {
    return [...this.exact.keys(), ...[...this.prefixes.keys()].map((p) => `${p}.*`)];
  }
}

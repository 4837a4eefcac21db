import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import type { Database } from '../storage/database.js';
import type { OutboxEvent } from './outbox-event.js';
import { metrics } from '../metrics/metrics.js';
import { PermanentOutboxError, type OutboxHandlers } from './outbox-handlers.js';
import { OutboxRepository, type PendingDocument } from './outbox.repository.js';

export interface OutboxDispatcherOptions {
  db: Database;
  /** Collections whose documents carry an `outbox` array. */
  sources: readonly string[];
  handlers: OutboxHandlers;
  logger: Logger;
  /** Pause after a poll that found nothing to do. */
  pollMs: number;
  /** Events claimed per poll, at most (roughly: a page in progress finishes). Default 50. */
  batchSize?: number;
  /** Documents delivered side by side; one document's events always go in order. Default 4. */
  concurrency?: number;
  /** How long a claim holds before another process may take it over. Default 60 s. */
  leaseMs?: number;
  /** Failed attempts after which an event is parked in `outbox_dead_letters`. Default 8. */
  maxAttempts?: number;
  /** Wait before attempt n+1: `baseMs * 2^(n-1)`, at most `maxMs`. Default 1 s … 5 min. */
  backoff?: { baseMs: number; maxMs: number };
  now?: () => Date;
  /** Names this process in claims; unique per instance. */
  owner?: string;
}

/** What one poll did. */
export interface OutboxPollResult {
  /** Events this poll took a claim on (found work). */
  claimed: number;
  delivered: number;
  failed: number;
  parked: number;
}

type Outcome = 'delivered' | 'failed' | 'parked' | 'gone';

/**
 * Delivers the events that writers leave in their documents' `outbox` arrays, at least once.
 *
 * Each poll pages through the source collections' documents that hold events, claims each event
 * (an `outbox_claims` document with the event id as `_id`: the insert is the lock, its lease lets
 * another process take over from a crashed holder), checks the event is still there, calls the
 * handler registered for its type and only then `$pull`s that one event and drops the claim. A
 * failure keeps the event with a growing backoff; after `maxAttempts` (or a
 * `PermanentOutboxError`) it is parked in `outbox_dead_letters` and logged at error. A document's
 * events go in array order: a held or failing event holds back the ones after it.
 *
 * Several processes may dispatch the same collections at once; the claims keep them from
 * delivering one event concurrently. A lease that runs out under a slow handler can still lead to a
 * second delivery, hence receivers deduplicate by event id.
 */
export class OutboxDispatcher {
  private readonly repository: OutboxRepository;
  private readonly batchSize: number;
  private readonly concurrency: number;
  private readonly leaseMs: number;
  private readonly maxAttempts: number;
  private readonly backoff: { baseMs: number; maxMs: number };
  private readonly now: () => Date;
  private readonly owner: string;
  private readonly log: Logger;

  private running = false;
  private stopping = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;

  constructor(private readonly options: OutboxDispatcherOptions) {
    this.repository = new OutboxRepository(options.db);
    this.batchSize = options.batchSize ?? 50;
    this.concurrency = options.concurrency ?? 4;
    this.leaseMs = options.leaseMs ?? 60_000;
    this.maxAttempts = options.maxAttempts ?? 8;
    this.backoff = options.backoff ?? { baseMs: 1_000, maxMs: 300_000 };
    this.now = options.now ?? (() => new Date());
    this.owner = options.owner ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
    this.log = options.logger;
  }

  get isRunning(): boolean {
    return this.running;
  }

  /** Polls until `stop()`: again at once after a poll that found work, else after `pollMs`. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.stopping = false;
    this.loop = this.run();
    this.log.info({ sources: this.options.sources, owner: this.owner }, 'outbox dispatch started');
  }

  /** Stops polling and waits for the events in hand to finish; claims no new ones meanwhile. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.stopping = true;
    this.wake?.();
    await this.loop;
    this.running = false;
    this.loop = undefined;
    this.log.info({ owner: this.owner }, 'outbox dispatch stopped');
  }

  /** One pass over every source. Public for tests and for a one-shot drain. */
  async pollOnce(): Promise<OutboxPollResult> {
    const result: OutboxPollResult = { claimed: 0, delivered: 0, failed: 0, parked: 0 };
    for (const collection of this.options.sources) {
      let afterId: unknown;
      while (!this.stopping && result.claimed < this.batchSize) {
        const page = await this.repository.pendingDocuments(collection, afterId, this.batchSize);
        if (page.length === 0) break;
        afterId = page[page.length - 1]?._id;
        await this.deliverPage(collection, page, result);
        if (page.length < this.batchSize) break;
      }
    }
    return result;
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      let foundWork = false;
      try {
        foundWork = (await this.pollOnce()).claimed > 0;
      } catch (error) {
        this.log.warn({ err: error }, 'outbox poll failed; trying again after the interval');
      }
      if (!foundWork && !this.stopping) await this.pause();
    }
  }

  private pause(): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, this.options.pollMs);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    }).finally(() => {
      this.wake = undefined;
    });
  }

  private async deliverPage(
    collection: string,
    page: PendingDocument[],
    result: OutboxPollResult,
  ): Promise<void> {
    // One read of the claims for the page, so documents held by others cost no claim attempt.
    const availability = await this.repository.availability(
      page.flatMap((doc) => doc.outbox.map((event) => event.id)),
    );
    const now = this.now().getTime();
    const ready = page.filter((doc) => {
      const first = doc.outbox[0];
      const at = first && availability.get(first.id);
      return first !== undefined && (at === undefined || at.getTime() <= now);
    });
    let next = 0;
    const lane = async () => {
      for (let doc = ready[next++]; doc; doc = ready[next++]) {
        await this.deliverDocument(collection, doc, result);
      }
    };
    // Settle every lane before answering, so a stop() never returns while a delivery still runs.
    const lanes = Array.from({ length: Math.min(this.concurrency, ready.length) }, lane);
    const failure = (await Promise.allSettled(lanes)).find((r) => r.status === 'rejected');
    if (failure) throw failure.reason;
  }

  private async deliverDocument(
    collection: string,
    doc: PendingDocument,
    result: OutboxPollResult,
  ): Promise<void> {
    for (const event of doc.outbox) {
      if (this.stopping) return;
      const claim = await this.repository.claim({
        event,
        collection,
        owner: this.owner,
        now: this.now(),
        leaseMs: this.leaseMs,
      });
      if (!claim) return; // another process holds it, or it waits out its backoff
      result.claimed += 1;
      const outcome = await this.deliver(collection, doc._id, event, claim.attempts);
      if (outcome === 'gone') continue;
      if (outcome === 'delivered') {
        // Domain events by type (assignments by state among them), and how long they waited.
        metrics().count('DomainEvents', { Type: event.type });
        metrics().time(
          'OutboxLag',
          { Source: collection },
          this.now().getTime() - new Date(event.occurredAt).getTime(),
        );
      }
      result[outcome] += 1;
      if (outcome === 'failed') return;
    }
  }

  private async deliver(
    collection: string,
    documentId: unknown,
    event: OutboxEvent,
    failedBefore: number,
  ): Promise<Outcome> {
    const ids = { eventId: event.id, type: event.type, collection, documentId: String(documentId) };
    // Delivered and removed by another holder between our read and our claim.
    if (!(await this.repository.isPending(collection, documentId, event.id))) {
      await this.repository.release(event.id, this.owner);
      return 'gone';
    }
    try {
      const handler = this.options.handlers.get(event.type);
      if (!handler) throw new Error(`no outbox handler for events of type ${event.type}`);
      await handler(event, { collection, documentId });
    } catch (error) {
      const attempts = failedBefore + 1;
      const message = errorMessage(error);
      if (error instanceof PermanentOutboxError || attempts >= this.maxAttempts) {
        await this.repository.park({
          _id: event.id,
          event,
          collection,
          documentId,
          attempts,
          error: message,
          parkedAt: this.now(),
        });
        await this.repository.remove(collection, documentId, event.id);
        await this.repository.release(event.id, this.owner);
        this.log.error(
          { ...ids, attempts, error: message },
          'outbox event parked in outbox_dead_letters',
        );
        return 'parked';
      }
      const retryAt = new Date(this.now().getTime() + this.delayAfter(attempts));
      await this.repository.fail(event.id, this.owner, retryAt, message);
      this.log.warn(
        { ...ids, attempts, retryAt: retryAt.toISOString(), error: message },
        'outbox event delivery failed; it will be retried',
      );
      return 'failed';
    }
    // Removed before the claim is dropped: whoever claims it afterwards finds it gone.
    await this.repository.remove(collection, documentId, event.id);
    await this.repository.release(event.id, this.owner);
    this.log.debug({ ...ids, attempts: failedBefore + 1 }, 'outbox event delivered');
    return 'delivered';
  }

  private delayAfter(attempts: number): number {
    return Math.min(this.backoff.maxMs, this.backoff.baseMs * 2 ** (attempts - 1));
  }
}

function errorMessage(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.slice(0, 500);
}

import { z } from 'zod';
import type { Logger } from 'pino';
import { scrub } from '../masking/scrub.js';
import type { DatabaseCommandContext } from '../process/command-context.js';
import type { Database } from '../storage/database.js';
import { newId } from '../storage/ids.js';

/** The collection (its TTL index: migrations/…-CreateAuditEvents). */
export const AUDIT_EVENTS = 'audit_events';

/**
 * Who changed what, as the logging policy’s audit category records it: an action (`worker.
 * identity.verify`), who did it (a staff member, a member, the system, a CLI operator), what it
 * was done to (a type and an id), the outcome, and details that are ids, codes and counts. Never
 * personal data: a string that holds any is refused, so a careless caller fails in its tests.
 */
const detail = z.union([z.string().max(200), z.number(), z.boolean()]);
const AuditEntrySchema = z.strictObject({
  action: z
    .string()
    .max(100)
    .regex(/^[a-z][a-z_-]*(\.[a-z][a-z_-]*)+$/, 'a dotted action name'),
  actor: z.strictObject({
    type: z.enum(['staff', 'member', 'system', 'cli']),
    id: z.string().min(1).max(200).optional(),
    role: z.string().max(40).optional(),
  }),
  subject: z.strictObject({ type: z.string().max(40), id: z.string().min(1).max(200) }).optional(),
  outcome: z.string().min(1).max(60),
  details: z.record(z.string().max(60), detail).optional(),
  requestId: z.string().max(200).optional(),
});
export type AuditEntry = z.input<typeof AuditEntrySchema>;

export interface AuditEvent extends z.output<typeof AuditEntrySchema> {
  _id: string;
  at: Date;
  expiresAt: Date;
}

/**
 * Writes audit events, after the change they record has been made: one `audit` line (CloudWatch
 * Logs keeps it as long as the policy's audit retention) and one document in `audit_events`
 * (removed by its TTL index after `retentionDays`). The line goes first: when the database cannot
 * take the document, the change stands (it was made and is answered), the line still has it, and
 * an error line (an alert) names the event that is missing from the collection.
 */
export class AuditLog {
  private readonly log: Logger;

  constructor(
    private readonly db: Database,
    logger: Logger,
    private readonly retentionDays: number,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.log = logger.child({ component: 'audit' });
  }

  /** `at`: when the change was made (the caller's clock); now by default. */
  async record(entry: AuditEntry, at: Date = this.now()): Promise<AuditEvent> {
    const parsed = AuditEntrySchema.parse(entry);
    for (const value of [
      ...Object.values(parsed.details ?? {}),
      parsed.outcome,
      parsed.subject?.id,
      parsed.actor.id,
    ]) {
      if (typeof value === 'string' && scrub(value) !== value) {
        // A programming error, not a client's: the message names no value.
        throw new Error(`audit event ${parsed.action}: personal data in its fields`);
      }
    }
    const event: AuditEvent = {
      // Time-ordered (an ObjectId's hex), so events of one millisecond list in the order made.
      _id: newId().toHexString(),
      at,
      ...parsed,
      expiresAt: new Date(at.getTime() + this.retentionDays * 86_400_000),
    };
    const { requestId, ...line } = parsed;
    this.log.info(
      {
        category: 'audit',
        ...line,
        auditId: event._id,
        ...(requestId ? { reqId: requestId } : {}),
      },
      'audit',
    );
    try {
      await this.db.collection<AuditEvent>(AUDIT_EVENTS).insertOne(event);
    } catch (error) {
      this.log.error(
        {
          err: error,
          code: 'audit_event_not_stored',
          auditId: event._id,
          auditAction: parsed.action,
        },
        'an audit event could not be stored in audit_events; its log line has it',
      );
    }
    return event;
  }

  /** The newest events first, for reviews and tests (by subject or action when given). */
  async list(
    filter: { subject?: { type: string; id: string }; action?: string } = {},
    limit = 100,
  ) {
    const query: Record<string, unknown> = {};
    if (filter.subject) {
      query['subject.type'] = filter.subject.type;
      query['subject.id'] = filter.subject.id;
    }
    if (filter.action) query.action = filter.action;
    return this.db
      .collection<AuditEvent>(AUDIT_EVENTS)
      .find(query, { sort: { at: -1, _id: -1 }, limit })
      .toArray();
  }
}

/** A CLI command's audit log; its events' actor is `{ type: 'cli' }` with the command named. */
export function commandAudit(context: Pick<DatabaseCommandContext, 'db' | 'logger' | 'config'>) {
  return new AuditLog(context.db, context.logger, context.config.log.auditRetentionDays);
}

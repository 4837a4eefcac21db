import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LogCapture } from '../../../test/support/log-capture.js';
import { migration } from '../../migrations/1796504400000-CreateAuditEvents.js';
import { baseOptions } from '../logging/logger.js';
import { EmbeddedDatabase } from '../storage/embedded/embedded-database.js';
import { AUDIT_EVENTS, AuditLog, type AuditEntry } from './audit-log.js';

const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const AT = new Date('2026-12-05T01:00:00Z');
const ENTRY: AuditEntry = {
  action: 'business.verification.verify',
  actor: { type: 'staff', id: 'op-1', role: 'operator' },
  subject: { type: 'business', id: 'b-1' },
  outcome: 'verify',
  details: { method: 'manual', evidenceLength: 20 },
  requestId: 'req-1',
};

describe(AuditLog.name, () => {
  let dir: string;
  let db: EmbeddedDatabase;
  let logs: LogCapture;
  let audit: AuditLog;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'wm-audit-'));
    db = await EmbeddedDatabase.open(dir, { logger: quiet, dbName: 'test' });
    await migration.up(db);
    logs = new LogCapture();
    audit = new AuditLog(db, pino(baseOptions('info', 'api'), logs), 730);
  });

  afterEach(async () => {
    await db.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps an event in audit_events until its retention ends (TTL), and writes one audit line', async () => {
    const event = await audit.record(ENTRY, AT);

    const events = db.collection<{ _id: string }>(AUDIT_EVENTS);
    expect(await events.findOne({ _id: event._id })).toEqual({
      _id: event._id,
      at: AT,
      ...ENTRY,
      expiresAt: new Date(AT.getTime() + 730 * 86_400_000),
    });
    expect(logs.lines).toEqual([
      expect.objectContaining({
        category: 'audit',
        level: 'info',
        action: ENTRY.action,
        actor: ENTRY.actor,
        subject: ENTRY.subject,
        outcome: 'verify',
        auditId: event._id,
        reqId: 'req-1',
      }),
    ]);
    // The TTL index removes it once its retention is over, not a day before.
    await db.sweepExpired(new Date(AT.getTime() + 729 * 86_400_000));
    expect(await events.countDocuments({})).toBe(1);
    await db.sweepExpired(new Date(AT.getTime() + 731 * 86_400_000));
    expect(await events.countDocuments({})).toBe(0);
  });

  it('lists a subject’s events newest first, in the order made within one instant', async () => {
    await audit.record(ENTRY, AT);
    await audit.record({ ...ENTRY, action: 'business.verification.revoke', outcome: 'revoke' }, AT);
    await audit.record({ ...ENTRY, subject: { type: 'business', id: 'b-2' } }, AT);

    const listed = await audit.list({ subject: { type: 'business', id: 'b-1' } });
    expect(listed.map((e) => e.action)).toEqual([
      'business.verification.revoke',
      'business.verification.verify',
    ]);
  });

  it('refuses an entry with personal data in it, and writes nothing', async () => {
    await expect(
      audit.record({ ...ENTRY, details: { note: 'called 010-1234-5678' } }, AT),
    ).rejects.toThrow('audit event business.verification.verify: personal data in its fields');
    await expect(audit.record({ ...ENTRY, action: 'Verify!' }, AT)).rejects.toThrow();

    expect(await db.collection(AUDIT_EVENTS).countDocuments({})).toBe(0);
    expect(logs.lines).toEqual([]);
  });

  it('keeps the change when the database cannot take the event: the line has it, and an error line (an alert) says so', async () => {
    await db.close();

    const event = await audit.record(ENTRY, AT);

    expect(logs.lines.map((l) => [l.level, l.category ?? null, l.code ?? null])).toEqual([
      ['info', 'audit', null],
      ['error', null, 'audit_event_not_stored'],
    ]);
    expect(logs.lines[1]).toMatchObject({ auditId: event._id, auditAction: ENTRY.action });
    db = await EmbeddedDatabase.open(dir, { logger: quiet, dbName: 'test' });
  });
});

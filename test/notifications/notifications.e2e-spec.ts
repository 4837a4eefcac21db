import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  Injectable,
  Module,
  type DynamicModule,
  type INestApplicationContext,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { pino, type Logger } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigModule } from '../../src/config/config.module.js';
import { loadConfig, type AppConfig } from '../../src/config/config.js';
import { MIGRATIONS } from '../../src/migrations/index.js';
import { NotificationRecipients } from '../../src/modules/notifications/notification-recipients.port.js';
import { NotificationsModule } from '../../src/modules/notifications/notifications.module.js';
import { SentMessagesRepository } from '../../src/modules/notifications/sent-messages.repository.js';
import { baseOptions } from '../../src/platform/logging/logger.js';
import { LoggingModule } from '../../src/platform/logging/logging.module.js';
import { OutboxDispatchModule } from '../../src/platform/outbox/outbox-dispatch.module.js';
import { OutboxDispatcher } from '../../src/platform/outbox/outbox-dispatcher.js';
import { outboxEvent, type OutboxEvent } from '../../src/platform/outbox/outbox-event.js';
import { SchemaMigrator } from '../../src/platform/schema/schema-migrator.js';
import type { Database, ObjectId } from '../../src/platform/storage/database.js';
import { newId } from '../../src/platform/storage/ids.js';
import { DATABASE, StorageModule } from '../../src/platform/storage/storage.module.js';
import { openDatabase } from '../../src/platform/storage/open-database.js';
import { LogCapture } from '../support/log-capture.js';
import { AWS_LIKE_ENV } from '../support/test-api.js';
import { until } from '../support/until.js';

interface AssignmentDocument {
  _id: ObjectId;
  state: string;
  outbox: OutboxEvent[];
}

/** The businesses feature's answer, fixed: two staff members for every business. */
@Injectable()
class FixedRecipients implements NotificationRecipients {
  async forBusiness(businessId: string): Promise<string[]> {
    return [`${businessId}-staff-1`, `${businessId}-staff-2`];
  }
}

/** What src/worker.module.ts wires for the outbox, without the SQS consumer and health checks. */
@Module({})
class OutboxWorkerModule {
  static forRoot(config: AppConfig, logger: Logger): DynamicModule {
    return {
      module: OutboxWorkerModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggingModule.forRoot(logger),
        StorageModule,
        OutboxDispatchModule.forRoot({
          sources: ['assignments'],
          backoff: { baseMs: 0, maxMs: 0 },
        }),
        NotificationsModule.forRoot({
          sender: 'recording',
          recipients: { useClass: FixedRecipients },
        }),
      ],
    };
  }
}

describe('worker: assignment notifications through the outbox', () => {
  let dataDir: string;
  let logs: LogCapture;
  let worker: INestApplicationContext;
  let db: Database;
  let sent: SentMessagesRepository;

  const payload = (over: Record<string, unknown> = {}) => ({
    assignmentId: 'a1',
    shiftId: 's1',
    workerId: 'w1',
    businessId: 'b1',
    startsAt: '2026-12-01T00:00:00.000Z',
    ...over,
  });

  const assignments = () => db.collection<AssignmentDocument>('assignments');

  /** Writes like the assignments repository: the event in the same update as the change. */
  async function change(id: ObjectId, event: OutboxEvent): Promise<void> {
    await assignments().updateOne(
      { _id: id },
      { $set: { state: String(event.payload.to) }, $push: { outbox: event } },
    );
  }

  async function outboxOf(id: ObjectId): Promise<OutboxEvent[]> {
    return (await assignments().findOne({ _id: id }))?.outbox ?? [];
  }

  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'wm-worker-'));
    const config = loadConfig({
      ...AWS_LIKE_ENV,
      DATA_DIR: dataDir,
      EMBEDDED_DB_DIR: path.join(dataDir, 'db'),
      FIELD_KEYS_DIR: path.join(dataDir, 'keys'),
      OUTBOX_POLL_MS: '25',
    });
    logs = new LogCapture();
    const logger = pino(baseOptions('debug', 'worker'), logs);
    const migrationDb = await openDatabase(config.database, logger);
    await new SchemaMigrator(migrationDb, MIGRATIONS).migrate(logger);
    await migrationDb.close();
    worker = await NestFactory.createApplicationContext(
      OutboxWorkerModule.forRoot(config, logger),
      {
        logger: false,
      },
    );
    await worker.init();
    db = worker.get<Database>(DATABASE);
    sent = worker.get(SentMessagesRepository);
  });
  afterEach(async () => {
    await worker?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('starts with the application, sends each change to its recipients and empties the outbox', async () => {
    expect(worker.get(OutboxDispatcher).isRunning).toBe(true);
    const id = newId();
    const proposed = outboxEvent(
      'assignment.proposed',
      payload({ from: 'applied', to: 'proposed' }),
    );
    await db
      .collection('assignments')
      .insertOne({ _id: id, state: 'proposed', outbox: [proposed] });
    const confirmed = outboxEvent(
      'assignment.confirmed',
      payload({ from: 'proposed', to: 'confirmed' }),
    );
    await change(id, confirmed);

    await until(async () => (await sent.getMany()).length === 4);
    await until(async () => (await outboxOf(id)).length === 0);

    const messages = await sent.getMany();
    expect(messages.map((m) => [m.id, m.template, m.to.memberId])).toEqual(
      expect.arrayContaining([
        [`${proposed.id}:worker:w1`, 'assignment.proposed.worker', 'w1'],
        [`${confirmed.id}:worker:w1`, 'assignment.confirmed.worker', 'w1'],
        [`${confirmed.id}:business:b1-staff-1`, 'assignment.confirmed.business', 'b1-staff-1'],
        [`${confirmed.id}:business:b1-staff-2`, 'assignment.confirmed.business', 'b1-staff-2'],
      ]),
    );
    expect(messages.find((m) => m.template === 'assignment.proposed.worker')?.params).toMatchObject(
      {
        assignmentId: 'a1',
        shiftStartsAt: '2026-12-01 09:00',
      },
    );
    // The event leaves the outbox before its claim is dropped (outbox-dispatcher.ts): wait for both.
    await until(async () => (await db.collection('outbox_claims').countDocuments()) === 0);
  });

  it('parks an event whose payload is not an assignment event, and logs it with ids only', async () => {
    const id = newId();
    const broken = outboxEvent('assignment.cancelled', { assignmentId: 'a1' });
    await assignments().insertOne({ _id: id, state: 'cancelled', outbox: [broken] });

    // The error line is the dispatcher's last step (after parking, removing and releasing): wait
    // for it, not for the dead letter, which is there two writes earlier.
    const parkedLine = (l: Record<string, unknown>) =>
      l.level === 'error' && l.eventId === broken.id;
    await until(async () => logs.lines.some(parkedLine));

    expect(await db.collection('outbox_dead_letters').countDocuments()).toBe(1);
    expect(await outboxOf(id)).toEqual([]);
    expect(await sent.getMany()).toEqual([]);
    expect(logs.lines).toContainEqual(
      expect.objectContaining({ level: 'error', eventId: broken.id, type: 'assignment.cancelled' }),
    );
  });

  it('stops dispatching when the application closes, before the database does', async () => {
    await worker.close();

    expect(worker.get(OutboxDispatcher).isRunning).toBe(false);
    expect(logs.lines.map((l) => l.msg)).toContain('outbox dispatch stopped');
    expect(logs.lines.filter((l) => ['warn', 'error', 'fatal'].includes(String(l.level)))).toEqual(
      [],
    );
  });
});

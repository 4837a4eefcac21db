import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../platform/storage/database.js';
import { EmbeddedDatabase } from '../../platform/storage/embedded/embedded-database.js';
import type { OutgoingMessage } from './message-sender.port.js';
import { RecordingMessageSender } from './recording-message-sender.js';
import { SentMessagesRepository } from './sent-messages.repository.js';

const quiet = { debug() {}, info() {}, warn() {}, error() {} };

const message = (id: string, memberId = 'w1'): OutgoingMessage => ({
  id,
  to: { memberId },
  template: 'assignment.proposed.worker',
  params: { assignmentId: 'a1' },
});

describe(RecordingMessageSender.name, () => {
  let dir: string;
  let db: Database;
  let sentMessages: SentMessagesRepository;
  let sut: RecordingMessageSender;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'sent-messages-'));
    db = await EmbeddedDatabase.open(dir, { logger: quiet });
    sentMessages = new SentMessagesRepository(db);
    sut = new RecordingMessageSender(sentMessages);
  });
  afterEach(async () => {
    await db.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('records each message in sent_messages under its id', async () => {
    await sut.send(message('e1:worker:w1'));
    await sut.send(message('e2:worker:w2', 'w2'));

    expect(await sentMessages.getMany({ memberId: 'w1' })).toEqual([
      expect.objectContaining(message('e1:worker:w1')),
    ]);
    expect(await db.collection('sent_messages').countDocuments()).toBe(2);
  });

  it('keeps one record of a message sent again with the same id, even at once', async () => {
    await Promise.all([sut.send(message('e1:worker:w1')), sut.send(message('e1:worker:w1'))]);
    await sut.send({ ...message('e1:worker:w1'), params: { assignmentId: 'changed' } });

    const sent = await sentMessages.getMany();
    expect(sent).toHaveLength(1);
    expect(sent[0]?.params).toEqual({ assignmentId: 'a1' });
  });
});

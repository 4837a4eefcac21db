import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { strictFake } from '../../../test/support/strict-fake.js';
import type { Database } from '../../platform/storage/database.js';
import { EmbeddedDatabase } from '../../platform/storage/embedded/embedded-database.js';
import type { MessageSender, OutgoingMessage } from './message-sender.port.js';
import { OnceMessageSender } from './once-message-sender.js';
import { SentMessagesRepository } from './sent-messages.repository.js';

const quiet = { debug() {}, info() {}, warn() {}, error() {} };

const message = (id: string): OutgoingMessage => ({
  id,
  to: { memberId: 'w1' },
  template: 'assignment.proposed.worker',
  params: { assignmentId: 'a1' },
});

describe(OnceMessageSender.name, () => {
  let dir: string;
  let db: Database;
  let sentMessages: SentMessagesRepository;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'once-sender-'));
    db = await EmbeddedDatabase.open(dir, { logger: quiet });
    sentMessages = new SentMessagesRepository(db);
  });
  afterEach(async () => {
    await db.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('hands a new id to the provider and records it once accepted', async () => {
    const provider = strictFake<MessageSender>('provider');
    provider.send.mockResolvedValue(undefined);
    await new OnceMessageSender(provider, sentMessages).send(message('e1:worker:w1'));
    expect(provider.send).toHaveBeenCalledTimes(1);
    expect(await sentMessages.has('e1:worker:w1')).toBe(true);
  });

  it('drops an id the provider already accepted', async () => {
    const provider = strictFake<MessageSender>('provider');
    provider.send.mockResolvedValue(undefined);
    const sut = new OnceMessageSender(provider, sentMessages);
    await sut.send(message('e1:worker:w1'));
    await sut.send(message('e1:worker:w1'));
    expect(provider.send).toHaveBeenCalledTimes(1);
  });

  it('records nothing when the provider fails, so the redelivered event sends it', async () => {
    const provider = strictFake<MessageSender>('provider');
    provider.send.mockRejectedValueOnce(new Error('provider down'));
    const sut = new OnceMessageSender(provider, sentMessages);
    await expect(sut.send(message('e1:worker:w1'))).rejects.toThrow('provider down');
    expect(await sentMessages.has('e1:worker:w1')).toBe(false);
    provider.send.mockResolvedValue(undefined);
    await sut.send(message('e1:worker:w1'));
    expect(provider.send).toHaveBeenCalledTimes(2);
    expect(await sentMessages.has('e1:worker:w1')).toBe(true);
  });
});

import { Injectable } from '@nestjs/common';
import type { QueueEnvelope } from './queue-message.js';

export type QueueHandler = (message: QueueEnvelope) => Promise<void>;

/** Feature modules register what they consume (in `onModuleInit`); the consumer dispatches. */
@Injectable()
export class QueueHandlers {
  private readonly handlers = new Map<string, QueueHandler>();

  register(type: string, handler: QueueHandler): void {
    if (this.handlers.has(type))
      throw new Error(`A handler for queue messages of type ${type} exists already`);
    this.handlers.set(type, handler);
  }

  get(type: string): QueueHandler | undefined {
    return this.handlers.get(type);
  }

  types(): string[] {
    return [...this.handlers.keys()];
  }
}

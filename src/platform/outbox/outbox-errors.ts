/** The event can never be delivered (a payload that does not parse, say): park it, do not retry. */
export class PermanentOutboxError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PermanentOutboxError';
  }
}

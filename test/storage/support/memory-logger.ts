import type { StorageLogger } from '../../../src/platform/storage/index.js';

export interface LogEntry {
  level: 'debug' | 'info' | 'warn' | 'error';
  obj: object;
  msg: string;
}

/** A logger that keeps what it was told, so tests can assert that a warning was given. */
export function memoryLogger(): StorageLogger & {
  entries: LogEntry[];
  messages(level: LogEntry['level']): string[];
} {
  const entries: LogEntry[] = [];
  const at = (level: LogEntry['level']) => (obj: object, msg: string) =>
    void entries.push({ level, obj, msg });
  return {
    entries,
    messages: (level) => entries.filter((e) => e.level === level).map((e) => e.msg),
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
  };
}

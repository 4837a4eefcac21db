import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it, vi } from 'vitest';
import { LazyChildLogger } from './lazy-child-logger.js';

function capture(level = 'info') {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  const root = pino({ level, base: { service: 'test' } }, sink);
  const child = vi.spyOn(root, 'child');
  return { root, child, lines, flushed: () => new Promise((r) => setImmediate(r)) };
}

describe('LazyChildLogger', () => {
  it('makes no pino child for a request that writes nothing', () => {
    const { root, child } = capture();
    const log = new LazyChildLogger(root, { reqId: 'r-1' }, {});
    expect(log.isLevelEnabled('info')).toBe(true);
    expect(log.level).toBe('info');
    expect(child).not.toHaveBeenCalled();
  });

  it('makes no child for a line its level drops', () => {
    const { root, child, lines } = capture('warn');
    const log = new LazyChildLogger(root, { reqId: 'r-1' }, {});
    log.info({ a: 1 }, 'dropped');
    log.debug('dropped too');
    expect(child).not.toHaveBeenCalled();
    expect(lines).toEqual([]);
  });

  it('writes each line as the pino child would: the bindings, the object and the message', async () => {
    const { root, child, lines, flushed } = capture();
    const log = new LazyChildLogger(root, { reqId: 'r-2' }, {});
    log.info({ status: 200 }, 'first');
    log.warn('second %s', 'line');
    log.error(new Error('boom'));
    await flushed();
    expect(child).toHaveBeenCalledTimes(1);
    expect(lines.map((l) => [l.level, l.reqId, l.service, l.msg])).toEqual([
      [30, 'r-2', 'test', 'first'],
      [40, 'r-2', 'test', 'second line'],
      [50, 'r-2', 'test', 'boom'],
    ]);
    expect(lines[0]!.status).toBe(200);
    expect(log.bindings()).toEqual({ service: 'test', reqId: 'r-2' });
  });

  it('takes a level of its own from its options, and a changed level once made', () => {
    const { root } = capture('info');
    const log = new LazyChildLogger(root, { reqId: 'r-3' }, { level: 'error' });
    expect(log.isLevelEnabled('warn')).toBe(false);
    expect(log.level).toBe('error');
    log.level = 'debug';
    expect(log.isLevelEnabled('debug')).toBe(true);
    expect(root.isLevelEnabled('debug')).toBe(false);
  });

  it('gives a child of the request logger the request bindings', async () => {
    const { root, lines, flushed } = capture();
    new LazyChildLogger(root, { reqId: 'r-4' }, {}).child({ job: 'x' }).info('nested');
    await flushed();
    expect(lines[0]).toMatchObject({ reqId: 'r-4', job: 'x', msg: 'nested' });
  });
});

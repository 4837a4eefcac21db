/**
 * Preloaded (`node --import`) into every child the local stack starts: when the launcher goes,
 * however it goes (Ctrl-C, a closed terminal, SIGKILL, a crash), the child stops too instead of
 * keeping its port. The launcher spawns each child with an IPC channel; the operating system
 * closes it when the launcher's process ends, and Node reports that as `disconnect`. The child
 * then sends itself SIGTERM, so its own orderly shutdown runs (the API drains), and exits
 * regardless after a bound.
 *
 * No imports: it runs before the child's own code, in processes that are not ours (s3rver).
 */
const ORPHAN_EXIT_MS = 10_000;

if (typeof process.send === 'function') {
  // The channel must not keep a child alive that has otherwise finished.
  process.channel?.unref();
  process.once('disconnect', () => {
    setTimeout(() => process.exit(1), ORPHAN_EXIT_MS).unref();
    process.kill(process.pid, 'SIGTERM');
  });
}

export {};

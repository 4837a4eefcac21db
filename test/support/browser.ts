import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

/**
 * The system's Chromium (Debian's `chromium`, which `.ci/run` installs with apt), or the one
 * CHROMIUM_BIN names. playwright-core drives it and never downloads a browser of its own: only
 * Debian's archive and the npm registry are reachable here, and a newcomer's machine gets its
 * browser the same way.
 */
export const CHROMIUM_BIN = [process.env.CHROMIUM_BIN, '/usr/bin/chromium'].find(
  (candidate): candidate is string => candidate !== undefined && existsSync(candidate),
);

/** Headless Chromium with the flags a container needs. */
export function launchChromium(): Promise<Browser> {
  if (!CHROMIUM_BIN) throw new Error('Chromium is not installed: apt-get install chromium');
  const args = [
    // A container's /dev/shm is often 64 MB, too small for the renderer's shared memory: Chromium
    // then crashes a tab mid-test. This puts those files under /tmp instead.
    '--disable-dev-shm-usage',
  ];
  // Chromium refuses to start its sandbox as root (it would not confine anything a root process
  // could not undo), and CI containers run as root. Only then is the sandbox off: the pages are
  // our own console on loopback, never a site from elsewhere.
  if (process.getuid?.() === 0) args.push('--no-sandbox');
  return chromium.launch({ executablePath: CHROMIUM_BIN, headless: true, args });
}

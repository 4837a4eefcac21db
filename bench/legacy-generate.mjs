// legacy generate: documents per second and peak RSS writing the old app's dataset at two sizes,
// about 1M documents (170,000 users) and a tenth of it, in both formats, each run in a fresh
// process. The tenth is the baseline: the generator keeps no document once written, so what it
// holds (the heap after a full collection) stays the same at ten times the size, and peak RSS
// grows far less than tenfold (V8 sizes its heap to the allocation rate, not to what is live).
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { report, ROOT } from './lib.mjs';

const USERS = Number(process.env.BENCH_LEGACY_USERS ?? 170_000);

function generate(format, users, dir) {
  const result = spawnSync(
    process.execPath,
    [
      '--expose-gc',
      path.join(ROOT, 'bench/servers/legacy-generate-process.mjs'),
      format,
      String(users),
      dir,
    ],
    { encoding: 'utf8', maxBuffer: 1 << 20 },
  );
  if (result.status !== 0) throw new Error(`legacy generate ${format} ${users}: ${result.stderr}`);
  return JSON.parse(result.stdout.trim().split('\n').at(-1));
}

export async function run() {
  const root = await mkdtemp(path.join(os.tmpdir(), 'wm-bench-legacy-'));
  const figures = [];
  try {
    for (const format of ['export', 'ndjson']) {
      const tenth = generate(format, USERS / 10, path.join(root, `${format}-tenth`));
      await rm(path.join(root, `${format}-tenth`), { recursive: true, force: true });
      const full = generate(format, USERS, path.join(root, `${format}-full`));
      await rm(path.join(root, `${format}-full`), { recursive: true, force: true });
      const label = `${(full.documents / 1e6).toFixed(2)}M`;
      figures.push(
        {
          figure: `${format}: documents/s writing ${label} documents (${USERS} users); baseline: a tenth of the users`,
          value: full.documents / full.seconds,
          unit: 'docs/s',
          baseline: tenth.documents / tenth.seconds,
          ratio: full.documents / full.seconds / (tenth.documents / tenth.seconds),
        },
        {
          figure: `${format}: seconds to write ${label} documents`,
          value: full.seconds,
          unit: 's',
        },
        {
          figure: `${format}: peak RSS writing ${label} documents; baseline: a tenth of them (goal: far from 10)`,
          value: full.maxRssMb,
          unit: 'MiB',
          baseline: tenth.maxRssMb,
          ratio: full.maxRssMb / tenth.maxRssMb,
        },
        {
          figure: `${format}: live heap (largest after a full GC, sampled 10 times) writing ${label} documents; baseline: a tenth of them (goal: ratio near 1)`,
          value: full.liveHeapMb,
          unit: 'MiB',
          baseline: tenth.liveHeapMb,
          ratio: full.liveHeapMb / tenth.liveHeapMb,
        },
      );
    }
  } finally {
    await rm(root, { recursive: true, force: true });
  }
  report('legacy-generate', figures);
}

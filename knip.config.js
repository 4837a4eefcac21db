/*
 * Knip: nothing unused ships. Unused files, exports and dependencies fail `npm run check` and CI.
 * The entry points are every way code is started: the three processes, the local stack (and the
 * parent watch that `node --import` preloads into its children), the Lambda handler, the benches,
 * the operator console's page.
 * The vitest and eslint plugins add the spec files and the two config files; a spec of a unit
 * counts as a user of that unit's exports.
 */

/**
 * The benches import the compiled app from dist/ (`npm run bench` builds first), which does not
 * exist when knip runs; read each `dist/<path>.js` as the `src/<path>.ts` it is compiled from, so
 * what the benches use counts as used.
 */
const distToSource = (text) => text.replace(/((?:\.\.\/)+)dist\//g, '$1src/');

/** @type {import('knip').KnipConfig} */
export default {
  workspaces: {
    '.': {
      entry: [
        'src/main.ts',
        'src/worker.ts',
        'src/cli.ts',
        'src/local/stack.ts',
        'src/local/parent-watch.ts',
        'src/modules/legacy-auth/lambda.ts',
        'bench/**/*.mjs',
      ],
      project: ['src/**/*.ts', 'test/**/*.ts', 'bench/**/*.mjs', '*.{js,ts}'],
      ignoreDependencies: [
        // Spawned by path (src/local/cognito.ts resolves its package.json; bench/lib.mjs runs
        // autocannon.js), never imported.
        'cognito-local',
        'autocannon',
        // pino transports: pino loads them by the target names in src/platform/logging/logger.ts.
        'pino-pretty',
        'pino-roll',
      ],
      // bench/lib.mjs pins processes to a core with taskset where the machine has it.
      ignoreBinaries: ['taskset'],
    },
    infra: {
      // cdk.json's `app` runs it: `tsx bin/app.ts`.
      entry: ['bin/app.ts'],
      project: ['bin/**/*.ts', 'lib/**/*.ts', 'test/**/*.ts'],
      ignoreDependencies: ['tsx'],
    },
    console: {
      // Its entries, src/main.tsx (loaded by index.html) and vite.config.ts, are found by knip's
      // vite plugin; listing them is reported as redundant.
      project: ['src/**/*.{ts,tsx}', '*.ts'],
    },
  },
  compilers: { mjs: distToSource },
};

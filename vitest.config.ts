import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

// SWC compiles the tests because esbuild cannot emit decorator metadata, which Nest's
// dependency injection reads.
export default defineConfig({
  plugins: [
    swc.vite({
      module: { type: 'es6' },
      jsc: {
        target: 'es2022',
        parser: { syntax: 'typescript', decorators: true },
        transform: { legacyDecorator: true, decoratorMetadata: true },
      },
    }),
  ],
  test: {
    include: [
      'src/**/*.spec.ts',
      'test/**/*.spec.ts',
      'test/**/*.e2e-spec.ts',
      'infra/test/**/*.spec.ts',
    ],
    environment: 'node',
    pool: 'forks',
    // Every captured log line is checked against the logging policy (issue 14).
    setupFiles: ['test/support/log-policy-setup.ts'],
    testTimeout: 20_000,
    hookTimeout: 60_000,
    env: {
      AWS_EMF_ENVIRONMENT: 'Local',
    },
  },
});

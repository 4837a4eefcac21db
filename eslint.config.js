import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/*
 * Who may import whom (ARCHITECTURE.md; the README's "Layout" names each floor). Imports run down
 * the floors, never up:
 *
 *   composition root: src/*.ts (main, worker, cli, the app modules, the personal-data registry,
 *                     the API app builder), src/local (the launcher), src/modules/demo and
 *                     src/modules/firestore-migration (they write through every module's repository)
 *   → src/modules/<feature> (and src/integrations/<provider>), src/migrations
 *   → src/privacy → src/platform → src/config
 *
 * Written as regexes on the import text: every folder name below is used once under src/, so
 * a relative path naming it can only mean that folder. A test (*.spec.ts, *.e2e-spec.ts) may
 * reach any floor to build its fixtures, so the rules cover the code that ships.
 */
const TESTS = ['src/**/*.spec.ts', 'src/**/*.e2e-spec.ts'];
const ROOT_FILES = String.raw`(app|worker)\.module|main|worker|cli|create-api-app|personal-data\.registry`;
/**
 * An import of the composition root: a file beside main.ts, the launcher, the demo seed, or the
 * Firestore migration (one module that only the composition root imports, so deleting it after
 * the migration touches nothing else: docs/legacy-firestore.md).
 */
const COMPOSITION_ROOT = String.raw`^(\.\./)+((${ROOT_FILES})(\.js)?$|local/|modules/(demo|firestore-migration)(/|$))`;
const floor = (name) => String.raw`^(\.\./)+${name}(/|$)`;
const FLOOR_MESSAGE = 'Imports run down the floors (ARCHITECTURE.md, "Who may import whom")';
const restrict = (...rules) => ({
  // The typescript-eslint variant also sees `import type`, and leaves the base rule (the driver
  // restriction above) its own options.
  '@typescript-eslint/no-restricted-imports': [
    'error',
    { patterns: rules.map(([regex, why]) => ({ regex, message: `${FLOOR_MESSAGE}: ${why}` })) },
  ],
});
const upToRoot = [
  COMPOSITION_ROOT,
  'only the composition root imports the files beside main.ts, src/local and modules/demo.',
];
const upToModules = [
  floor('(modules|integrations)'),
  'a feature module sits above this floor; depend on a port or move the shape down.',
];
const upToMigrations = [floor('migrations'), 'migrations sit above this floor.'];
const upToPrivacy = [floor('privacy'), 'privacy sits above platform.'];
const upToPlatform = [floor('platform'), 'config is the lowest floor and imports nothing of ours.'];

/**
 * A module uses another module's service or port, never its repository. Depth-exact: from a
 * file k folders below src/modules/<feature>, k + 1 `../` leave the feature, so
 * `../<other>/….repository.js` is another module's and `./sub/x.repository.js` its own.
 */
const moduleDepths = [0, 1, 2, 3, 4].map((k) => ({
  files: [`src/modules/*/${'*/'.repeat(k)}*.ts`],
  ignores: [...TESTS, 'src/modules/demo/**', 'src/modules/firestore-migration/**'],
  rules: restrict(
    upToRoot,
    [
      String.raw`^(\.\./){${k + 1}}(demo|firestore-migration)(/|$)`,
      'the demo seed and the Firestore migration are composition-level: only the composition root imports them.',
    ],
    [
      String.raw`^(\.\./){${k + 1}}(\.\./modules/)?[^./][^/]*/(.+/)?[^/]+\.repository(\.js)?$`,
      "a module never imports another module's repository; use that module's service or a port.",
    ],
  ),
}));

/** The spellings of a local KST offset that the one time module (src/platform/time) replaced. */
const KST_OFFSETS = [
  'VariableDeclarator[id.name=/KST_OFFSET|KST_MS/]',
  'Literal[value=32400000]',
  "BinaryExpression[operator='*'][left.value=9][right.value=3600000]",
  "BinaryExpression[operator='*'][left.operator='*'][left.left.value=9][left.right.value=60][right.value=60]",
].map((selector) => ({
  selector,
  message: 'KST offsets belong to src/platform/time/kst.ts: use its helpers.',
}));

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      '.data/**',
      'coverage/**',
      'infra/cdk.out/**',
      'console/dist/**',
      // Generated from the OpenAPI document (test/console/api-types.spec.ts).
      'console/src/api/schema.d.ts',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    languageOptions: { globals: globals.node },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': 'off',
    },
  },
  {
    // The operator console's browser code: browser globals and the rules of hooks (with the React
    // Compiler's checks). Node's globals stay out through its tsconfig (no Node types); its
    // vite.config.ts runs in Node.
    files: ['console/src/**/*.{ts,tsx}'],
    ...reactHooks.configs.flat.recommended,
    languageOptions: { globals: globals.browser },
  },
  {
    // The driver stays behind platform/storage and repositories (STYLE.md).
    files: ['src/**/*.ts'],
    // The personal data codec is the repositories' mapping of personal fields to stored BSON.
    ignores: [
      'src/platform/storage/**',
      'src/**/*.repository.ts',
      'src/**/*.spec.ts',
      'src/privacy/personal-data/codec.ts',
      // The Firestore migration's lossless codec is the mapping of legacy values to stored BSON.
      'src/modules/firestore-migration/codec/**',
    ],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'mongodb',
              message: 'Only platform/storage and *.repository.ts touch the driver.',
            },
            {
              name: 'bson',
              message: 'Only platform/storage and *.repository.ts touch BSON types.',
            },
          ],
        },
      ],
    },
  },
  {
    // What the operator console bundles for the browser (its forms use the API's own schemas):
    // *.schemas.ts and the few plain modules they import. Nothing else may come in (no Nest, no
    // Node module, no driver), only zod and these files themselves.
    files: [
      'src/**/*.schemas.ts',
      'src/platform/auth/password-policy.ts',
      'src/platform/http/fields.ts',
      'src/platform/http/text.ts',
      'src/platform/http/limits.ts',
      'src/privacy/free-text.ts',
      'src/privacy/reveal.ts',
      'src/platform/masking/detect.ts',
      'src/platform/auth/roles.ts',
    ],
    ignores: TESTS,
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: String.raw`^(?!zod$)(?!.*(\.schemas|/password-policy|/fields|/text|/limits|/free-text|/reveal|/detect|/roles)\.js$)`,
              message:
                'The console bundles this file for the browser: import only zod and the plain modules listed in eslint.config.js.',
            },
          ],
        },
      ],
    },
  },
  {
    // One time module (STYLE.md): KST arithmetic lives in src/platform/time, never in a local
    // offset. These catch the spellings the copies it replaced used.
    files: ['src/**/*.ts', 'test/**/*.ts'],
    ignores: ['src/platform/time/**'],
    rules: { 'no-restricted-syntax': ['error', ...KST_OFFSETS] },
  },
  {
    // The direction rules read import declarations; a relative import() would slip past them, and
    // the code that ships needs none (require() is refused by no-require-imports). This block
    // restates the KST selectors: a later block's options replace an earlier one's.
    files: ['src/**/*.ts'],
    ignores: ['src/platform/time/**', ...TESTS],
    rules: {
      'no-restricted-syntax': [
        'error',
        ...KST_OFFSETS,
        {
          selector: "ImportExpression[source.type='Literal'][source.value=/^[.]/]",
          message: `${FLOOR_MESSAGE}: import our own code with a static import, which the rules check.`,
        },
      ],
    },
  },
  {
    files: ['src/config/**/*.ts'],
    ignores: TESTS,
    rules: restrict(upToRoot, upToModules, upToMigrations, upToPrivacy, upToPlatform),
  },
  {
    files: ['src/platform/**/*.ts'],
    ignores: TESTS,
    rules: restrict(upToRoot, upToModules, upToMigrations, upToPrivacy),
  },
  {
    files: ['src/privacy/**/*.ts', 'src/migrations/**/*.ts'],
    ignores: TESTS,
    rules: restrict(upToRoot, upToModules, upToMigrations),
  },
  ...moduleDepths,
  {
    // An integration implements a port a module declares and imports nothing else of a module.
    files: ['src/integrations/**/*.ts'],
    ignores: TESTS,
    rules: restrict(upToRoot, [
      String.raw`^(\.\./)+modules/(?!.*\.port(\.js)?$)`,
      'an integration imports only the *.port.ts it implements from a module.',
    ]),
  },
);

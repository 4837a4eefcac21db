import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.data/**', 'coverage/**', 'infra/cdk.out/**'] },
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
    // The driver stays behind platform/storage and repositories (STYLE.md).
    files: ['src/**/*.ts'],
    // The personal data codec is the repositories' mapping of personal fields to stored BSON.
    ignores: [
      'src/platform/storage/**',
      'src/**/*.repository.ts',
      'src/**/*.spec.ts',
      'src/privacy/personal-data/codec.ts',
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
    // One time module (STYLE.md): KST arithmetic lives in src/platform/time, never in a local
    // offset. These catch the spellings the copies it replaced used.
    files: ['src/**/*.ts', 'test/**/*.ts'],
    ignores: ['src/platform/time/**'],
    rules: {
      'no-restricted-syntax': [
        'error',
        ...[
          'VariableDeclarator[id.name=/KST_OFFSET|KST_MS/]',
          'Literal[value=32400000]',
          "BinaryExpression[operator='*'][left.value=9][right.value=3600000]",
          "BinaryExpression[operator='*'][left.operator='*'][left.left.value=9][left.right.value=60][right.value=60]",
        ].map((selector) => ({
          selector,
          message: 'KST offsets belong to src/platform/time/kst.ts: use its helpers.',
        })),
      ],
    },
  },
);

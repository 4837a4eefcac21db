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
);

// Lint: typed rules everywhere, and the workflow sandbox's boundary in workflows/.
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((name) => `node:${name}`)];

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', '.data/', '.venv/', 'coverage/', 'test/artifacts/', '**/*.mjs', '**/*.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Workflow code runs in Temporal's deterministic sandbox: no I/O, no Node APIs.
    files: ['workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': 'off',
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            ...nodeBuiltins.map((name) => ({ name, message: 'Node builtins are not available in workflow code.' })),
            ...['pg', 'kysely', 'express', '@temporalio/client', '@temporalio/worker', '@temporalio/activity'].map((name) => ({
              name,
              message: 'Workflows do I/O only through activities.',
              allowTypeImports: true,
            })),
          ],
          patterns: [
            {
              group: [
                '../db/*',
                '../db',
                '../api/*',
                '../api',
                '../worker/*',
                '../temporal-config/*',
                '!../temporal-config/search-attributes',
              ],
              allowTypeImports: true,
              message: 'Workflows import only pure modules (domain/) and types.',
            },
            { group: ['pg/*', 'kysely/*', 'express/*'], message: 'Workflows do I/O only through activities.' },
          ],
        },
      ],
    },
  },
);

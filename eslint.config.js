// @ts-check
const tseslint = require('typescript-eslint');

module.exports = tseslint.config(
  { ignores: ['test/summary-reporter.js', 'lib/**', 'dist/**', 'out/**', 'node_modules/**', 'coverage/**', 'bin/**', '*.config.js'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-eval': 'error',
      'no-new-func': 'error',
    },
  },
  {
    // Plain CommonJS launchers and config.
    files: ['**/*.js'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // The engine is pure: no host I/O, no Office, no UI, no file system, no workbook library.
    files: ['src/engine/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ['fs', 'node:fs', 'fs/promises', 'node:fs/promises', 'path', 'node:path', 'exceljs', 'react', 'react-dom', 'fflate', 'child_process', 'node:child_process'],
          patterns: ['@fluentui/*', 'office-js', '../xlsx/*', '../cli/*', '../office/*', '../taskpane/*'],
        },
      ],
      'no-restricted-globals': ['error', 'Office', 'Excel', 'OfficeExtension', 'window', 'document'],
    },
  },
);

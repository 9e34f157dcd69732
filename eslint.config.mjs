// The project lints itself: typescript-eslint (type-checked), eslint-plugin-eslint-plugin for the rule
// sources, and our own recommended config (the plugin's rules run on our own code too).
import js from '@eslint/js';
import eslintPlugin from 'eslint-plugin-eslint-plugin';
import tseslint from 'typescript-eslint';

import sequelizePool from './dist/index.js';

export default tseslint.config(
  { ignores: ['dist/', 'coverage/', 'examples/', 'test/fixtures/', 'test/**/__testfixtures__/', 'test/codemods/corpus/', 'node_modules/'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: { allowDefaultProject: ['*.mjs', '*.js', 'scripts/*.mjs', 'test/codemods/differential/*.cjs'] }, tsconfigRootDir: import.meta.dirname },
    },
  },
  {
    files: ['rules/**/*.ts'],
    ...eslintPlugin.configs.recommended,
  },
  sequelizePool.configs.recommended,
  {
    files: ['**/*.mjs', '**/*.js', '**/*.cjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    // The differential test's child process: plain Node CommonJS.
    files: ['**/*.cjs'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { module: 'writable', require: 'readonly', __dirname: 'readonly', __filename: 'readonly', console: 'readonly', process: 'readonly', setTimeout: 'readonly', Buffer: 'readonly' },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['**/*.js'],
    languageOptions: { sourceType: 'commonjs', globals: { module: 'writable', require: 'readonly', __dirname: 'readonly' } },
  },
  {
    files: ['**/*.mjs', 'scripts/**'],
    languageOptions: { globals: { console: 'readonly', process: 'readonly' } },
  },
);

// ESLint: rules that catch bugs, type-aware for the TypeScript code. No stylistic rules: Prettier owns
// the layout (.prettierrc). `npm run lint` runs both; `npm run format` rewrites the layout.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

export default defineConfig(
  // Git-ignored build output and test scratch (eslint does not read .gitignore).
  { ignores: ['node_modules/', 'dist/', 'out/', 'coverage/', '.cache/', 'tests/.tmp/'] },
  {
    files: ['**/*.ts', '**/*.js'],
    extends: [js.configs.recommended],
    languageOptions: { ecmaVersion: 2022, sourceType: 'module', globals: { process: 'readonly', URL: 'readonly' } },
    rules: {
      // `x == null` is the code's deliberate idiom for "null or undefined"; every other comparison is strict.
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      // Off from eslint's recommended set: these flag style or dead stores (`let n = 0` overwritten), not bugs.
      'no-useless-escape': 'off',
      'no-regex-spaces': 'off',
      'no-useless-assignment': 'off',
    },
  },
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.eslintRecommended],
    languageOptions: {
      parser: tseslint.parser,
      // tsconfig.eslint.json: the build's tsconfig plus tests/, scripts/ and bench/
      parserOptions: { project: './tsconfig.eslint.json', tsconfigRootDir: import.meta.dirname },
    },
    plugins: { '@typescript-eslint': tseslint.plugin },
    rules: {
      // Turned on by typescript-eslint's eslint-recommended overrides, but style, not bugs.
      'prefer-const': 'off',
      'prefer-rest-params': 'off',
      'prefer-spread': 'off',
      // A promise nobody awaits loses its rejection; `void p` marks a deliberate fire-and-forget.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      'no-unused-vars': 'off',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      '@typescript-eslint/consistent-type-imports': [
        'error',
        { prefer: 'type-imports', fixStyle: 'inline-type-imports' },
      ],
    },
  },
  {
    files: ['**/*.js'],
    rules: { 'no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }] },
  },
);

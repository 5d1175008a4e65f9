import js from '@eslint/js'
import reactHooks from 'eslint-plugin-react-hooks'
import globals from 'globals'
import tseslint from 'typescript-eslint'

export default tseslint.config(
  { ignores: ['out/**', 'node_modules/**', 'dist/**', '.data/**', '.electron-native/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.{ts,tsx}'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      // Models, checkpoints and annotation files are data: nothing read from disk or the wire is ever run as code (SECURITY.md).
      'no-eval': 'error',
      'no-implied-eval': 'error',
      'no-new-func': 'error',
    },
  },
  {
    files: ['bin/**/*.cjs', 'scripts/**/*.{mjs,cjs}', 'test/**/*.mjs', 'bench/**/*.mjs'],
    languageOptions: { globals: { ...globals.node } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['src/renderer/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/main/**', '**/preload/**', 'node:*', 'electron'], message: 'The renderer talks only to the typed client.' }] },
      ],
    },
  },
  {
    // The shared layer is the contract: no Node, no DOM, no Electron.
    files: ['src/shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['node:*', 'electron', '**/main/**', '**/renderer/**', '**/preload/**'], message: 'src/shared must stay free of Node, DOM and Electron.' }] },
      ],
    },
  },
  {
    // The engine is pure Node: it must run in the CLI, in workers and on a headless GPU box.
    files: ['src/main/engine/**/*.ts', 'src/main/services/**/*.ts', 'src/main/datasets/**/*.ts', 'src/main/store/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['electron', '**/transports/**', '**/electron/**'], message: 'Engine, services and store never import a transport or electron.' }] },
      ],
    },
  },
)

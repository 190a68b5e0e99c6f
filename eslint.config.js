// Lint rules for the whole workspace; module boundaries keep dependencies flowing apps → libs.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import nx from '@nx/eslint-plugin';

// No deep imports: a lib is used through its public surface (src/index.ts) or its ./testing entry.
const deepImport = {
  regex: '^@mcp/[^/]+/(?!testing$).+',
  message: 'Import a lib through its public surface (its index, or ./testing in tests), never a file inside it.',
};
// Dependencies flow apps → libs, never back. The nx rule only sees imports it can resolve, and an app
// exposes no module to resolve, so libs name the apps as forbidden outright.
const appImport = {
  regex: '^@mcp/mcp(-agent|-master)?(/.*)?$|(^|/)apps/',
  message: 'Libs never import apps: move what both need into a lib.',
};

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '**/src/gen/**', '.nx/**', 'tools/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    plugins: { '@nx': nx },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-imports': ['error', { patterns: [deepImport] }],
      'no-restricted-syntax': [
        'error',
        { selector: 'ExportDefaultDeclaration', message: 'Use named exports (house style).' },
        { selector: 'TSEnumDeclaration', message: 'Use a literal union instead of an enum.' },
      ],
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:lib'] },
            { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:lib'] },
            { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: ['type:lib', 'type:app'] },
            { sourceTag: 'scope:proto', onlyDependOnLibsWithTags: [] },
            { sourceTag: 'scope:placement', onlyDependOnLibsWithTags: [] },
            { sourceTag: 'scope:runtime', onlyDependOnLibsWithTags: ['scope:testing'] },
          ],
        },
      ],
    },
  },
  {
    files: ['libs/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [deepImport, appImport] }] },
  },
  {
    files: ['**/*.test.ts', 'e2e/**/*.ts', '**/vitest.config.ts'],
    rules: { 'no-restricted-syntax': 'off' },
  },
);

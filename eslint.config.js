// Lint rules: typescript-eslint's recommended set. Biome was dropped because its
// per-platform binaries are not all on this machine's npm registry, which breaks `npm ci`.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'cdk.out/', '.cirrus/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  { languageOptions: { globals: globals.node } },
  // The web console's browser code (plain ES modules bundled by esbuild).
  { files: ['console/src/**/*.js'], languageOptions: { globals: globals.browser } },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
      // esbuild keeps every export of a namespace re-exported as a named binding: `{ z }` puts
      // zod's 64 locales and JSON Schema code into each Lambda bundle; `* as z` is shaken.
      'no-restricted-syntax': [
        'error',
        {
          selector:
            "ImportDeclaration[source.value='zod'][importKind!='type'] > :matches(ImportSpecifier[imported.name='z'][importKind!='type'], ImportDefaultSpecifier)",
          message: "import * as z from 'zod' (the named z keeps all of zod in every bundle)",
        },
      ],
    },
  },
);

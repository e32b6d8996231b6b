// ESLint flat config: typescript-eslint's type-aware recommended rules over all project code, and the
// boundaries between layers (no-restricted-imports per folder), so a dependency in the wrong direction
// fails the test command instead of growing quietly. Shape is Prettier's (npm run format).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** An import of one of these folders from a sibling or deeper (`../web/x`, `../../admin/x`). */
const folders = (...names) => `^(\\.\\./)+(${names.join('|')})(/|$)`;
/**
 * An import of a sibling folder inside web/ (`../admin/x` from `web/api/`): one level up only, so that
 * web/rails (the callback routes) is told apart from the top-level rails/ (`../../rails/x`). Web's
 * folders are flat.
 */
const webFolders = (...names) => `^\\.\\./(${names.join('|')})(/|$)`;

/** no-restricted-imports with these regex patterns; type-only imports pass where `types` says so. */
const restrict = (patterns) => ({
  'no-restricted-imports': [
    'error',
    { patterns: patterns.map(([regex, message, types = false]) => ({ regex, message, allowTypeImports: types })) },
  ],
});

export default tseslint.config(
  { ignores: ['node_modules/', 'generated/', '.data/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
    },
  },
  // The domain is rules and values: it imports nothing of ours outside itself.
  { files: ['domain/**/*.ts'], rules: restrict([['^\\.\\./', 'domain/ imports nothing of ours outside domain/.']]) },
  // Workflow code runs in Temporal's deterministic sandbox: @temporalio/workflow, its own files, and types.
  {
    files: ['workflows/**/*.ts'],
    rules: restrict([
      [
        '^(?!@temporalio/|\\./)',
        'workflows/ import only @temporalio/*, their own files and types (activities through proxyActivities, import type).',
        true,
      ],
    ]),
  },
  // Activities are called by workflows; they know nothing of the web edge or of the queue workers.
  {
    files: ['activities/**/*.ts'],
    rules: restrict([[folders('web', 'workers', 'workflows'), 'activities/ import nothing from web/, workers/ or workflows/.']]),
  },
  {
    files: ['lib/**/*.ts'],
    rules: restrict([[folders('web', 'workers', 'activities', 'workflows', 'simulators', 'rails'), 'lib/ is shared plumbing.']]),
  },
  {
    // A rail is the outside world as Amparo speaks to it: its client and codecs, on lib/ and domain/ only.
    files: ['rails/**/*.ts'],
    rules: restrict([[folders('web', 'workers', 'activities', 'workflows', 'simulators'), 'rails/ import lib/ and domain/ only.']]),
  },
  {
    files: ['simulators/**/*.ts'],
    rules: restrict([[folders('web', 'workers', 'activities', 'workflows'), 'simulators/ are the outside world: they share lib/ only.']]),
  },
  // The web layer by audience: services know no HTTP; no audience reaches into another.
  {
    files: ['web/services/**/*.ts'],
    rules: restrict([
      ['^fastify$|^@fastify/', 'web/services/ know no HTTP: return results or throw a Refusal.'],
      [webFolders('http', 'api', 'admin', 'applicant', 'rails'), 'web/services/ know no HTTP and no audience.'],
    ]),
  },
  {
    files: ['web/http/**/*.ts'],
    ignores: ['web/http/server.ts'],
    rules: restrict([[webFolders('api', 'admin', 'applicant', 'rails'), 'web/http/ serves every audience and depends on none.']]),
  },
  {
    files: ['web/api/**/*.ts'],
    rules: restrict([[webFolders('admin', 'applicant', 'rails'), 'web/api/ depends on http/ and services/ only.']]),
  },
  {
    files: ['web/admin/**/*.ts'],
    rules: restrict([[webFolders('api', 'applicant', 'rails'), 'web/admin/ depends on http/ and services/ only.']]),
  },
  {
    files: ['web/applicant/**/*.ts'],
    rules: restrict([[webFolders('api', 'admin', 'rails'), 'web/applicant/ depends on http/ and services/ only.']]),
  },
  {
    files: ['web/rails/**/*.ts'],
    rules: restrict([[webFolders('api', 'admin', 'applicant'), 'web/rails/ depends on http/ and services/ only.']]),
  },
  {
    files: ['eslint.config.js'],
    extends: [tseslint.configs.disableTypeChecked],
  },
);

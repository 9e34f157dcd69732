import type { TSESLint } from '@typescript-eslint/utils';

import { readPackageInfo } from './lib/package-info';
import rules from './rules';

const { name, version } = readPackageInfo();

type RuleName = keyof typeof rules;
type RuleLevels = Record<`sequelize-pool/${RuleName}`, 'error'>;

/** Rules whose docs mark them recommended, derived rather than listed by hand. */
const recommendedRules = Object.fromEntries(
  Object.entries(rules)
    .filter(([, rule]) => rule.meta.docs?.recommended === true)
    .map(([ruleName]) => [`sequelize-pool/${ruleName}`, 'error']),
) as RuleLevels;

interface Plugin {
  meta: { name: string; version: string };
  rules: typeof rules;
  configs: {
    /** Flat config (ESLint 9, 10, and 8.57 with eslint.config.js). */
    recommended: TSESLint.FlatConfig.Config;
    /**
     * `recommended` with type information (typescript-eslint's project service): the transaction rules then know
     * Sequelize instances, transactions and models by their types, whatever they are called. Use it after
     * typescript-eslint's parser is configured for the files it covers.
     */
    'recommended-type-checked': TSESLint.FlatConfig.Config;
    /**
     * eslintrc (ESLint 8.57 with .eslintrc.*): `extends: ['plugin:sequelize-pool/legacy-recommended']`. Parses
     * what flat config parses by default: modern syntax, Node globals, ES modules (`.cjs` as CommonJS), and
     * TypeScript files with typescript-eslint's parser.
     */
    'legacy-recommended': TSESLint.ClassicConfig.Config;
    /** `legacy-recommended` with type information for TypeScript files (typescript-eslint's project service). */
    'legacy-recommended-type-checked': TSESLint.ClassicConfig.Config;
  };
}

const plugin: Plugin = {
  meta: { name, version },
  rules,
  configs: {
    get recommended(): TSESLint.FlatConfig.Config {
      return {
        name: 'sequelize-pool/recommended',
        plugins: { 'sequelize-pool': plugin as unknown as TSESLint.FlatConfig.Plugin },
        rules: recommendedRules,
      };
    },
    get 'recommended-type-checked'(): TSESLint.FlatConfig.Config {
      return {
        name: 'sequelize-pool/recommended-type-checked',
        plugins: { 'sequelize-pool': plugin as unknown as TSESLint.FlatConfig.Plugin },
        languageOptions: { parserOptions: { projectService: true } },
        rules: recommendedRules,
      };
    },
    'legacy-recommended': legacyConfig(false),
    'legacy-recommended-type-checked': legacyConfig(true),
  },
};

/**
 * The eslintrc configs. eslintrc's own defaults parse ES5 scripts with no globals, so a config that only turned
 * rules on would fail on the first `const` of a real app ("The keyword 'const' is reserved"): these parse what flat
 * config parses by default. typescript-eslint's parser is named only for TypeScript files, so JavaScript-only projects
 * need not install it.
 */
function legacyConfig(typeChecked: boolean): TSESLint.ClassicConfig.Config {
  return {
    plugins: ['sequelize-pool'],
    env: { node: true, es2022: true },
    parserOptions: { ecmaVersion: 'latest', sourceType: 'module' },
    overrides: [
      { files: ['*.cjs'], parserOptions: { sourceType: 'script' } },
      {
        files: ['*.ts', '*.tsx', '*.mts', '*.cts'],
        parser: '@typescript-eslint/parser',
        parserOptions: typeChecked ? { sourceType: 'module', projectService: true } : { sourceType: 'module' },
      },
    ],
    rules: recommendedRules,
  };
}

export = plugin;

// Node's ESM loader finds a CommonJS module's named exports by scanning its source (cjs-module-lexer), and
// `module.exports = plugin` names none, while TypeScript, reading `export =`, accepts
// `import { configs } from 'eslint-plugin-sequelize-pool'`. This assignment never runs (esbuild emits the same for the
// same reason); it only names the exports so that such an import works at run time too. Its values must be plain
// identifiers for the lexer to see them, hence the local bindings.
const { meta, rules: pluginRules, configs } = plugin;
// eslint-disable-next-line @typescript-eslint/no-unused-expressions, no-constant-binary-expression -- an annotation for Node's lexer, never evaluated
0 && (module.exports = { meta, rules: pluginRules, configs });

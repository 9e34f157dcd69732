/**
 * Every config, run through real ESLint 8.57 (flat and eslintrc), 9 and 10 instances on fixture projects,
 * with the plugin loaded the way users load it: the built package, by name, through its `exports`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { ESLint, type Linter } from 'eslint';
import { ESLint as ESLintV9 } from 'eslint-v9';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import sourcePlugin from '../index';

type Plugin = typeof import('../index');

/** The little of ESLint 8's API these tests use: `eslint-v8` ships no types. */
interface LintResult {
  filePath: string;
  messages: { ruleId: string | null; severity: number; line: number; column: number; message: string }[];
}
interface ESLintV8Instance {
  lintFiles(patterns: string | string[]): Promise<LintResult[]>;
}
interface ESLintV8Class {
  new (options: Record<string, unknown>): ESLintV8Instance;
  readonly version: string;
}

const REPO_ROOT = path.resolve(__dirname, '..');
const DIST_ENTRY = path.join(REPO_ROOT, 'dist', 'index.js');
const APP_DIR = path.join(__dirname, 'fixtures', 'configs', 'app');
const BUDGET_DIR = path.join(__dirname, 'fixtures', 'configs', 'budget');

// Node's own require, not Vite's resolver: `require('eslint-plugin-sequelize-pool')` from inside this package
// resolves through package.json `exports` (self-reference), exactly the lookup a user's config performs.
const nodeRequire = createRequire(__filename);
const { ESLint: LegacyESLintV8 } = nodeRequire('eslint-v8') as { ESLint: ESLintV8Class };
const { FlatESLint: FlatESLintV8 } = nodeRequire('eslint-v8/use-at-your-own-risk') as { FlatESLint: ESLintV8Class };

const LIFECYCLE = 'sequelize-pool/require-lifecycle-options';
const BUDGET = 'sequelize-pool/max-connections-budget';
const SINGLE = 'sequelize-pool/single-instance';
/** Every rule of the plugin is recommended, at error. */
const RECOMMENDED_RULES = Object.fromEntries(Object.keys(sourcePlugin.rules).map((rule) => [`sequelize-pool/${rule}`, 'error']));
const ERROR = 2;

interface Reported {
  ruleId: string | null;
  severity: number;
  line: number;
  column: number;
}

const APP_FILES = ['db.js', 'db.mjs', 'db.ts', 'correct.js', 'correct.ts'];

/** What the recommended config reports in `fixtures/configs/app`, whichever ESLint and config style runs it. */
const APP_REPORTS: Record<string, Reported[]> = {
  // CommonJS, the incident's shape: `pool: { max: 100 }` and nothing else.
  'db.js': [
    { ruleId: LIFECYCLE, severity: ERROR, line: 6, column: 3 },
    { ruleId: BUDGET, severity: ERROR, line: 6, column: 11 },
  ],
  // ES module: a full lifecycle with an oversized max, then a second instance with no options at all.
  'db.mjs': [
    { ruleId: BUDGET, severity: ERROR, line: 5, column: 11 },
    { ruleId: LIFECYCLE, severity: ERROR, line: 8, column: 26 },
    { ruleId: SINGLE, severity: ERROR, line: 8, column: 26 },
  ],
  // TypeScript, options through a `satisfies Options` const: missing keys, max over budget, `idle: 0`.
  'db.ts': [
    { ruleId: LIFECYCLE, severity: ERROR, line: 5, column: 3 },
    { ruleId: BUDGET, severity: ERROR, line: 5, column: 11 },
    { ruleId: LIFECYCLE, severity: ERROR, line: 5, column: 21 },
  ],
  'correct.js': [],
  'correct.ts': [],
};

/** Reports keyed by file name, in ESLint's order (line, then column). */
function reportsByFile(results: readonly LintResult[]): Record<string, Reported[]> {
  return Object.fromEntries(
    results.map((result) => [
      path.basename(result.filePath),
      result.messages.map(({ ruleId, severity, line, column }) => ({ ruleId, severity, line, column })),
    ]),
  );
}

/** The one message `ruleId` reported in `results`, failing when there is not exactly one. */
function onlyMessage(results: readonly LintResult[], ruleId: string): string {
  const messages = results.flatMap((result) => result.messages.filter((message) => message.ruleId === ruleId));
  expect(messages).toHaveLength(1);
  return messages[0]?.message ?? '';
}

/** The budget fixture with `processes: 7` reports `db.js` (max 100) and accepts `right-sized.js` (max 13). */
function expectSevenProcessBudget(results: readonly LintResult[]): void {
  expect(reportsByFile(results)).toEqual({
    'db.js': [{ ruleId: BUDGET, severity: ERROR, line: 5, column: 11 }],
    'right-sized.js': [],
  });
  const message = onlyMessage(results, BUDGET);
  expect(message).toContain('7 processes × max 100 = 700 connections');
  // max 13 (91 of 97) fits and is not reported; the suggestion keeps the headroom every tool keeps.
  expect(message).toContain('PostgreSQL allows 97 (100 − 3 reserved); max 12 fits, keeping 10 connections');
}

/** eslintrc for the app fixture, as `.eslintrc.json` there has it, for runs with `useEslintrc: false`. */
const LEGACY_APP_CONFIG = {
  extends: ['plugin:sequelize-pool/legacy-recommended'],
  env: { node: true, es2022: true },
  parserOptions: { ecmaVersion: 2022, sourceType: 'script' },
  overrides: [
    { files: ['*.mjs'], parserOptions: { sourceType: 'module' } },
    { files: ['*.ts'], parser: '@typescript-eslint/parser', parserOptions: { sourceType: 'module' } },
  ],
};

let plugin: Plugin;

beforeAll(() => {
  if (!existsSync(DIST_ENTRY)) {
    throw new Error(
      `${path.relative(REPO_ROOT, DIST_ENTRY)} is missing: run \`npm run build\` first. These tests load the built ` +
        'package by name, as users do, not the TypeScript sources.',
    );
  }
  plugin = nodeRequire('eslint-plugin-sequelize-pool') as Plugin;
});

describe('loading the package', () => {
  it('resolves by name through package.json exports to the built entry', () => {
    expect(nodeRequire.resolve('eslint-plugin-sequelize-pool')).toBe(DIST_ENTRY);
    expect(Object.keys(plugin.configs).sort()).toEqual([
      'legacy-recommended',
      'legacy-recommended-type-checked',
      'recommended',
      'recommended-type-checked',
    ]);
  });

  it('names the flat config and points its plugin entry back at the plugin', () => {
    const { recommended } = plugin.configs;
    expect(recommended.name).toBe('sequelize-pool/recommended');
    expect(recommended.plugins?.['sequelize-pool']).toBe(plugin);
    expect(recommended.rules).toEqual(RECOMMENDED_RULES);
    expect(Object.keys(RECOMMENDED_RULES)).toEqual(expect.arrayContaining([BUDGET, LIFECYCLE, SINGLE]));
  });

  it('lists the plugin by name in the eslintrc configs, with what they need to parse modern code', () => {
    const tsOverride = { files: ['*.ts', '*.tsx', '*.mts', '*.cts'], parser: '@typescript-eslint/parser' };
    const legacy = {
      plugins: ['sequelize-pool'],
      env: { node: true, es2022: true },
      parserOptions: { ecmaVersion: 'latest', sourceType: 'module' },
      rules: RECOMMENDED_RULES,
    };
    expect(plugin.configs['legacy-recommended']).toEqual({
      ...legacy,
      overrides: [
        { files: ['*.cjs'], parserOptions: { sourceType: 'script' } },
        { ...tsOverride, parserOptions: { sourceType: 'module' } },
      ],
    });
    expect(plugin.configs['legacy-recommended-type-checked']).toEqual({
      ...legacy,
      overrides: [
        { files: ['*.cjs'], parserOptions: { sourceType: 'script' } },
        { ...tsOverride, parserOptions: { sourceType: 'module', projectService: true } },
      ],
    });
  });
});

describe('ESLint 10, flat config', () => {
  it('is the ESLint under test', () => {
    expect(ESLint.version).toMatch(/^10\./);
  });

  it('reports through a real eslint.config.js on CommonJS, ES module and TypeScript files', async () => {
    const eslint = new ESLint({ cwd: APP_DIR });
    expect(reportsByFile(await eslint.lintFiles(APP_FILES))).toEqual(APP_REPORTS);
  });

  it('turns both rules on at error, with the rules\' meta.defaultOptions, in the resolved config', async () => {
    const eslint = new ESLint({ cwd: APP_DIR });
    const config = (await eslint.calculateConfigForFile('db.js')) as Linter.Config;
    expect(config.rules?.[BUDGET]).toEqual([
      ERROR,
      // "auto": the deployment model (package.json "sequelizePool", process files), else 1 process and the dialect's defaults.
      { processes: 'auto', maxConnections: 'auto', reservedConnections: 'auto', otherConnections: 'auto', headroom: 'auto', pgbouncer: 'auto' },
    ]);
    expect(config.rules?.[LIFECYCLE]).toEqual([
      ERROR,
      {
        required: ['max', 'min', 'idle', 'acquire', 'evict'],
        defaults: { max: 10, min: 2, idle: 10000, acquire: 30000, evict: 10000 },
        reportUnresolved: false,
      },
    ]);
  });

  it('reports the same with configs.recommended passed programmatically and no config file', async () => {
    const tsParser = nodeRequire('@typescript-eslint/parser') as Linter.Parser;
    const eslint = new ESLint({
      cwd: APP_DIR,
      overrideConfigFile: true,
      overrideConfig: [
        { files: ['**/*.js'], languageOptions: { sourceType: 'commonjs' } },
        { files: ['**/*.ts'], languageOptions: { parser: tsParser } },
        plugin.configs.recommended as Linter.Config,
      ],
    });
    expect(reportsByFile(await eslint.lintFiles(APP_FILES))).toEqual(APP_REPORTS);
  });

  it('passes rule options from the config: 7 processes', async () => {
    const eslint = new ESLint({ cwd: BUDGET_DIR });
    expectSevenProcessBudget(await eslint.lintFiles(['db.js', 'right-sized.js']));
  });
});

describe('ESLint 9, flat config', () => {
  it('is the ESLint under test', () => {
    expect(ESLintV9.version).toMatch(/^9\./);
  });

  it('reports through a real eslint.config.js on CommonJS, ES module and TypeScript files', async () => {
    const eslint = new ESLintV9({ cwd: APP_DIR });
    expect(reportsByFile(await eslint.lintFiles(APP_FILES))).toEqual(APP_REPORTS);
  });

  it('passes rule options from the config: 7 processes', async () => {
    const eslint = new ESLintV9({ cwd: BUDGET_DIR });
    expectSevenProcessBudget(await eslint.lintFiles(['db.js', 'right-sized.js']));
  });
});

describe('ESLint 8.57, flat config (FlatESLint)', () => {
  it('is the ESLint under test', () => {
    expect(FlatESLintV8.version).toMatch(/^8\.57\./);
  });

  it('reports through a real eslint.config.js on CommonJS, ES module and TypeScript files', async () => {
    const eslint = new FlatESLintV8({ cwd: APP_DIR });
    expect(reportsByFile(await eslint.lintFiles(APP_FILES))).toEqual(APP_REPORTS);
  });

  it('passes rule options from the config: 7 processes', async () => {
    // ESLint 8 does not apply `meta.defaultOptions` itself: this proves the rule fills in the options left out.
    const eslint = new FlatESLintV8({ cwd: BUDGET_DIR });
    expectSevenProcessBudget(await eslint.lintFiles(['db.js', 'right-sized.js']));
  });
});

describe('ESLint 8.57, eslintrc', () => {
  it('is the ESLint under test', () => {
    expect(LegacyESLintV8.version).toMatch(/^8\.57\./);
  });

  it('extends plugin:sequelize-pool/legacy-recommended with the plugin passed to the constructor', async () => {
    const eslint = new LegacyESLintV8({
      cwd: APP_DIR,
      useEslintrc: false,
      plugins: { 'sequelize-pool': plugin },
      overrideConfig: LEGACY_APP_CONFIG,
    });
    expect(reportsByFile(await eslint.lintFiles(APP_FILES))).toEqual(APP_REPORTS);
  });

  it('needs nothing but `extends`: modern syntax, ES modules, CommonJS .cjs and TypeScript parse as written', async () => {
    // The README's eslintrc snippet, without the budget: no env, parserOptions or parser of the user's own.
    const eslint = new LegacyESLintV8({
      cwd: APP_DIR,
      useEslintrc: false,
      resolvePluginsRelativeTo: REPO_ROOT,
      overrideConfig: { root: true, extends: ['plugin:sequelize-pool/legacy-recommended'] },
    });
    expect(reportsByFile(await eslint.lintFiles(APP_FILES))).toEqual(APP_REPORTS);
  });

  it('reads a real .eslintrc.json and resolves the plugin by its package name', async () => {
    // No `plugins` option: eslintrc requires `eslint-plugin-sequelize-pool` relative to cwd, as for a user.
    const eslint = new LegacyESLintV8({ cwd: APP_DIR });
    expect(reportsByFile(await eslint.lintFiles(APP_FILES))).toEqual(APP_REPORTS);
  });

  it('resolves the plugin by name relative to the repository root (resolvePluginsRelativeTo)', async () => {
    // From the repository root, `eslint-plugin-sequelize-pool` resolves to this package itself through the
    // package.json `exports` self-reference, so no node_modules entry is needed.
    const eslint = new LegacyESLintV8({
      cwd: APP_DIR,
      useEslintrc: false,
      resolvePluginsRelativeTo: REPO_ROOT,
      overrideConfig: LEGACY_APP_CONFIG,
    });
    expect(reportsByFile(await eslint.lintFiles(APP_FILES))).toEqual(APP_REPORTS);
  });

  describe('installed in a project’s node_modules', () => {
    let projectDir = '';

    beforeAll(() => {
      // A project outside this repository, with the package linked where npm would install it: the self-reference
      // above cannot apply here, so this proves the ordinary node_modules lookup. Never touches the repo's node_modules.
      projectDir = mkdtempSync(path.join(tmpdir(), 'sequelize-pool-eslintrc-'));
      mkdirSync(path.join(projectDir, 'node_modules'));
      symlinkSync(REPO_ROOT, path.join(projectDir, 'node_modules', 'eslint-plugin-sequelize-pool'), 'dir');
    });

    afterAll(() => {
      if (projectDir !== '') rmSync(projectDir, { recursive: true, force: true });
    });

    it('resolves the plugin from that node_modules', async () => {
      const projectRequire = createRequire(path.join(projectDir, 'package.json'));
      expect(projectRequire.resolve('eslint-plugin-sequelize-pool')).toBe(DIST_ENTRY);

      const eslint = new LegacyESLintV8({
        cwd: APP_DIR,
        useEslintrc: false,
        resolvePluginsRelativeTo: projectDir,
        overrideConfig: LEGACY_APP_CONFIG,
      });
      expect(reportsByFile(await eslint.lintFiles(APP_FILES))).toEqual(APP_REPORTS);
    });
  });

  it('passes rule options from the config: 7 processes', async () => {
    const eslint = new LegacyESLintV8({
      cwd: BUDGET_DIR,
      useEslintrc: false,
      plugins: { 'sequelize-pool': plugin },
      overrideConfig: {
        extends: ['plugin:sequelize-pool/legacy-recommended'],
        env: { node: true },
        parserOptions: { ecmaVersion: 2022, sourceType: 'script' },
        rules: { [BUDGET]: ['error', { processes: 7 }] },
      },
    });
    expectSevenProcessBudget(await eslint.lintFiles(['db.js', 'right-sized.js']));
  });
});

describe('loading the package from both module systems', () => {
  // Users write `import plugin from 'eslint-plugin-sequelize-pool'` in eslint.config.mjs and `require(...)` in
  // eslint.config.cjs: both must give the same plugin object with its configs.
  const probe = `plugin.meta.name + ' ' + Object.keys(plugin.rules).join(',') + ' ' + Object.keys(plugin.configs).join(',')`;
  const expected = `eslint-plugin-sequelize-pool ${Object.keys(sourcePlugin.rules).join(',')} ${Object.keys(sourcePlugin.configs).join(',')}`;

  it.each([
    ['ESM import', ['--input-type=module', '-e', `import plugin from 'eslint-plugin-sequelize-pool'; console.log(${probe});`]],
    ['CommonJS require', ['-e', `const plugin = require('eslint-plugin-sequelize-pool'); console.log(${probe});`]],
    // TypeScript accepts named imports of an `export =` object; Node finds them only through index.ts's annotation.
    [
      'ESM named imports',
      ['--input-type=module', '-e', `import { meta, rules, configs } from 'eslint-plugin-sequelize-pool'; const plugin = { meta, rules, configs }; console.log(${probe});`],
    ],
  ])('%s', (_name, args) => {
    const result = spawnSync(process.execPath, args, { cwd: REPO_ROOT, encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.stdout.trim()).toBe(expected);
  });
});

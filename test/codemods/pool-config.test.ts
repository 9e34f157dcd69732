import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import tsParser from '@typescript-eslint/parser';
import { Linter } from 'eslint';
import { applyTransform } from 'jscodeshift/src/testUtils';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';

import type { PoolConfigOptions } from '../../codemods/pool-config';

import * as transformModule from '../../codemods/pool-config';
import { BudgetError, formatAnnouncement, migratePoolConfig, planBudget } from '../../codemods/pool-config';
import { loadRuns, runDifferential } from './differential/differential';
import { SourceParseError } from '../../lib/file-analysis/source-analysis';
import plugin from '../../index';

const FIXTURES = path.join(__dirname, '__testfixtures__');

interface Fixture {
  name: string;
  inputFile: string;
  input: string;
  output: string | null;
  options: PoolConfigOptions;
}

/** Every `<case>.input.<ext>` with its `<case>.output.<ext>` and optional `<case>.options.json`. */
function fixtures(): Fixture[] {
  const files = readdirSync(FIXTURES);
  return files
    .filter((file) => file.includes('.input.'))
    .map((inputFile) => {
      const [name = '', extension = ''] = inputFile.split('.input.');
      const outputFile = `${name}.output.${extension}`;
      const optionsFile = `${name}.options.json`;
      return {
        name,
        inputFile: path.join(FIXTURES, inputFile),
        input: readFileSync(path.join(FIXTURES, inputFile), 'utf8'),
        output: files.includes(outputFile) ? readFileSync(path.join(FIXTURES, outputFile), 'utf8') : null,
        options: files.includes(optionsFile)
          ? (JSON.parse(readFileSync(path.join(FIXTURES, optionsFile), 'utf8')) as PoolConfigOptions)
          : {},
      };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

const withOutput = fixtures().filter((fixture) => fixture.output !== null);


describe('pool-config fixtures', () => {
  it('found the fixture pairs', () => {
    expect(withOutput.map((fixture) => fixture.name)).toEqual([
      'already-migrated',
      'env-driven',
      'esm-typescript-logger',
      'incident',
      'literal-pool',
      'no-sequelize',
      'options-built-elsewhere',
      'replication',
      'sequelize-cli-models-index',
    ]);
  });

  describe.each(withOutput)('$name', ({ input, inputFile, output, options }) => {
    it('rewrites the input to the expected output', () => {
      expect(migratePoolConfig(input, inputFile, options).output).toBe(output);
    });

    it('is idempotent: its output is a fixed point', () => {
      const again = migratePoolConfig(output ?? '', inputFile, options);
      expect(again.changed).toBe(false);
      expect(again.output).toBe(output);
    });

    // The rules read through withPoolSettings(): a migrated pool passes them, and what they still report is what
    // the codemod left for a human on purpose (a warning or a note: zeros, a pool under replication, a max it
    // cannot prove).
    it("passes the plugin's own pool rules with the same numbers, except what the codemod leaves for a human", () => {
      const result = migratePoolConfig(input, inputFile, options);
      const leftForAHuman = result.warnings.length + result.notes.length;
      const linter = new Linter({ configType: 'flat' });
      const messages = linter.verify(
        output ?? '',
        [
          {
            files: ['**/*.{js,mjs,ts}'],
            languageOptions: {
              sourceType: inputFile.endsWith('.js') ? 'commonjs' : 'module',
              ...(inputFile.endsWith('.ts') ? { parser: tsParser } : {}),
            },
            plugins: { 'sequelize-pool': plugin as never },
            rules: {
              'sequelize-pool/require-lifecycle-options': 'error',
              'sequelize-pool/max-connections-budget': [
                'error',
                {
                  processes: options.processes ?? 1,
                  maxConnections: options.maxConnections ?? 100,
                  reservedConnections: options.reserved ?? 3,
                },
              ],
            },
          },
        ],
        inputFile,
      );
      if (leftForAHuman === 0) expect(messages).toEqual([]);
      else expect(messages.length).toBeGreaterThan(0);
    });
  });
});

/** A throwaway module tree under the repository (so `sequelize` and its types resolve), removed after the test. */
function moduleTree(files: Record<string, string>): string {
  const directory = mkdtempSync(path.join(__dirname, '.tmp-'));
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(directory, file)), { recursive: true });
    writeFileSync(path.join(directory, file), text);
  }
  trees.push(directory);
  return directory;
}

const trees: string[] = [];
afterAll(() => {
  for (const directory of trees) rmSync(directory, { recursive: true, force: true });
});

/** Migrates `entry` in place and loads it under `env` with the capturing stand-in: what new Sequelize received. */
async function migrateAndLoad(directory: string, entry: string, options: PoolConfigOptions, env: Record<string, string>[]) {
  const file = path.join(directory, entry);
  const result = migratePoolConfig(readFileSync(file, 'utf8'), file, options);
  writeFileSync(file, result.output);
  const outcomes = await loadRuns(directory, entry, env.map((entryEnv, index) => ({ name: String(index), env: entryEnv })));
  return { result, outcomes };
}

/** tsc --noEmit under `strict` (and `checkJs` for JavaScript) on one file: the diagnostics, as text. */
function typeErrors(file: string): string[] {
  const program = ts.createProgram([file], {
    strict: true,
    noEmit: true,
    allowJs: true,
    checkJs: true,
    module: ts.ModuleKind.Node16,
    moduleResolution: ts.ModuleResolutionKind.Node16,
    target: ts.ScriptTarget.ES2022,
    esModuleInterop: true,
    skipLibCheck: true,
    types: ['node'],
  });
  return ts
    .getPreEmitDiagnostics(program)
    .filter((diagnostic) => diagnostic.file?.fileName === file)
    .map((diagnostic) => `${diagnostic.code}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')}`);
}

const announcementsOf = (result: { announcements: Parameters<typeof formatAnnouncement>[0][] }): string[] =>
  result.announcements.map(formatAnnouncement);

describe('pool-config behaviour', () => {
  const incident = withOutput.find((fixture) => fixture.name === 'incident');

  it('keeps the incident module intact around the pool: only the options argument is wrapped and max lowered', () => {
    const output = incident?.output ?? '';
    for (const kept of [
      "process.on('SIGUSR2'",
      'const POOL_WARN_RATIO = 0.4;',
      'module.exports = { sequelize, Sequelize, poolStats, forceReleasePool };',
      "application_name: `legacy-server:${logger.processName}`",
      '    logging: false,',
    ]) {
      expect(output).toContain(kept);
    }
    const removed = (incident?.input ?? '').split('\n').filter((line) => !output.split('\n').includes(line));
    expect(removed).toEqual(['  {', '    pool: { max: 100 },']);
    expect(output).toContain('  withPoolSettings({\n');
    expect(output).toContain('    pool: { max: 12, min: 2, idle: 10000, acquire: 30000, evict: 10000 },\n  })\n);');
  });

  it('announces every change with the old value, the new one and why', () => {
    const result = migratePoolConfig(incident?.input ?? '', incident?.inputFile ?? 'sequelize.js', { processes: 7, maxConnections: 100 });
    expect(announcementsOf(result)).toEqual([
      'line 7: pool.max 100 → 12: 7 × 100 = 700 > 97 usable PostgreSQL connections (100 − 3 reserved)',
      'line 7: pool.min unset (ran as 0) → 2: unset, so Sequelize v6 used 0; now explicit: keeps a few connections open between bursts',
      'line 7: pool.idle unset (ran as 10000) → 10000: unset, so Sequelize v6 used 10000; now explicit: an idle connection is closed after 10 s',
      'line 7: pool.acquire unset (ran as 60000) → 30000: unset, so Sequelize v6 used 60000; now explicit: a query waits at most 30 s for a connection, then fails with ConnectionAcquireTimeoutError',
      'line 7: pool.evict unset (ran as 1000) → 10000: unset, so Sequelize v6 used 1000; now explicit: idle connections are swept every 10 s',
    ]);
    expect(result.warnings).toEqual([]);
  });

  it('sizes max for the budget and explains it', () => {
    const plan = planBudget({ processes: 7, maxConnections: 100 }, false);
    // (100 − 3 reserved − 10 headroom) / 7 = 12.4 → 12; 7 × 12 = 84 ≤ 97.
    expect(plan.max).toBe(12);
    expect(plan.lines[0]).toBe('7 processes × max 12 = 84 connections of the 97 PostgreSQL allows (100 − 3 reserved)');
    expect(planBudget({ processes: 7, max: 20 }, false).lines).toContain('warning: that is over the budget: lower --max or run fewer processes');
    expect(planBudget({}, false).max).toBe(10);
  });

  it('keeps a written max that fits, lowers one over the budget in place, and leaves zeros as written (with a note)', () => {
    const source = (max: string) => `const { Sequelize } = require('sequelize');
new Sequelize('postgres://db', { pool: { max: ${max}, min: 1, idle: 0, acquire: 5000, evict: 2000 } });`;
    const pool = (max: string, options: PoolConfigOptions = {}) => /pool: (\{[^}]*\})/u.exec(migratePoolConfig(source(max), 'db.js', options).output)?.[1];
    expect(pool('20')).toBe('{ max: 20, min: 1, idle: 0, acquire: 5000, evict: 2000 }');
    expect(pool('100', { processes: 7 })).toBe('{ max: 12, min: 1, idle: 0, acquire: 5000, evict: 2000 }');
    expect(pool('20', { max: 8 })).toBe('{ max: 8, min: 1, idle: 0, acquire: 5000, evict: 2000 }');
    expect(migratePoolConfig(source('20'), 'db.js').notes).toEqual([
      'new Sequelize at line 2: pool.idle: 0 runs as 30000 ms in sequelize-pool 7 (zero is not "off"); left as written',
    ]);
  });

  it('skips, with a reason, what it cannot rewrite', () => {
    const spreadArguments = migratePoolConfig("const { Sequelize } = require('sequelize');\nnew Sequelize(...require('./args'));\n", 'db.js');
    expect(spreadArguments.changed).toBe(false);
    expect(spreadArguments.skipped).toEqual([
      'new Sequelize at line 2: its arguments are spread (new Sequelize(...args)); the codemod cannot tell which one holds the options',
    ]);
    const taken = migratePoolConfig("const { Sequelize } = require('sequelize');\nfunction withPoolSettings() {}\nnew Sequelize('postgres://db');\n", 'db.js');
    expect(taken.changed).toBe(false);
    expect(taken.skipped).toEqual(['the file already declares withPoolSettings; rename it before running the codemod']);
  });

  it('rejects an unparsable file instead of rewriting it', () => {
    const file = path.join(FIXTURES, 'syntax-error.input.js');
    expect(() => migratePoolConfig(readFileSync(file, 'utf8'), file)).toThrow(SourceParseError);
    expect(() => migratePoolConfig(readFileSync(file, 'utf8'), file)).toThrow(/syntax-error\.input\.js:4:\d+: Parsing error/u);
  });

  it('runs as a plain jscodeshift transform', () => {
    const output = applyTransform(
      transformModule,
      { processes: '7', maxConnections: '100' },
      { source: incident?.input ?? '', path: incident?.inputFile ?? 'sequelize.js' },
    );
    expect(output).toBe((incident?.output ?? '').trim());
    const pgPool = "const { Pool } = require('pg');\nmodule.exports = new Pool({ max: 100 });";
    expect(applyTransform(transformModule, {}, { source: pgPool, path: 'pool.js' })).toBe(pgPool);
  });

  it('names the installed Sequelize major version and uses its defaults (v4: acquire 10000, evict 10000)', () => {
    const directory = moduleTree({
      'node_modules/sequelize/package.json': '{ "name": "sequelize", "version": "4.44.4" }',
      'db.js': "const Sequelize = require('sequelize');\nmodule.exports = new Sequelize('postgres://db', { pool: { max: 5 } });\n",
    });
    const file = path.join(directory, 'db.js');
    const result = migratePoolConfig(readFileSync(file, 'utf8'), file);
    // The comment wraps at the file's width: compare its words.
    expect(result.output.replace(/\n\/\/ {1,3}/gu, ' ')).toContain("A lifecycle key left unset runs as Sequelize v4's default: max 5, min 0, idle 10000, acquire 10000, evict 10000.");
    expect(announcementsOf(result)).toContain(
      'line 2: pool.acquire unset (ran as 10000) → 30000: unset, so Sequelize v4 used 10000; now explicit: a query waits at most 30 s for a connection, then fails with ConnectionAcquireTimeoutError',
    );
  });

  it('names MySQL’s limits in the budget (max_connections 151; its extra SUPER connection is beyond them), the number the rule and doctor print', () => {
    const result = migratePoolConfig(
      "const { Sequelize } = require('sequelize');\nnew Sequelize('db', 'u', 'p', { dialect: 'mysql', pool: { max: 60 } });\n",
      'db.js',
      { processes: 4 },
    );
    expect(result.budget?.lines[0]).toBe('4 processes × max 34 = 136 connections of the 151 MySQL allows (151)');
    expect(announcementsOf(result)[0]).toBe('line 2: pool.max 60 → 34: 4 × 60 = 240 > 151 usable MySQL connections (151)');
  });
});

/** Each defect issue 11 lists that is about what the codemod changes: the regression test named after it. */
describe('issue 11 regressions', () => {
  it('a production pool was thrown away: keys written after ...config.database.options', async () => {
    const directory = moduleTree({
      'config/default.json': JSON.stringify({ database: { options: { dialect: 'postgres', benchmark: true, pool: { min: 10, max: 50, acquire: 60000 } } } }),
      'config/custom-environment-variables.json': JSON.stringify({ database: { options: { pool: { max: 'PG_MAX_CONNECTIONS' } } } }),
      'db.js': `const config = require('config');
const { Sequelize } = require('sequelize');
const debug = require('debug')('sql');
module.exports = new Sequelize('postgres://db/app', { ...config.database.options, logging: (sql) => debug(sql) });
`,
    });
    const { result, outcomes } = await migrateAndLoad(directory, 'db.js', { processes: 4 }, [{ NODE_ENV: 'production' }, { PG_MAX_CONNECTIONS: '30' }]);
    // Everything config set still wins; only the keys it leaves unset are filled.
    expect(outcomes[0]?.captures[0]?.args[1]).toMatchObject({
      benchmark: true,
      pool: { min: 10, max: 50, acquire: 60000, idle: 10000, evict: 10000 },
      logging: { $function: '(sql) => debug(sql)', arity: 1 },
    });
    expect(outcomes[1]?.captures[0]?.args[1]).toMatchObject({ pool: { max: '30', min: 10 } });
    // The codemod cannot see config's max, so it promises no budget: a warning, and the command exits 1.
    expect(result.warnings.map((warning) => warning.message)).toEqual([
      'new Sequelize at line 4: its pool comes from config.database.options; the codemod cannot see its max, so it cannot promise 4 processes × max 21 = 84 connections of the 97 PostgreSQL allows (100 − 3 reserved). Check the max there (the config file or variable it reads)',
    ]);
  });

  it('a module no longer loads: let sequelize = createSequelize() above the inserted declarations (TDZ)', async () => {
    const directory = moduleTree({
      'db.js': `const { Sequelize } = require('sequelize');
let sequelize = createSequelize();
function createSequelize() {
  return new Sequelize(process.env.DATABASE_URL, { dialect: 'postgres', pool: { max: 5 } });
}
module.exports = sequelize;
`,
    });
    const { outcomes } = await migrateAndLoad(directory, 'db.js', {}, [{}]);
    expect(outcomes[0]?.error).toBeNull();
    expect(outcomes[0]?.captures[0]?.args[1]).toMatchObject({ pool: { max: 5, min: 2 } });
  });

  it('logging that was on is off: console.log default, msg => log(msg), benchmark: isDev(), logger.info', async () => {
    const directory = moduleTree({
      'db.js': `const { Sequelize } = require('sequelize');
const logger = require('./logger');
const log = (msg) => logger.info(msg);
const isDev = () => process.env.NODE_ENV !== 'production';
exports.quiet = new Sequelize('postgres://db/a', { pool: { max: 5 } });
exports.arrow = new Sequelize('postgres://db/b', { logging: msg => log(msg), benchmark: isDev() });
exports.method = new Sequelize('postgres://db/c', { logging: logger.info });
`,
    });
    const report = await runDifferential({ directory, entry: 'db.js', options: {} });
    for (const [index, outcome] of report.migrated.entries()) {
      expect(outcome.captures.map((capture) => capture.args)).toEqual(report.expected[index]?.captures.map((capture) => capture.args));
    }
    const [quiet, arrow, method] = report.migrated[1]?.captures.map((capture) => capture.args[1]) ?? [];
    expect(quiet).not.toHaveProperty('logging'); // Sequelize's default, console.log, stays on
    expect(arrow).toMatchObject({ logging: { $function: 'msg => log(msg)', arity: 1 }, benchmark: true });
    expect(method).toMatchObject({ logging: { $stub: './logger.info' } });
    expect(report.result.output).not.toMatch(/\b(?:logger|log)\.(?:debug|warn)\b/u);
  });

  it('the summary promises a budget the app does not get: ...config.pool and max: SERVICE === API ? 20 : 10', () => {
    const spread = migratePoolConfig(
      "const { Sequelize } = require('sequelize');\nconst config = require('./config');\nnew Sequelize('postgres://db', { pool: { ...config.pool } });\n",
      'db.js',
      { processes: 4 },
    );
    expect(spread.warnings.map((warning) => warning.message)).toEqual([
      'new Sequelize at line 3: pool.max may come from config.pool; the codemod cannot see it, so it cannot promise 4 processes × max 21 = 84 connections of the 97 PostgreSQL allows (100 − 3 reserved)',
    ]);
    const conditional = migratePoolConfig(
      "const { Sequelize } = require('sequelize');\nnew Sequelize('postgres://db', { pool: { max: process.env.SERVICE === 'api' ? 20 : 100 } });\n",
      'db.js',
      { processes: 4 },
    );
    expect(conditional.warnings.map((warning) => warning.message)).toEqual([
      "new Sequelize at line 2: pool.max is `process.env.SERVICE === 'api' ? 20 : 100`, which can be 100: 4 × 100 = 400 > 97 usable PostgreSQL connections (100 − 3 reserved). The codemod cannot prove which value the app gets; lower it by hand (or in the config or environment it reads)",
    ]);
    // The conditional is left as written: lowering one branch is not a change the codemod can prove.
    expect(conditional.output).toContain("max: process.env.SERVICE === 'api' ? 20 : 100");
  });

  it('a second, deliberately small instance’s pool became the shared POOL_DEFAULTS', () => {
    const result = migratePoolConfig(
      "const { Sequelize } = require('sequelize');\nexports.api = new Sequelize('postgres://db', { pool: { max: 20 } });\nexports.audit = new Sequelize('postgres://db', { pool: { max: 2, min: 0 } });\n",
      'db.js',
      { processes: 2 },
    );
    expect(result.output).toContain("exports.api = new Sequelize('postgres://db', withPoolSettings({ pool: { max: 20, min: 2, idle: 10000, acquire: 30000, evict: 10000 } }));");
    expect(result.output).toContain("exports.audit = new Sequelize('postgres://db', withPoolSettings({ pool: { max: 2, min: 0, idle: 10000, acquire: 30000, evict: 10000 } }));");
  });

  it('generated code that throws: max: 0 when no budget fits', () => {
    expect(() => migratePoolConfig("const { Sequelize } = require('sequelize');\nnew Sequelize('postgres://db');\n", 'db.js', { processes: 200, maxConnections: 100 })).toThrow(
      new BudgetError(
        'no pool fits: 200 processes × max 1 = 200 > 87 connections (100 − 3 reserved − 10 kept for migrations, psql and monitoring); raise --max-connections or run fewer processes',
      ),
    );
  });

  it('generated code that throws: DB_POOL_MAX=1 with the generated min: 2; invalid values stop start-up with one clear line', async () => {
    const directory = moduleTree({ 'db.js': "const { Sequelize } = require('sequelize');\nmodule.exports = new Sequelize('postgres://db', { dialect: 'postgres' });\n" });
    const { outcomes } = await migrateAndLoad(directory, 'db.js', {}, [{ DB_POOL_MAX: '1' }, { DB_POOL_MAX: '0' }, { DB_POOL_MAX: 'ten' }, { DB_LOGGING: 'maybe' }]);
    expect(outcomes[0]?.captures[0]?.args[1]).toMatchObject({ pool: { max: 1, min: 1 } });
    expect(outcomes.slice(1).map((outcome) => outcome.error)).toEqual([
      'Error: DB_POOL_MAX must be an integer ≥ 1, got "0"',
      'Error: DB_POOL_MAX must be an integer ≥ 1, got "ten"',
      'Error: DB_LOGGING must be true or false, got "maybe"',
    ]);
  });

  it('generated code that throws: a log from require(\'debug\') gets .debug/.warn called on it', async () => {
    const directory = moduleTree({
      'db.js': "const { Sequelize } = require('sequelize');\nconst log = require('debug')('db');\nmodule.exports = new Sequelize('postgres://db', { logging: log });\n",
    });
    const { result, outcomes } = await migrateAndLoad(directory, 'db.js', {}, [{}, { DB_LOGGING: 'true' }, { DB_LOGGING: 'false' }]);
    expect(result.output).not.toMatch(/log\.(?:debug|warn|info)/u);
    expect(outcomes.map((outcome) => outcome.captures[0]?.args[1])).toEqual([
      expect.objectContaining({ logging: { $stub: 'debug()' } }),
      expect.objectContaining({ logging: { $stub: 'debug()' } }),
      expect.objectContaining({ logging: false }),
    ]);
  });

  it('new type errors: a two-argument logging arrow pasted twice (TS2345); TypeScript output is clean under strict', () => {
    const directory = moduleTree({
      'db.ts': `import { Sequelize } from 'sequelize';

export const sequelize = new Sequelize(process.env.DATABASE_URL as string, {
  dialect: 'postgres',
  logging: (sql: string, ms?: number) => console.info(sql, ms),
  benchmark: true,
});
`,
    });
    const file = path.join(directory, 'db.ts');
    const result = migratePoolConfig(readFileSync(file, 'utf8'), file);
    writeFileSync(file, result.output);
    expect(result.output.match(/\(sql: string, ms\?: number\) => console\.info\(sql, ms\)/gu)).toHaveLength(1);
    expect(typeErrors(file)).toEqual([]);
  });

  it('new type errors: untyped JS helpers break projects that type-check their JS (checkJs)', () => {
    const directory = moduleTree({
      'db.js': "const { Sequelize } = require('sequelize');\nmodule.exports = new Sequelize('postgres://db', { dialect: 'postgres', logging: false });\n",
      'settings.js': "const config = require('config');\nconst { Sequelize } = require('sequelize');\nmodule.exports = new Sequelize('postgres://db', { dialect: 'postgres' });\nmodule.exports.config = config;\n",
    });
    for (const name of ['db.js', 'settings.js']) {
      const file = path.join(directory, name);
      writeFileSync(file, migratePoolConfig(readFileSync(file, 'utf8'), file).output);
      expect(typeErrors(file), name).toEqual([]);
    }
  });

  it('--idle-in-transaction-timeout is added to a MySQL config and silently dropped when dialectOptions is a variable', () => {
    const mysql = migratePoolConfig(
      "const { Sequelize } = require('sequelize');\nnew Sequelize('db', 'u', 'p', { dialect: 'mysql' });\n",
      'db.js',
      { idleInTransactionTimeout: 60000 },
    );
    expect(mysql.output).not.toContain('idle_in_transaction_session_timeout: 60000');
    expect(mysql.warnings.map((warning) => warning.message)).toEqual([
      'new Sequelize at line 2: --idle-in-transaction-timeout not applied: idle_in_transaction_session_timeout is a PostgreSQL setting and its dialect is mysql',
    ]);
    const variable = migratePoolConfig(
      "const { Sequelize } = require('sequelize');\nconst dialectOptions = require('./ssl');\nnew Sequelize('db', 'u', 'p', { dialect: 'postgres', dialectOptions });\n",
      'db.js',
      { idleInTransactionTimeout: 60000 },
    );
    expect(variable.warnings.map((warning) => warning.message)).toEqual([
      'new Sequelize at line 3: --idle-in-transaction-timeout not applied: dialectOptions is `dialectOptions`, which the codemod cannot see into; add idle_in_transaction_session_timeout there',
    ]);
    const postgres = migratePoolConfig(
      "const { Sequelize } = require('sequelize');\nnew Sequelize('postgres://db', { dialectOptions: { application_name: 'api' } });\n",
      'db.js',
      { idleInTransactionTimeout: 60_000 },
    );
    expect(postgres.output).toContain("dialectOptions: { application_name: 'api', idle_in_transaction_session_timeout: 60000 }");
  });

  it('SQLite modules get a pool that does nothing', () => {
    const result = migratePoolConfig(
      "const { Sequelize } = require('sequelize');\nmodule.exports = new Sequelize({ dialect: 'sqlite', storage: ':memory:', pool: { max: 5 } });\n",
      'db.js',
    );
    expect(result.changed).toBe(false);
    expect(result.skipped).toEqual([
      "new Sequelize at line 2: SQLite has no pool (Sequelize's SQLite connection manager never uses the pool options); nothing to migrate",
    ]);
  });

  it('the file’s style: tabs, double quotes, no semicolons, `function name ()` spacing', () => {
    const source = 'const { Sequelize } = require("sequelize")\n\nfunction connect () {\n\treturn new Sequelize("postgres://db", {\n\t\tpool: { max: 5 },\n\t})\n}\n\nmodule.exports = connect\n';
    const { output } = migratePoolConfig(source, 'db.js');
    expect(output).toContain('function withPoolSettings (options) {\n\t// A URL');
    expect(output).toContain('\tif (typeof options === "string" || options === undefined || options === null) return /** @type {any} */ (options)\n');
    const code = output.split('\n').filter((line) => !/^\s*(?:\/\/|\/\*\*|\*)/u.test(line));
    expect(code.join('\n')).not.toMatch(/'/u);
    expect(output).toContain('\t\tpool: { max: 5, min: 2, idle: 10000, acquire: 30000, evict: 10000 },\n');
  });
});

import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

import tsParser from '@typescript-eslint/parser';
import { Linter } from 'eslint';
import { applyTransform } from 'jscodeshift/src/testUtils';
import { describe, expect, it } from 'vitest';

import type { PoolConfigOptions } from '../../codemods/pool-config';

import * as transformModule from '../../codemods/pool-config';
import { migratePoolConfig, planBudget } from '../../codemods/pool-config';
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

/** Fixtures the codemod leaves alone on purpose: the rules still (rightly) report them. */
const LEFT_ALONE = new Set(['options-built-elsewhere']);

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

  describe.each(withOutput)('$name', ({ name, input, inputFile, output, options }) => {
    it('rewrites the input to the expected output', () => {
      expect(migratePoolConfig(input, inputFile, options).output).toBe(output);
    });

    it('is idempotent: its output is a fixed point', () => {
      const again = migratePoolConfig(output ?? '', inputFile, options);
      expect(again.changed).toBe(false);
      expect(again.output).toBe(output);
    });

    if (LEFT_ALONE.has(name)) return;

    it("passes the plugin's own pool rules with the same numbers", () => {
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
      expect(messages).toEqual([]);
    });
  });
});

describe('pool-config behaviour', () => {
  const incident = withOutput.find((fixture) => fixture.name === 'incident');

  it('keeps the incident module intact around the pool: monitor, SIGUSR2 handler, exports', () => {
    const output = incident?.output ?? '';
    for (const kept of [
      "process.on('SIGUSR2'",
      'const POOL_WARN_RATIO = 0.4;',
      'module.exports = { sequelize, Sequelize, poolStats, forceReleasePool };',
      "application_name: `legacy-server:${logger.processName}`",
    ]) {
      expect(output).toContain(kept);
    }
    // Only the pool, logging and the new benchmark line differ inside the constructor call.
    const removed = (incident?.input ?? '').split('\n').filter((line) => !output.split('\n').includes(line));
    expect(removed).toEqual(['    logging: false,', '    pool: { max: 100 },']);
  });

  it('sizes max for the budget and explains it', () => {
    const plan = planBudget({ processes: 7, maxConnections: 100 }, false);
    // (100 − 3 reserved − 10 headroom) / 7 = 12.4 → 12; 7 × 12 = 84 ≤ 97.
    expect(plan.max).toBe(12);
    expect(plan.lines[0]).toBe('7 processes × max 12 = 84 connections of the 97 PostgreSQL allows (100 − 3 reserved)');
    expect(planBudget({ processes: 7, max: 20 }, false).lines).toContain('warning: that is over the budget: lower --max or run fewer processes');
    expect(planBudget({}, false).max).toBe(10);
  });

  it('keeps an explicit max that fits and replaces one over the budget or a zero', () => {
    const source = (max: string) => `const { Sequelize } = require('sequelize');
new Sequelize('postgres://db', { pool: { max: ${max}, min: 1, idle: 0, acquire: 5000, evict: 2000 } });`;
    const defaults = (max: string, options: PoolConfigOptions = {}) =>
      /const POOL_DEFAULTS = (\{[^}]*\})/u.exec(migratePoolConfig(source(max), 'db.js', options).output)?.[1];
    expect(defaults('20')).toBe('{ max: 20, min: 1, idle: 10000, acquire: 5000, evict: 2000 }');
    expect(defaults('100', { processes: 7 })).toBe('{ max: 12, min: 1, idle: 10000, acquire: 5000, evict: 2000 }');
    expect(defaults('0')).toBe('{ max: 10, min: 1, idle: 10000, acquire: 5000, evict: 2000 }');
    expect(defaults('20', { max: 8 })).toBe('{ max: 8, min: 1, idle: 10000, acquire: 5000, evict: 2000 }');
  });

  it('keeps an environment-driven max as written, converted to a number', () => {
    const source = `const { Sequelize } = require('sequelize');
module.exports = new Sequelize(process.env.DATABASE_URL, { pool: { max: process.env.DB_POOL_MAX ?? 10, idle: 5000 } });`;
    const { output } = migratePoolConfig(source, 'db.js', { processes: 2 });
    expect(output).toContain('pool: { ...POOL_DEFAULTS, max: Number(process.env.DB_POOL_MAX ?? 10), ...DB_OPTIONS.pool }');
    expect(output).toContain('const POOL_DEFAULTS = { max: 43, min: 2, idle: 5000, acquire: 30000, evict: 10000 };');
  });

  it('adds the idle-in-transaction backstop to existing dialectOptions without duplicating it', () => {
    const source = `const { Sequelize } = require('sequelize');
new Sequelize('postgres://db', { dialectOptions: { application_name: 'api' } });`;
    const once = migratePoolConfig(source, 'db.js', { idleInTransactionTimeout: 60_000 });
    expect(once.output).toContain("dialectOptions: { application_name: 'api', idle_in_transaction_session_timeout: 60000 }");
    expect(migratePoolConfig(once.output, 'db.js', { idleInTransactionTimeout: 60_000 }).changed).toBe(false);
  });

  it('skips, with a reason, options it cannot rewrite safely', () => {
    const elsewhere = migratePoolConfig(
      readFileSync(path.join(FIXTURES, 'options-built-elsewhere.input.js'), 'utf8'),
      'db.js',
    );
    expect(elsewhere.skipped).toEqual([
      'new Sequelize at line 6: its options object is built elsewhere (line 4); edit that object by hand or inline it',
    ]);
    const spreadArguments = migratePoolConfig(
      "const { Sequelize } = require('sequelize');\nnew Sequelize(...require('./args'));\n",
      'db.js',
    );
    expect(spreadArguments.changed).toBe(false);
    expect(spreadArguments.skipped).toEqual(['new Sequelize at line 2: its arguments could not be resolved (spread arguments)']);
  });

  it('refuses files that declare the names it would add', () => {
    const result = migratePoolConfig(
      "const { Sequelize } = require('sequelize');\nconst POOL_DEFAULTS = {};\nnew Sequelize('postgres://db');\n",
      'db.js',
    );
    expect(result.changed).toBe(false);
    expect(result.skipped).toEqual(['the file already declares POOL_DEFAULTS; rename it before running the codemod']);
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
    // A file it does not change comes back as it was.
    const pgPool = "const { Pool } = require('pg');\nmodule.exports = new Pool({ max: 100 });";
    expect(applyTransform(transformModule, {}, { source: pgPool, path: 'pool.js' })).toBe(pgPool);
  });
});

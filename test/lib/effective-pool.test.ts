import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import type { EffectivePool, EffectivePoolContext } from '../../lib/project/effective-pool';

import { describeOrigin, effectivePool, effectivePools } from '../../lib/project/effective-pool';
import { constructionsIn } from '../../lib/project/project-pools';
import { loadProjectModule } from '../../lib/project/project-modules';
import { describeSequelizeVersion, sequelizeVersion } from '../../lib/project/sequelize-version';
import { poolDefaults } from '../../lib/sequelize-facts';

const FIXTURES = path.resolve(__dirname, '../fixtures/config-files');

function constructions(file: string): { construction: ReturnType<typeof constructionsIn>[number]; context: Omit<EffectivePoolContext, 'projectRoot'> }[] {
  const module = loadProjectModule(file);
  if (module === null) throw new Error(`${file} does not parse`);
  return constructionsIn(module).map((construction) => ({ construction, context: { filename: file, host: module.host } }));
}

/** `{ max: [value, origin] }` for a compact comparison. */
function summary(pool: EffectivePool, root: string): Record<string, [unknown, string]> {
  return Object.fromEntries(Object.entries(pool.pool).map(([key, setting]) => [key, [setting.known ? setting.value : '?', describeOrigin(setting, root)]]));
}

const temporary: string[] = [];
function tempProject(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(tmpdir(), 'effective-pool-'));
  temporary.push(root);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    writeFileSync(path.join(root, name), text);
  }
  return root;
}
afterEach(() => {
  for (const directory of temporary.splice(0)) rmSync(directory, { recursive: true, force: true });
});

describe('effectivePool: sequelize-cli models/index.js with config/config.json', () => {
  const root = path.join(FIXTURES, 'cli-json');
  const [withUrl, withCredentials] = constructions(path.join(root, 'models/index.js'));

  it('gives each environment its pool, key by key, from config.json or Sequelize v6 defaults', () => {
    if (withUrl === undefined || withCredentials === undefined) throw new Error('two constructions expected');
    const pools = effectivePools(withCredentials.construction, { ...withCredentials.context, projectRoot: root });
    expect(pools.map((pool) => pool.environment)).toEqual(['development', 'test', 'production']);
    const production = pools[2] as EffectivePool;
    expect(summary(production, root)).toEqual({
      max: [50, 'config/config.json:20 production.pool.max'],
      min: [10, 'config/config.json:21 production.pool.min'],
      acquire: [60000, 'config/config.json:22 production.pool.acquire'],
      idle: [10000, "Sequelize v6's default"],
      evict: [1000, "Sequelize v6's default"],
      maxUses: [Infinity, "Sequelize v6's default"],
    });
    expect(production.pool.max.origin).toMatchObject({ kind: 'config-file', format: 'sequelize-cli', environment: 'production', position: { line: 20, column: 14 } });
    expect(production.configFiles).toEqual([path.join(root, 'config/config.json')]);
    expect(production.dialect).toMatchObject({ known: true, value: 'postgres' });
    expect(production.usesPool).toBe(true);
    const development = pools[0] as EffectivePool;
    expect(development.pool.max).toMatchObject({ known: true, value: 5, origin: { kind: 'default', major: 6 } });
    // The test environment is SQLite: Sequelize v6 builds no pool for it.
    const test = pools[1] as EffectivePool;
    expect(test.dialect).toMatchObject({ known: true, value: 'sqlite' });
    expect(test.usesPool).toBe(false);
  });

  it('reads the dialect of the use_env_variable branch from the URL in that variable', () => {
    if (withUrl === undefined) throw new Error('no construction');
    const unset = effectivePool(withUrl.construction, { ...withUrl.context, projectRoot: root, environment: 'production' });
    expect(unset.dialect).toMatchObject({ known: false, origin: { reason: 'the scheme of the URL in DATABASE_URL' }, overriddenBy: ['DATABASE_URL'] });
    expect(unset.usesPool).toBeNull();
    expect(unset.pool.max).toMatchObject({ known: true, value: 50 });
    const set = effectivePool(withUrl.construction, { ...withUrl.context, projectRoot: root, environment: 'production', env: { DATABASE_URL: 'postgresql://app@db/app' } });
    expect(set.dialect).toMatchObject({ known: true, value: 'postgres', origin: { kind: 'env', variable: 'DATABASE_URL' } });
  });

  it('follows NODE_ENV from env when no environment is given, and the fallback when it is unset', () => {
    if (withCredentials === undefined) throw new Error('no construction');
    const context = { ...withCredentials.context, projectRoot: root };
    expect(effectivePool(withCredentials.construction, { ...context, env: { NODE_ENV: 'production' } }).pool.max.value).toBe(50);
    const unset = effectivePool(withCredentials.construction, { ...context, env: {} });
    expect(unset.environment).toBe('development');
    expect(unset.pool.max.origin).toMatchObject({ kind: 'default' });
  });
});

describe('effectivePool: node-config', () => {
  it('merges default.json, default.yml and local.json under a spread, with a key written after it', () => {
    const root = path.join(FIXTURES, 'node-config');
    const [entry] = constructions(path.join(root, 'src/db.js'));
    if (entry === undefined) throw new Error('no construction');
    const development = effectivePool(entry.construction, { ...entry.context, projectRoot: root, environment: 'development' });
    expect(summary(development, root)).toEqual({
      max: [5, 'config/default.json:12 db.options.pool.max (NODE_ENV=development)'],
      min: [1, 'config/local.json:1 db.options.pool.min (NODE_ENV=development)'],
      acquire: [20000, 'config/default.yml:5 db.options.pool.acquire (NODE_ENV=development)'],
      idle: [10000, "Sequelize v6's default"],
      evict: [1000, "Sequelize v6's default"],
      maxUses: [Infinity, "Sequelize v6's default"],
    });
    expect(development.dialect).toMatchObject({ known: true, value: 'postgres' });
    // production.js is run by node-config and never executed here: every key it could set is unknown.
    const production = effectivePool(entry.construction, { ...entry.context, projectRoot: root, environment: 'production' });
    expect(production.pool.max).toMatchObject({ known: false, origin: { kind: 'unknown', reason: 'node-config also loads config/production.js, which is not read' } });
    expect(effectivePools(entry.construction, { ...entry.context, projectRoot: root }).map((pool) => pool.environment)).toEqual(['development', 'production']);
  });

  it('applies has ? get : default, spreads before and after written keys, and custom environment variables', () => {
    const root = path.join(FIXTURES, 'node-config-diff');
    const [entry] = constructions(path.join(root, 'src/db.ts'));
    if (entry === undefined) throw new Error('no construction');
    const context = { ...entry.context, projectRoot: root };
    const staging = effectivePool(entry.construction, { ...context, environment: 'staging' });
    expect(summary(staging, root)).toEqual({
      // staging.json5 wins over the written `idle` (the spread comes after it) but not over `acquire` (written after).
      max: [20, 'config/staging.json5:1 db.options.pool.max (NODE_ENV=staging)'],
      min: [0, 'config/default.json:6 db.options.pool.min (NODE_ENV=staging)'],
      idle: [10000, 'config/default.json:6 db.options.pool.idle (NODE_ENV=staging)'],
      acquire: [45000, 'src/db.ts:8'],
      evict: [1000, 'config/default.yaml:4 db.options.pool.evict (NODE_ENV=staging)'],
      maxUses: [Infinity, "Sequelize v6's default"],
    });
    expect(staging.pool.max.overriddenBy).toEqual(['POOL_MAX']);
    const overridden = effectivePool(entry.construction, { ...context, environment: 'staging', env: { POOL_MAX: '33', POOL_MIN: '' } });
    expect(overridden.pool.max).toMatchObject({ known: true, value: 33, origin: { kind: 'env', variable: 'POOL_MAX' } });
    // node-config ignores an empty variable: the file's value stays.
    expect(overridden.pool.min).toMatchObject({ known: true, value: 0 });
    // The URI is process.env.DATABASE_URL: its scheme decides the dialect, whatever the options say.
    expect(staging.dialect).toMatchObject({ known: false, overriddenBy: ['DATABASE_URL'] });
    expect(effectivePool(entry.construction, { ...context, environment: 'staging', env: { DATABASE_URL: 'sqlite::memory:' } }).usesPool).toBe(false);
  });
});

describe('effectivePool: code only, versions and dialects', () => {
  it('uses the Sequelize major the project declares: v4 defaults, v7 for @sequelize/core (where SQLite has a pool)', () => {
    const v4 = tempProject({
      'package.json': JSON.stringify({ dependencies: { sequelize: '^4.44.0' } }),
      'db.js': "const Sequelize = require('sequelize');\nmodule.exports = new Sequelize('postgres://app@db/app', { pool: { max: 10 } });\n",
    });
    const [entry4] = constructions(path.join(v4, 'db.js'));
    if (entry4 === undefined) throw new Error('no construction');
    const pool4 = effectivePool(entry4.construction, { ...entry4.context, projectRoot: v4 });
    expect(sequelizeVersion(v4)).toEqual({ major: 4, package: 'sequelize', from: 'declared', version: '^4.44.0' });
    expect(describeSequelizeVersion(sequelizeVersion(v4))).toBe('Sequelize v4 (declared ^4.44.0)');
    expect(summary(pool4, v4)).toEqual({
      max: [10, 'db.js:2'],
      min: [0, "Sequelize v4's default"],
      idle: [10000, "Sequelize v4's default"],
      acquire: [10000, "Sequelize v4's default"],
      evict: [10000, "Sequelize v4's default"],
      maxUses: [Infinity, "Sequelize v4's default"],
    });
    expect(pool4.dialect).toMatchObject({ known: true, value: 'postgres', origin: { kind: 'uri', line: 2 } });

    const v7 = tempProject({
      'package.json': JSON.stringify({ dependencies: { '@sequelize/core': '7.0.0-alpha.48', '@sequelize/sqlite3': '7.0.0-alpha.48' } }),
      'db.js': "const { Sequelize } = require('@sequelize/core');\nmodule.exports = new Sequelize({ dialect: 'sqlite', storage: ':memory:' });\n",
    });
    expect(sequelizeVersion(v7)).toMatchObject({ major: 7, package: '@sequelize/core' });
    const [entry7] = constructions(path.join(v7, 'db.js'));
    if (entry7 === undefined) throw new Error('no construction');
    const pool7 = effectivePool(entry7.construction, { ...entry7.context, projectRoot: v7 });
    expect(pool7.dialect).toMatchObject({ known: true, value: 'sqlite', origin: { kind: 'code', line: 2 } });
    expect(pool7.usesPool).toBe(true);
    expect(pool7.pool.acquire.value).toBe(poolDefaults(7).acquire);
  });

  it('says when the version is assumed, and reads env fallbacks written in the module', () => {
    const root = tempProject({
      'db.js':
        "const { Sequelize } = require('sequelize');\n" +
        "module.exports = new Sequelize('sqlite::memory:', { pool: { max: Number(process.env.DB_POOL_MAX) || 20, min: process.env.DB_POOL_MIN } });\n",
    });
    const [entry] = constructions(path.join(root, 'db.js'));
    if (entry === undefined) throw new Error('no construction');
    const pool = effectivePool(entry.construction, { ...entry.context, projectRoot: root });
    expect(sequelizeVersion(root)).toEqual({ major: null, package: null, from: 'none', version: null });
    expect(pool.pool.max).toMatchObject({ known: true, value: 20, origin: { kind: 'code', line: 2 }, overriddenBy: ['DB_POOL_MAX'] });
    // `min: process.env.DB_POOL_MIN` unset is undefined: Sequelize's default fills it in.
    expect(pool.pool.min).toMatchObject({ known: true, value: 0, origin: { kind: 'default', major: 6, assumed: true }, overriddenBy: ['DB_POOL_MIN'] });
    expect(describeOrigin(pool.pool.min, root)).toBe("Sequelize v6's default (version assumed)");
    expect(pool.usesPool).toBe(false);
    const set = effectivePool(entry.construction, { ...entry.context, projectRoot: root, env: { DB_POOL_MAX: '7', DB_POOL_MIN: '2' } });
    expect(set.pool.max).toMatchObject({ value: 7, origin: { kind: 'env', variable: 'DB_POOL_MAX' } });
    expect(set.pool.min).toMatchObject({ value: '2', origin: { kind: 'env', variable: 'DB_POOL_MIN' } });
  });

  it('stays unknown behind a spread it cannot open', () => {
    const root = tempProject({
      'db.js': "const { Sequelize } = require('sequelize');\nconst extra = load();\nmodule.exports = new Sequelize('postgres://h/d', { pool: { max: 10, ...extra.pool } });\n",
    });
    const [entry] = constructions(path.join(root, 'db.js'));
    if (entry === undefined) throw new Error('no construction');
    const pool = effectivePool(entry.construction, { ...entry.context, projectRoot: root });
    expect(pool.pool.max).toMatchObject({ known: false, origin: { kind: 'unknown' } });
    expect(pool.pool.min).toMatchObject({ known: false });
  });
});

describe('effectivePool on real setup modules (test/codemods/corpus, provenance in each PROVENANCE.md)', () => {
  const CORPUS = path.resolve(__dirname, '../codemods/corpus');

  it('opencollective-api: node-config default/production and PG_MAX_CONNECTIONS, through a spread of config.database.options', () => {
    const root = path.join(CORPUS, '34-opencollective-node-config-options-spread');
    const [entry] = constructions(path.join(root, 'server/lib/sequelize.ts'));
    if (entry === undefined) throw new Error('no construction');
    const pools = effectivePools(entry.construction, { ...entry.context, projectRoot: root });
    expect(pools.map((pool) => [pool.environment, pool.pool.max.value, describeOrigin(pool.pool.max, root), pool.pool.max.overriddenBy])).toEqual([
      ['development', 10, 'config/default.json:12 database.options.pool.max (NODE_ENV=development)', ['PG_MAX_CONNECTIONS']],
      ['production', 50, 'config/production.json:7 database.options.pool.max (NODE_ENV=production)', ['PG_MAX_CONNECTIONS']],
    ]);
    const production = pools[1] as EffectivePool;
    expect(production.pool.min.value).toBe(10);
    expect(production.pool.acquire.value).toBe(60000);
    expect(production.pool.idle).toMatchObject({ value: 10000, origin: { kind: 'default' } });
    // node-config hands the variable over as a string (no __format); the app parses it itself.
    const overridden = effectivePool(entry.construction, { ...entry.context, projectRoot: root, environment: 'production', env: { PG_MAX_CONNECTIONS: '20' } });
    expect(overridden.pool.max).toMatchObject({ known: true, value: '20', origin: { kind: 'env', variable: 'PG_MAX_CONNECTIONS' } });
  });

  it('todo-back-end: the production pool of config.js applies only to the branch that reads it', () => {
    const root = path.join(CORPUS, '42-todo-backend-cli-configjs-production-pool-bypassed');
    const [urlBranch, configBranch] = constructions(path.join(root, 'models/index.js'));
    if (urlBranch === undefined || configBranch === undefined) throw new Error('two constructions expected');
    // The production branch ignores config.js: Sequelize's default, and the dialect comes from DATABASE_URL.
    const production = effectivePool(urlBranch.construction, { ...urlBranch.context, projectRoot: root, environment: 'production' });
    expect(production.pool.max).toMatchObject({ value: 5, origin: { kind: 'default' } });
    expect(production.configFiles).toEqual([]);
    expect(production.dialect).toMatchObject({ known: false, overriddenBy: ['DATABASE_URL'] });
    const fromConfig = effectivePools(configBranch.construction, { ...configBranch.context, projectRoot: root });
    expect(fromConfig.map((pool) => [pool.environment, pool.pool.max.value, pool.pool.max.origin.kind])).toEqual([
      ['development', 5, 'default'],
      ['test', 5, 'default'],
      ['production', 5, 'config-file'],
    ]);
    expect(fromConfig[2]?.pool.acquire).toMatchObject({ value: 30000, origin: { kind: 'config-file', file: path.join(root, 'config/config.js'), position: { line: 26 } } });
  });

  it('CloudBread: config/sequelize.json per environment, mssql with a pool in development, mysql without one elsewhere', () => {
    const root = path.join(CORPUS, '21-cloudbread-cli-json-mssql-pool-dev-only/CloudBread-Core');
    const [entry] = constructions(path.join(root, 'models/index.js'));
    if (entry === undefined) throw new Error('no construction');
    const pools = effectivePools(entry.construction, { ...entry.context, projectRoot: root });
    expect(pools.map((pool) => [pool.environment, pool.dialect.value, pool.pool.max.origin.kind, pool.pool.idle.origin.kind])).toEqual([
      ['development', 'mssql', 'config-file', 'config-file'],
      ['test', 'mysql', 'default', 'default'],
      ['production', 'mysql', 'default', 'default'],
    ]);
  });
});

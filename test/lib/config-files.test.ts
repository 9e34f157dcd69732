import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import type { ConfigValue } from '../../lib/project/config-values';

import {
  cliEnvironment,
  ConfigFileError,
  findSequelizeCliConfig,
  loadNodeConfig,
  nodeConfigLookup,
  readNodeConfigFile,
  readSequelizeCliConfig,
  type SequelizeCliConfig,
} from '../../lib/project/config-files';
import { configLookup, configValueFor } from '../../lib/project/config-values';
import { readNodeConfig } from '../../lib/project/node-config';

const FIXTURES = path.resolve(__dirname, '../fixtures/config-files');
const REPO_ROOT = path.resolve(__dirname, '../..');

function cli(root: string): SequelizeCliConfig {
  const found = findSequelizeCliConfig(root);
  if (found === null) throw new Error('no config found');
  const config = readSequelizeCliConfig(found.file);
  if (!('environments' in config)) throw new Error('not read');
  return config;
}

function at(value: ConfigValue | undefined, ...keys: string[]): ConfigValue | undefined {
  return value === undefined ? undefined : configLookup(value, keys);
}

/** The text a value's position points at: what an editor would replace. */
function sliceOf(value: ConfigValue | undefined): string {
  if (value?.source.kind !== 'file' || value.source.position === null) throw new Error('no position');
  const { start, end } = value.source.position;
  return readFileSync(value.source.file, 'utf8').slice(start, end);
}

const temporary: string[] = [];
function tempProject(): string {
  const directory = mkdtempSync(path.join(tmpdir(), 'config-files-'));
  temporary.push(directory);
  return directory;
}
afterEach(() => {
  for (const directory of temporary.splice(0)) rmSync(directory, { recursive: true, force: true });
});

describe('sequelize-cli config', () => {
  it('finds config/config.json by default and reads each environment with positions', () => {
    const root = path.join(FIXTURES, 'cli-json');
    expect(findSequelizeCliConfig(root)).toEqual({ file: path.join(root, 'config/config.json'), via: 'default' });
    const config = cli(root);
    expect([...config.environments.keys()]).toEqual(['development', 'test', 'production']);
    const production = cliEnvironment(config, 'production');
    expect(production?.useEnvVariable).toMatchObject({ kind: 'literal', value: 'DATABASE_URL' });
    expect(production?.benchmark).toMatchObject({ kind: 'literal', value: true });
    const max = at(production?.pool, 'max');
    expect(max).toMatchObject({ kind: 'literal', value: 50, source: { kind: 'file', position: { line: 20, column: 14 } } });
    expect(sliceOf(max)).toBe('50');
    expect(sliceOf(production?.pool)).toContain('"min": 10');
    expect(cliEnvironment(config, 'test')?.dialect).toMatchObject({ value: 'sqlite' });
    expect(cliEnvironment(config, 'development')?.pool).toBeUndefined();
    expect(cliEnvironment(config, 'staging')).toBeNull();
  });

  it('follows .sequelizerc to a JS config and evaluates env fallbacks, parseInt, Number, spreads and logging', () => {
    const root = path.join(FIXTURES, 'cli-rc-js');
    expect(findSequelizeCliConfig(root)).toEqual({ file: path.join(root, 'src/config/database.js'), via: '.sequelizerc' });
    const config = cli(root);
    expect(config.format).toBe('js');
    const production = cliEnvironment(config, 'production');
    expect(at(production?.pool, 'max')).toMatchObject({
      kind: 'env',
      name: 'DB_POOL_MAX',
      convert: 'parseInt',
      fallback: { kind: 'literal', value: 10 },
      fallbackWhen: 'unset-or-empty',
    });
    expect(sliceOf(at(production?.pool, 'max'))).toBe("parseInt(process.env.DB_POOL_MAX || '10', 10)");
    expect(at(production?.pool, 'acquire')).toMatchObject({ kind: 'env', name: 'DB_ACQUIRE', convert: 'Number', fallbackWhen: 'unset' });
    expect(at(production?.options, 'port')).toMatchObject({ kind: 'env', name: 'DB_PORT', convert: 'Number', fallbackWhen: 'falsy' });
    expect(production?.dialect).toMatchObject({ kind: 'env', name: 'DB_DIALECT', fallback: { value: 'postgres' } });
    expect(at(production?.options, 'dialectOptions')).toMatchObject({ kind: 'unknown', reason: 'a condition on a value known only at run time' });
    expect(cliEnvironment(config, 'development')?.logging).toMatchObject({ kind: 'function' });
    expect(cliEnvironment(config, 'test')?.logging).toMatchObject({ kind: 'literal', value: false });

    const pool = production?.pool;
    if (pool === undefined) throw new Error('no pool');
    expect(configValueFor(pool, {})).toEqual({ known: true, value: { max: 10, min: 2, idle: 10000, acquire: 30000 } });
    expect(configValueFor(pool, { DB_POOL_MAX: '25', DB_ACQUIRE: '5000' })).toEqual({ known: true, value: { max: 25, min: 2, idle: 10000, acquire: 5000 } });
    // `||` falls back on an empty string, `??` does not.
    expect(configValueFor(pool, { DB_POOL_MAX: '', DB_ACQUIRE: '' })).toEqual({ known: true, value: { max: 10, min: 2, idle: 10000, acquire: 0 } });
    expect(configValueFor(production?.options as ConfigValue, {})).toEqual({ known: false });
  });

  it('reads .sequelizerc paths relative to the working directory, as sequelize-cli resolves them', () => {
    const root = tempProject();
    mkdirSync(path.join(root, 'config'));
    writeFileSync(path.join(root, '.sequelizerc'), "const path = require('path');\n\nmodule.exports = {\n  config: path.resolve('config', 'database.json'),\n};\n");
    expect(findSequelizeCliConfig(root)).toBeNull();
    writeFileSync(path.join(root, 'config/database.json'), '{ "production": { "dialect": "postgres", "pool": { "max": 9 } } }\n');
    writeFileSync(path.join(root, 'config/config.json'), '{ "production": { "pool": { "max": 99 } } }\n');
    expect(findSequelizeCliConfig(root)).toEqual({ file: path.join(root, 'config/database.json'), via: '.sequelizerc' });
    expect(at(cliEnvironment(cli(root), 'production')?.pool, 'max')).toMatchObject({ value: 9 });
  });

  it('prefers config/config.js over config/config.json, as sequelize-cli does, and reads module.exports.x', () => {
    const root = path.join(FIXTURES, 'cli-js-default');
    expect(findSequelizeCliConfig(root)?.file).toBe(path.join(root, 'config/config.js'));
    const config = cli(root);
    expect(at(cliEnvironment(config, 'development')?.pool, 'max')).toMatchObject({ value: 7 });
    expect(cliEnvironment(config, 'production')?.useEnvVariable).toMatchObject({ value: 'DATABASE_URL' });
  });

  it('reports a malformed config.json by file, line and column, never its content', () => {
    const root = tempProject();
    cpSync(path.join(FIXTURES, 'cli-json'), root, { recursive: true });
    const file = path.join(root, 'config/config.json');
    writeFileSync(file, '{\n  "production": {\n    "password": "s3cr3t-Passw0rd"\n    "pool": { "max": 5 }\n  }\n}\n');
    const result = readSequelizeCliConfig(file);
    expect(result).toBeInstanceOf(ConfigFileError);
    expect((result as ConfigFileError).message).toBe(`${file}:4:5: invalid JSON (CommaExpected)`);
    expect((result as ConfigFileError).message).not.toContain('s3cr3t');
    // require() rejects comments: so does the reader (the app would not start).
    writeFileSync(file, '{ // comment\n "development": {} }\n');
    expect((readSequelizeCliConfig(file) as ConfigFileError).message).toContain(':1:3: invalid JSON (InvalidCommentToken)');
  });

  it('re-reads a config file when it changes and reuses the parse otherwise', () => {
    const root = tempProject();
    cpSync(path.join(FIXTURES, 'cli-json'), root, { recursive: true });
    const file = path.join(root, 'config/config.json');
    const first = cli(root);
    expect(cli(root).value).toBe(first.value);
    writeFileSync(file, readFileSync(file, 'utf8').replace('"max": 50', '"max": 51'));
    utimesSync(file, new Date(), new Date(Date.now() + 5000));
    expect(at(cliEnvironment(cli(root), 'production')?.pool, 'max')).toMatchObject({ value: 51 });
  });
});

describe('node-config', () => {
  const root = path.join(FIXTURES, 'node-config');

  it('merges default.json (with comments), default.yml and local.json for development, with provenance', () => {
    const model = loadNodeConfig({ projectRoot: root, env: {} });
    if (model === null) throw new Error('no model');
    expect(model.environments).toEqual(['development']);
    expect(model.environmentFrom).toBe('default');
    expect(model.files.map((file) => [path.basename(file.file), file.status])).toEqual([
      ['default.json', 'read'],
      ['default.yml', 'read'],
      ['local.json', 'read'],
      ['custom-environment-variables.json', 'read'],
    ]);
    const pool = nodeConfigLookup(model, 'db.options.pool');
    expect(pool.certain).toBe(true);
    expect(configValueFor(pool.value as ConfigValue, {})).toEqual({ known: true, value: { max: 5, min: 1, acquire: 20000 } });
    const min = at(pool.value, 'min');
    expect(min?.source).toMatchObject({ kind: 'file', file: path.join(root, 'config/local.json'), position: { line: 1 } });
    // YAML through js-yaml (what this repository has installed), located from its composition events.
    const acquire = at(pool.value, 'acquire');
    expect(acquire?.source).toMatchObject({ kind: 'file', file: path.join(root, 'config/default.yml'), position: { line: 5, column: 16 } });
    expect(sliceOf(acquire)).toBe('20000');
  });

  it('applies production.json5 and custom-environment-variables, and names production.js as unread', () => {
    const model = loadNodeConfig({ projectRoot: root, env: { NODE_ENV: 'production' } });
    if (model === null) throw new Error('no model');
    expect(model.unread.map((file) => [path.basename(file.file), file.reason])).toEqual([
      ['production.js', 'node-config runs .js files; they are never executed here'],
    ]);
    const max = nodeConfigLookup(model, ['db', 'options', 'pool', 'max']);
    expect(max.certain).toBe(false);
    expect(max.value).toMatchObject({ kind: 'env', name: 'PG_MAX_CONNECTIONS', convert: 'number', fallbackWhen: 'unset-or-empty', fallback: { kind: 'literal', value: 40 } });
    const fallback = max.value?.kind === 'env' ? max.value.fallback : null;
    expect(fallback?.source).toMatchObject({ file: path.join(root, 'config/production.json5'), position: { line: 6, column: 20 } });
    expect(sliceOf(fallback ?? undefined)).toBe('40');
    expect(configValueFor(max.value as ConfigValue, { PG_MAX_CONNECTIONS: '12' })).toEqual({ known: true, value: 12 });
    expect(configValueFor(max.value as ConfigValue, { PG_MAX_CONNECTIONS: '' })).toEqual({ known: true, value: 40 });
    expect(nodeConfigLookup(model, 'db.options.benchmark').value).toMatchObject({ kind: 'literal', value: true });
  });

  it('locates YAML values in sequences, flow mappings and quoted strings, and names the file alone after a merge key', () => {
    const project = tempProject();
    mkdirSync(path.join(project, 'config'));
    // Resolved from this repository's node_modules (js-yaml), as node-config resolves it from the app.
    writeFileSync(path.join(project, 'package.json'), '{}');
    const yaml = 'db:\n  hosts:\n    - "a.example"\n    - b.example\n  pool: { max: 12, min: 2 }\n  name: \'app\'\n';
    writeFileSync(path.join(project, 'config/default.yaml'), yaml);
    const read = readNodeConfigFile(path.join(project, 'config/default.yaml'), REPO_ROOT);
    if (read.status !== 'read') throw new Error(read.status);
    expect(sliceOf(configLookup(read.value, ['db', 'pool', 'max']))).toBe('12');
    expect(sliceOf(configLookup(read.value, ['db', 'name']))).toBe("'app'");
    const hosts = configLookup(read.value, ['db', 'hosts']);
    expect(hosts?.kind === 'array' ? hosts.elements.map(sliceOf) : null).toEqual(['"a.example"', 'b.example']);
    writeFileSync(path.join(project, 'config/default.yaml'), 'base: &base\n  max: 3\ndb:\n  pool:\n    <<: *base\n    min: 1\n');
    const merged = readNodeConfigFile(path.join(project, 'config/default.yaml'), REPO_ROOT);
    if (merged.status !== 'read') throw new Error(merged.status);
    expect(configValueFor(merged.value, {})).toEqual({ known: true, value: { base: { max: 3 }, db: { pool: { max: 3, min: 1 } } } });
    expect(configLookup(merged.value, ['db', 'pool', 'min'])?.source).toEqual({ kind: 'file', file: path.join(project, 'config/default.yaml'), position: null });
  });

  it('lets NODE_CONFIG_ENV win over NODE_ENV and applies NODE_CONFIG after the files', () => {
    const model = loadNodeConfig({ projectRoot: root, env: { NODE_ENV: 'development', NODE_CONFIG_ENV: 'production', NODE_CONFIG: '{"db":{"options":{"pool":{"idle":5000}}}}' } });
    expect(model?.environments).toEqual(['production']);
    expect(model?.environmentFrom).toBe('NODE_CONFIG_ENV');
    const idle = model === null || model === undefined ? undefined : nodeConfigLookup(model, 'db.options.pool.idle').value;
    expect(idle).toEqual({ kind: 'literal', value: 5000, source: { kind: 'env-json', variable: 'NODE_CONFIG' } });
    const broken = loadNodeConfig({ projectRoot: root, env: { NODE_CONFIG: '{db:' } });
    expect(broken?.warnings).toEqual(['NODE_CONFIG is not valid JSON: node-config logs an error and ignores it']);
  });

  it('reads NODE_CONFIG_DIR relative to the project, and returns null without config files', () => {
    const project = tempProject();
    expect(loadNodeConfig({ projectRoot: project, env: {} })).toBeNull();
    cpSync(path.join(root, 'config'), path.join(project, 'settings'), { recursive: true });
    const model = loadNodeConfig({ projectRoot: project, env: { NODE_CONFIG_DIR: './settings' } });
    expect(model?.directories).toEqual([path.join(project, 'settings')]);
    // Outside this repository no YAML package resolves: node-config would skip the file, and says why.
    expect(model?.unread.map((file) => [path.basename(file.file), file.reason])).toEqual([
      ['default.yml', 'node-config reads YAML only with the `yaml` or `js-yaml` package, and the project has neither'],
    ]);
  });

  it('throws a parse error that names file, line and column, never the password', () => {
    const project = tempProject();
    cpSync(path.join(root, 'config'), path.join(project, 'config'), { recursive: true });
    writeFileSync(path.join(project, 'config/default.json'), '{\n  "db": {\n    "password": "s3cr3t-Passw0rd\n  }\n}\n');
    let error: unknown;
    try {
      loadNodeConfig({ projectRoot: project, env: {} });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigFileError);
    expect((error as Error).message).toMatch(/default\.json:3:17: invalid JSON \(UnexpectedEndOfString\)$/u);
    expect((error as Error).message).not.toContain('s3cr3t');
    expect(() => readNodeConfig(path.join(project, 'config'), 'development')).toThrow(/default\.json:3:17/u);
  });

  it('agrees with node-config 5 itself on every value it reads (differential)', () => {
    const project = path.join(FIXTURES, 'node-config-diff');
    for (const env of [{ NODE_ENV: 'development' }, { NODE_ENV: 'staging' }, { NODE_ENV: 'staging', POOL_MAX: '33', POOL_MIN: '' }, { NODE_CONFIG_ENV: 'staging', NODE_ENV: 'production', POOL_MIN: '3' }]) {
      const real = JSON.parse(
        execFileSync(process.execPath, ['-e', "process.stdout.write(JSON.stringify(require('config')))"], {
          cwd: project,
          env: { PATH: process.env.PATH, NODE_PATH: path.join(REPO_ROOT, 'node_modules'), SUPPRESS_NO_CONFIG_WARNING: '1', HOSTNAME: 'no-such-host', ...env },
          encoding: 'utf8',
        }),
      ) as unknown;
      const model = loadNodeConfig({ projectRoot: project, env });
      if (model === null) throw new Error('no model');
      expect(model.unread).toEqual([]);
      expect(configValueFor(model.values, env)).toEqual({ known: true, value: real });
    }
  });
});

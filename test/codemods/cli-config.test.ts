/**
 * When the codemod plans a sequelize-cli config.json (codemods/cli-config.ts), and when it keeps the module-only
 * migration: the edge shapes around the real modules of test/codemods/corpus (21, 30, 31), written here.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { migratePoolConfig } from '../../codemods/pool-config';
import { clearConfigFileCache } from '../../lib/project/config-files';

let root = '';

beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), 'codemod-cli-config-'));
  mkdirSync(path.join(root, 'models'));
  mkdirSync(path.join(root, 'config'));
  clearConfigFileCache();
});

afterEach(() => rmSync(root, { recursive: true, force: true }));

const MODELS_INDEX = `const Sequelize = require('sequelize');
const env = process.env.NODE_ENV || 'development';
const config = require(__dirname + '/../config/config.json')[env];
module.exports = new Sequelize(config.database, config.username, config.password, config);
`;

function migrate(module: string, config: unknown) {
  writeFileSync(path.join(root, 'config', 'config.json'), typeof config === 'string' ? config : JSON.stringify(config, null, 2));
  const file = path.join(root, 'models', 'index.js');
  writeFileSync(file, module);
  return migratePoolConfig(module, file, { processes: 4, cliConfig: { root } });
}

describe('sequelize-cli config.json plans', () => {
  it('sizes a replicated environment for two pools per instance, and notes a pool under replication.read', () => {
    const result = migrate(MODELS_INDEX, {
      production: { dialect: 'postgres', replication: { read: [{ host: 'replica', pool: { max: 50 } }], write: { host: 'primary' } } },
    });
    const [plan] = result.cliConfigs;
    expect(plan?.changes.find((change) => change.path.join('.') === 'production.pool.max')?.value).toBe(10);
    expect(result.notes).toContain(
      'config/config.json production: the pool inside replication.read is ignored by Sequelize (both the read and the write pool use the top-level pool); left as written',
    );
    expect(result.warnings).toEqual([]);
  });

  it('skips the construction, with the SQLite reason, when every environment of the config is SQLite', () => {
    const result = migrate(MODELS_INDEX, { development: { dialect: 'sqlite', storage: 'dev.sqlite' }, test: { dialect: 'sqlite', storage: ':memory:' } });
    expect(result.changed).toBe(false);
    expect(result.skipped).toEqual([expect.stringContaining("new Sequelize at line 4: SQLite has no pool") as string]);
    expect(result.cliConfigs).toEqual([]);
  });

  it('plans only the environment a literal index selects', () => {
    const result = migrate(MODELS_INDEX.replace('[env]', ".production"), { development: { dialect: 'mysql' }, production: { dialect: 'postgres', pool: { max: 3 } } });
    expect(result.cliConfigs[0]?.changes.map((change) => change.path.join('.'))).toEqual([
      'production.pool.min',
      'production.pool.idle',
      'production.pool.acquire',
      'production.pool.evict',
    ]);
    // max 3 fits and stays; min is never above it.
    expect(result.cliConfigs[0]?.changes[0]?.value).toBe(2);
  });

  it('keeps the module-only migration when the URL, not the config, decides the dialect (new Sequelize(process.env.DATABASE_URL, config))', () => {
    const result = migrate(MODELS_INDEX.replace('config.database, config.username, config.password, config', 'process.env.DATABASE_URL, config'), {
      production: { dialect: 'mysql' },
    });
    expect(result.cliConfigs).toEqual([]);
    expect(result.warnings.map((warning) => warning.message)).toEqual([
      expect.stringContaining('its pool comes from config; the codemod cannot see its max') as string,
    ]);
  });

  it('leaves a null pool and a missing dialect alone with a warning each; a file that does not parse is a note, and the module-only warning', () => {
    const result = migrate(MODELS_INDEX, { development: { dialect: 'postgres', pool: null }, production: { host: 'db' } });
    expect(result.warnings.map((warning) => warning.message)).toEqual([
      'config/config.json development: its pool is null; replace it with an object by hand; left alone',
      'config/config.json production: it has no dialect (Sequelize requires one); left alone',
    ]);
    expect(result.cliConfigs[0]?.changes).toEqual([]);

    clearConfigFileCache();
    const broken = migrate(MODELS_INDEX, '{\n  "development": { "password": "hunter2", }\n}');
    expect(broken.cliConfigs).toEqual([]);
    expect(broken.notes).toContain('config/config.json does not parse (line 2), so it is not edited (withPoolSettings fills what it leaves unset, at run time)');
    expect(broken.warnings).toHaveLength(1);
    expect(JSON.stringify(broken)).not.toContain('hunter2');
  });
});

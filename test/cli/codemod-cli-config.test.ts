/**
 * The `codemod` command on a sequelize-cli app: the real `server/models/index.js` and `server/config/config.json`
 * of AKELBASRI/gestionstock1 (test/codemods/corpus/31-…, PROVENANCE.md there), in a temporary git repository, run
 * through the built bin. Where a case needs a config the corpus does not have (a production pool over the
 * budget, `use_env_variable`), the real file is changed in the test, and the test says how.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { treeHash } from './tree-hash';

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const BIN = path.join(REPO_ROOT, 'dist', 'cli', 'index.js');
const CORPUS_APP = path.join(REPO_ROOT, 'test', 'codemods', 'corpus', '31-gestionstock-cli-mysql-classic');
const MODULE = 'server/models/index.js';
const CONFIG = 'server/config/config.json';

let app = '';

function git(...args: string[]): string {
  return execFileSync('git', args, { cwd: app, encoding: 'utf8' });
}

function commit(): void {
  git('add', '-A');
  git('-c', 'user.email=ci@example.com', '-c', 'user.name=CI', 'commit', '--allow-empty', '-qm', 'state');
}

function codemod(...args: string[]) {
  const result = spawnSync(process.execPath, [BIN, 'codemod', MODULE, ...args], { cwd: app, encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const read = (file: string): string => readFileSync(path.join(app, file), 'utf8');

/** The real config with one environment changed as a case needs (a derived file: the test names the change). */
function editConfig(change: (config: Record<string, Record<string, unknown>>) => void): void {
  const config = JSON.parse(read(CONFIG)) as Record<string, Record<string, unknown>>;
  change(config);
  writeFileSync(path.join(app, CONFIG), `${JSON.stringify(config, null, 2)}\n`);
  commit();
}


type Pools = Record<string, { pool?: Record<string, number> }>;

beforeAll(() => {
  if (!existsSync(BIN)) throw new Error('dist/ is missing: run `npm run build` first (npm test does)');
});

beforeEach(() => {
  app = mkdtempSync(path.join(tmpdir(), 'sequelize-pool-cli-config-'));
  cpSync(CORPUS_APP, app, { recursive: true });
  rmSync(path.join(app, 'PROVENANCE.md'));
  git('init', '-q');
  commit();
});

afterEach(() => {
  rmSync(app, { recursive: true, force: true });
});

describe('codemod on a sequelize-cli models/index.js with config/config.json', () => {
  it('sizes every environment in config.json for its own database, announces each key, keeps the file’s bytes, and promises the budget', () => {
    const original = read(CONFIG);
    const first = codemod('--processes', '4');
    expect(first.stderr).toBe('');
    expect(first.status).toBe(0);
    expect(first.stdout).toContain(
      `changed ${CONFIG} (pool per environment)\n` +
        '  development: pool.max unset (ran as 5) → 34: unset, so Sequelize v6 (assumed) used 5; now explicit: 4 processes × max 34 = 136 connections of the 151 MySQL allows (151)\n',
    );
    expect(first.stdout).toContain('  production: pool.evict unset (ran as 1000) → 10000: unset, so Sequelize v6 (assumed) used 1000; now explicit: idle connections are swept every 10 s\n');
    expect(first.stdout).toContain('1 changed / 0 unchanged / 0 skipped / 0 errors / 0 warnings');
    expect(first.stdout).toContain('budget: 4 processes × max 34 = 136 connections of the 151 MySQL allows (151)\n');
    expect(first.stdout).not.toContain('not promised');
    // The module's withPoolSettings no longer fills anything here: every environment sets every key.
    expect(first.stdout).not.toMatch(/line 1[46]: pool\./u);

    const edited = read(CONFIG);
    const pool = { max: 34, min: 2, idle: 10000, acquire: 30000, evict: 10000 };
    expect(JSON.parse(edited)).toEqual(
      Object.fromEntries(Object.entries(JSON.parse(original) as Pools).map(([name, options]) => [name, { ...options, pool }])),
    );
    // Only insertions: every original line is still there, apart from the comma the line before the pool gains.
    const lines = edited.split('\n');
    for (const line of original.split('\n')) expect(lines.some((entry) => entry === line || entry === `${line},`), line).toBe(true);
    expect(edited.endsWith('}')).toBe(true); // the file had no final newline, and still has none

    commit();
    const hash = treeHash(app);
    const second = codemod('--processes', '4');
    expect(second.status).toBe(0);
    expect(second.stdout).toContain(`unchanged ${MODULE}`);
    expect(treeHash(app)).toBe(hash);
  });

  it('lowers a production max over the budget in config.json, with the arithmetic (issue 13: 7 × 50 = 350 while the summary said 7 × 12)', () => {
    // Derived: the real production environment on PostgreSQL with the issue's `"pool": { "max": 50 }`.
    editConfig((config) => {
      config['production'] = { ...config['production'], dialect: 'postgres', pool: { max: 50 } };
    });
    const result = codemod('--processes', '7', '--max-connections', '100');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('  production: pool.max 50 → 12: 7 × 50 = 350 > 97 usable PostgreSQL connections (100 − 3 reserved)\n');
    expect(result.stdout).toContain('  production: pool.min unset (ran as 0) → 2: ');
    const config = JSON.parse(read(CONFIG)) as Pools;
    expect(config['production']?.pool).toEqual({ max: 12, min: 2, idle: 10000, acquire: 30000, evict: 10000 });
    expect(config['development']?.pool).toEqual({ max: 12, min: 2, idle: 10000, acquire: 30000, evict: 10000 });
    // --max-connections is the database's limit whatever the dialect; each dialect keeps its own reserved slots.
    expect(result.stdout).toContain('budget: server/config/config.json development, test: 7 processes × max 12 = 84 connections of the 100 MySQL allows (100)\n');
    expect(result.stdout).toContain('budget: server/config/config.json production: 7 processes × max 12 = 84 connections of the 97 PostgreSQL allows (100 − 3 reserved)\n');
  });

  it('leaves an environment that uses use_env_variable alone, with a warning, exit 1 and no budget promised; edits the others', () => {
    // Derived: production connecting through DATABASE_URL, as sequelize-cli's generated config suggests.
    editConfig((config) => {
      config['production'] = { use_env_variable: 'DATABASE_URL', dialect: 'mysql', pool: { max: 80 } };
    });
    const result = codemod('--processes', '4');
    expect(result.status).toBe(1);
    expect(result.stdout).toContain(
      '  warning: server/config/config.json production: it connects through use_env_variable, so its dialect (and the database the budget is for) is in a URL the codemod cannot read; set its pool by hand; left alone\n',
    );
    expect(result.stdout).toContain('budget: not promised: 1 pool above could not be proven to fit');
    // withPoolSettings still fills what production leaves unset, and says so.
    expect(result.stdout).toContain('  line 14: pool.min unset (ran as 0) → 2 (at most max), where config leaves it unset (server/config/config.json: production): ');
    const config = JSON.parse(read(CONFIG)) as Pools;
    expect(config['production']?.pool).toEqual({ max: 80 });
    expect(config['test']?.pool?.max).toBe(34);
  });

  it('--dry writes nothing and prints both diffs; the config diff shows the lines it writes, never a value the file had', () => {
    editConfig((config) => {
      config['development'] = { ...config['development'], password: 'hunter2' };
    });
    const hash = treeHash(app);
    const result = codemod('--dry', '--processes', '4');
    expect(result.status).toBe(0);
    expect(treeHash(app)).toBe(hash);
    expect(result.stdout).toContain(`--- a/${MODULE}\n+++ b/${MODULE}\n`);
    expect(result.stdout).toContain(`--- a/${CONFIG}\n+++ b/${CONFIG}\n`);
    expect(result.stdout).toContain('+    "pool": {\n+      "max": 34,\n');
    expect(result.stdout).toContain('-    "dialect": …\n+    "dialect": …,\n');
    expect(result.stdout).not.toContain('hunter2');
  });

  it('writes neither file when config.json cannot be written (all or nothing), and keeps a 0600 config’s mode', () => {
    const file = path.join(app, CONFIG);
    chmodSync(file, 0o444);
    commit();
    const module = read(MODULE);
    const refused = codemod('--processes', '4');
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain(`error   ${CONFIG}: cannot write (it is read-only (mode 0444); make it writable to migrate it); nothing was written`);
    expect(read(MODULE)).toBe(module);

    chmodSync(file, 0o600);
    commit();
    expect(codemod('--processes', '4').status).toBe(0);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(read(MODULE)).not.toBe(module);
  });

  it('keeps a byte order mark and CRLF line endings in config.json (a derived copy of the real file)', () => {
    const file = path.join(app, CONFIG);
    writeFileSync(file, `\uFEFF${read(CONFIG).replaceAll('\n', '\r\n')}`);
    commit();
    expect(codemod('--processes', '4').status).toBe(0);
    const bytes = readFileSync(file, 'utf8');
    expect(bytes.startsWith('\uFEFF{\r\n')).toBe(true);
    expect(bytes.replaceAll('\r\n', '')).not.toContain('\n');
    expect(bytes).toContain('"pool": {\r\n      "max": 34,\r\n');
  });

  it('plans the file once when two modules of the run read it (a script next to models/index.js)', () => {
    writeFileSync(
      path.join(app, 'server', 'report.js'),
      "const { Sequelize } = require('sequelize');\nconst env = process.env.NODE_ENV || 'development';\nconst config = require(__dirname + '/config/config.json')[env];\nmodule.exports = new Sequelize(config.database, config.username, config.password, config);\n",
    );
    commit();
    const result = spawnSync(process.execPath, [BIN, 'codemod', MODULE, 'server/report.js', '--processes', '4'], { cwd: app, encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout.match(/^changed server\/config\/config\.json/gmu)).toHaveLength(1);
    expect(result.stdout.match(/^ {2}production: pool\.max unset/gmu)).toHaveLength(1);
    expect(result.stdout).toContain('2 changed / 0 unchanged / 0 skipped / 0 errors / 0 warnings');
    expect((JSON.parse(read(CONFIG)) as Pools)['production']?.pool).toEqual({ max: 34, min: 2, idle: 10000, acquire: 30000, evict: 10000 });
  });

  it('keeps today’s warning when the module may change the pool before new Sequelize (config.pool assigned)', () => {
    writeFileSync(path.join(app, MODULE), read(MODULE).replace("const db = {};", "config.pool = { max: 100 };\nconst db = {};"));
    commit();
    const config = read(CONFIG);
    const result = codemod('--processes', '4');
    expect(result.status).toBe(1);
    expect(result.stdout).toContain('its pool comes from config; the codemod cannot see its max');
    expect(read(CONFIG)).toBe(config);
  });
});

/**
 * The `codemod` command on a temporary git repository holding a copy of examples/legacy-server, run through
 * the built bin exactly as `npx eslint-plugin-sequelize-pool codemod` would run it.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { treeHash } from './tree-hash';

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const BIN = path.join(REPO_ROOT, 'dist', 'cli', 'index.js');
const EXAMPLE = path.join(REPO_ROOT, 'examples', 'legacy-server');

let app = '';

function git(...args: string[]): string {
  return execFileSync('git', args, { cwd: app, encoding: 'utf8' });
}

function codemod(...args: string[]) {
  const result = spawnSync(process.execPath, [BIN, 'codemod', ...args], { cwd: app, encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}


const read = (file: string): string => readFileSync(path.join(app, file), 'utf8');

beforeAll(() => {
  if (!existsSync(BIN)) throw new Error('dist/ is missing: run `npm run build` first (npm test does)');
});

beforeEach(() => {
  app = mkdtempSync(path.join(tmpdir(), 'sequelize-pool-codemod-'));
  cpSync(EXAMPLE, app, { recursive: true });
  git('init', '-q');
  git('add', '-A');
  git('-c', 'user.email=ci@example.com', '-c', 'user.name=CI', 'commit', '-qm', 'legacy app');
});

afterEach(() => {
  rmSync(app, { recursive: true, force: true });
});

describe('codemod command', () => {
  it('migrates server/db/sequelize.js and its pool into config/default.json, announces each change, then finds nothing left to do', () => {
    const first = codemod('--processes', '7', '--max-connections', '100');
    expect(first.stderr).toBe('');
    expect(first.status).toBe(0);
    expect(first.stdout).toContain(
      'changed server/db/sequelize.js\n  processes: 7 from --processes\n  line 7: pool.max 100 → 12: 7 × 100 = 700 > 97 usable PostgreSQL connections (100 − 3 reserved)\n',
    );
    expect(first.stdout).toContain('  line 7: pool.acquire unset (ran as 60000) → 30000:');
    expect(first.stdout).toContain('1 changed / 0 unchanged / 0 skipped / 0 errors / 0 warnings');
    expect(first.stdout).toContain('budget: 7 processes × max 12 = 84 connections of the 97 PostgreSQL allows (100 − 3 reserved)');

    const module = read('server/db/sequelize.js');
    expect(module).toContain('  withPoolSettings({\n');
    expect(module).toContain('    pool: { max: 12, min: 2, idle: 10000, acquire: 30000, evict: 10000 },\n');
    expect(first.stdout).toContain('changed config/default.json (db.options.pool, the same values as the module)');
    // The JSON edit keeps every original line and the file's two-space indentation, and adds only the pool.
    const original = readFileSync(path.join(EXAMPLE, 'config', 'default.json'), 'utf8').split('\n');
    const edited = read('config/default.json');
    expect((JSON.parse(edited) as { db: { options: unknown } }).db.options).toEqual({ pool: { max: 12, min: 2, idle: 10000, acquire: 30000, evict: 10000 } });
    for (const line of original.filter((entry) => !entry.includes('"password"'))) expect(edited.split('\n')).toContain(line);

    git('add', '-A');
    git('-c', 'user.email=ci@example.com', '-c', 'user.name=CI', 'commit', '-qm', 'migrated');
    const before = treeHash(app);
    const second = codemod('--processes', '7', '--max-connections', '100');
    expect(second.status).toBe(0);
    expect(second.stdout).toContain('0 changed / 1 unchanged / 0 skipped / 0 errors');
    expect(treeHash(app)).toBe(before);
  });

  it('loads and runs the migrated module with NODE_ENV=dev against the example config', () => {
    expect(codemod('--processes', '7').status).toBe(0);
    const script = `
      const { sequelize } = require('./server/db/sequelize.js');
      const pool = sequelize.connectionManager.config.pool;
      console.log(JSON.stringify({ max: pool.max, min: pool.min, idle: pool.idle, acquire: pool.acquire, evict: pool.evict,
        logging: sequelize.options.logging, benchmark: sequelize.options.benchmark }));
      sequelize.close();`;
    const result = spawnSync(process.execPath, ['-e', script], {
      cwd: app,
      encoding: 'utf8',
      env: { ...process.env, NODE_ENV: 'dev', NODE_PATH: path.join(REPO_ROOT, 'node_modules'), NODE_CONFIG_DIR: path.join(app, 'config') },
    });
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toEqual({ max: 12, min: 2, idle: 10000, acquire: 30000, evict: 10000, logging: false, benchmark: false });

    // Config overrides reach the pool and switch logging on (console.log: the options had no logging function).
    writeFileSync(
      path.join(app, 'config', 'dev.json'),
      JSON.stringify({ db: { options: { pool: { max: 4 }, logging: true, benchmark: true } } }),
    );
    const overridden = spawnSync(process.execPath, ['-e', script.replace('logging: sequelize.options.logging', 'logging: typeof sequelize.options.logging')], {
      cwd: app,
      encoding: 'utf8',
      env: { ...process.env, NODE_ENV: 'dev', NODE_PATH: path.join(REPO_ROOT, 'node_modules'), NODE_CONFIG_DIR: path.join(app, 'config') },
    });
    expect(JSON.parse(overridden.stdout)).toEqual({ max: 4, min: 2, idle: 10000, acquire: 30000, evict: 10000, logging: 'function', benchmark: true });
  });

  it('--dry prints unified diffs and writes nothing, even on a dirty tree', () => {
    writeFileSync(path.join(app, 'scratch.txt'), 'uncommitted\n');
    const before = treeHash(app);
    const result = codemod('--dry', '--processes', '7');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('--- a/server/db/sequelize.js');
    expect(result.stdout).toContain('+++ b/server/db/sequelize.js');
    expect(result.stdout).toContain('-    pool: { max: 100 },');
    expect(result.stdout).toContain('+    pool: { max: 12, min: 2, idle: 10000, acquire: 30000, evict: 10000 },');
    expect(result.stdout).toContain('--- a/config/default.json');
    expect(result.stdout).toContain('1 would change / 0 unchanged / 0 skipped / 0 errors / 0 warnings');
    expect(treeHash(app)).toBe(before);
  });

  it('--print prints each rewritten file; with --dry nothing is written', () => {
    const before = treeHash(app);
    const result = codemod('--print', '--dry', '--processes', '7');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("  const options = config.has('db.options') ? config.get('db.options') : {};\n");
    expect(result.stdout).toContain("module.exports = { sequelize, Sequelize, poolStats, forceReleasePool };\n");
    expect(treeHash(app)).toBe(before);
  });

  it('refuses a dirty git tree unless --force', () => {
    writeFileSync(path.join(app, 'server', 'main.js'), `${read('server/main.js')}\n// wip\n`);
    const before = treeHash(app);
    const refused = codemod('--processes', '7');
    expect(refused.status).toBe(2);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toBe(
      'eslint-plugin-sequelize-pool: the git working tree has 1 uncommitted change; commit or stash first, or pass --force (or --dry to preview)\n',
    );
    expect(treeHash(app)).toBe(before);
    const forced = codemod('--processes', '7', '--force');
    expect(forced.status).toBe(0);
    expect(read('server/db/sequelize.js')).toContain('withPoolSettings(');
  });

  it('reports an unparsable file, leaves it byte-identical and exits 1', () => {
    const broken = "const { Sequelize } = require('sequelize');\nmodule.exports = new Sequelize('postgres://db', { pool: { max: 10,, } });\n";
    writeFileSync(path.join(app, 'server', 'db', 'broken.js'), broken);
    git('add', '-A');
    git('-c', 'user.email=ci@example.com', '-c', 'user.name=CI', 'commit', '-qm', 'broken');
    const result = codemod('server/db/broken.js');
    expect(result.status).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([
      'error   server/db/broken.js: cannot parse (2:67: Parsing error: Unexpected token ,); left unchanged',
    ]);
    expect(result.stdout).toContain('0 changed / 0 unchanged / 0 skipped / 1 errors');
    expect(read('server/db/broken.js')).toBe(broken);
  });

  it('warns and exits 1, printing no budget line, when it cannot prove a pool fits', () => {
    writeFileSync(
      path.join(app, 'server', 'db', 'spread.js'),
      "const { Sequelize } = require('sequelize');\nconst config = require('config');\nmodule.exports = new Sequelize('postgres://db', { ...config.get('db.options') });\n",
    );
    git('add', '-A');
    git('-c', 'user.email=ci@example.com', '-c', 'user.name=CI', 'commit', '-qm', 'spread');
    const result = codemod('server/db/spread.js', '--processes', '7');
    expect(result.status).toBe(1);
    expect(result.stdout).toContain(
      "  warning: new Sequelize at line 3: its pool comes from config.get('db.options'); the codemod cannot see its max, so it cannot promise 7 processes × max 12",
    );
    expect(result.stdout).toContain('1 changed / 0 unchanged / 0 skipped / 0 errors / 1 warnings');
    expect(result.stdout).toContain('budget: not promised: 1 pool above could not be proven to fit');
    expect(result.stdout).not.toMatch(/^budget: 7 processes/mu);
  });

  it('refuses, with the arithmetic, a budget no pool fits (never max: 0)', () => {
    const before = treeHash(app);
    const result = codemod('--processes', '200', '--max-connections', '100');
    expect(result.status).toBe(2);
    expect(result.stderr).toBe(
      'eslint-plugin-sequelize-pool: no pool fits: 200 processes × max 1 = 200 > 87 connections (100 − 3 reserved − 10 kept for migrations, psql and monitoring); raise --max-connections or run fewer processes\n',
    );
    expect(treeHash(app)).toBe(before);
  });

  it.each([
    [['--frobnicate'], "eslint-plugin-sequelize-pool: Unknown option '--frobnicate'"],
    [['--processes', 'seven'], 'eslint-plugin-sequelize-pool: --processes must be an integer ≥ 1, got "seven"'],
    [['--max', '0'], 'eslint-plugin-sequelize-pool: --max must be an integer ≥ 1, got "0"'],
    [['missing.js'], 'eslint-plugin-sequelize-pool: no such file or directory: missing.js'],
  ])('rejects bad arguments %j with one line and exit 2', (args, message) => {
    const before = treeHash(app);
    const result = codemod(...args);
    expect(result.status).toBe(2);
    expect(result.stderr.split('\n').filter(Boolean)).toHaveLength(1);
    expect(result.stderr).toContain(message);
    expect(result.stderr).not.toMatch(/^\s+at /mu);
    expect(treeHash(app)).toBe(before);
  });

  it('prints its help', () => {
    const result = codemod('--help');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^Usage: eslint-plugin-sequelize-pool codemod \[paths\.\.\.\] \[options\]/u);
  });
});

/**
 * `npx codemod`: the Codemod workflow package in codemod/ (codemod.yaml + workflow.yaml), validated and run by the
 * pinned Codemod CLI (`codemod` from the npm registry: its native binary comes inside a per-platform registry package)
 * on temporary copies of the example app, offline once installed. Each run must leave exactly the files our own
 * `codemod` command leaves with the same options.
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { CODEMOD_HELP } from '../../cli/codemod';
import { INSTALL_TIMEOUT, installCodemodCli } from './install-sources';

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const PACKAGE_DIR = path.join(REPO_ROOT, 'codemod');
let CODEMOD = '';
const CLI = path.join(REPO_ROOT, 'dist', 'cli', 'index.js');
const EXAMPLE = path.join(REPO_ROOT, 'examples', 'legacy-server');

let scratch = '';

/** No telemetry, no update check against a user's settings: a private HOME, analytics off, no colour. */
function environment(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: path.join(scratch, 'home'), NO_COLOR: '1', DO_NOT_TRACK: '1' };
  for (const key of Object.keys(env)) if (key.startsWith('GIT_')) delete env[key];
  return env;
}

function run(command: string, args: string[], cwd: string): SpawnSyncReturns<string> {
  const result = spawnSync(command, args, { cwd, env: environment(), encoding: 'utf8', timeout: 120_000 });
  if (result.error) throw result.error;
  return result;
}

/** A fresh copy of the example app in its own git repository with one commit, as a user's checkout. */
function exampleApp(name: string): string {
  const app = path.join(scratch, name);
  cpSync(EXAMPLE, app, { recursive: true });
  for (const args of [['init', '-q'], ['add', '.'], ['-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-qm', 'app']]) {
    const result = run('git', args, app);
    if (result.status !== 0) throw new Error(`git ${args.join(' ')}: ${result.stderr}`);
  }
  return app;
}

/** Every file of `dir` but .git, path → content. */
function snapshot(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (current: string): void => {
    for (const entry of readdirSync(current, { withFileTypes: true })) {
      if (entry.name === '.git') continue;
      const full = path.join(current, entry.name);
      if (entry.isDirectory()) walk(full);
      else files[path.relative(dir, full)] = readFileSync(full, 'utf8');
    }
  };
  walk(dir);
  return files;
}

function workflowRun(app: string, params: Record<string, string>, extra: string[] = []): SpawnSyncReturns<string> {
  const paramArgs = Object.entries(params).flatMap(([key, value]) => ['--param', `${key}=${value}`]);
  return run(CODEMOD, ['workflow', 'run', '-w', PACKAGE_DIR, ...paramArgs, '--no-interactive', '--disable-analytics', ...extra], app);
}

beforeAll(() => {
  if (!existsSync(CLI)) throw new Error('dist/ is missing: run `npm run build` first (npm test does)');
  scratch = mkdtempSync(path.join(tmpdir(), 'sequelize-pool-codemod-workflow-'));
  CODEMOD = installCodemodCli(scratch);
}, INSTALL_TIMEOUT);

afterAll(() => {
  if (scratch !== '') rmSync(scratch, { recursive: true, force: true });
});

describe('the workflow package', () => {
  it('passes `codemod workflow validate`', () => {
    const result = run(CODEMOD, ['workflow', 'validate', '-w', PACKAGE_DIR, '--disable-analytics'], REPO_ROOT);
    expect(result.status, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toContain('Package validation successful');
  });

  it('has this release\'s version and a parameter for every option of our codemod command', () => {
    const { version } = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
    const manifest = readFileSync(path.join(PACKAGE_DIR, 'codemod.yaml'), 'utf8');
    expect(/^version: "(.+)"$/mu.exec(manifest)?.[1]).toBe(version);

    const workflow = readFileSync(path.join(PACKAGE_DIR, 'workflow.yaml'), 'utf8');
    const params = [...workflow.matchAll(/^ {4}(\w+):\n {6}type: string$/gmu)].map((match) => match[1]);
    // --print writes whole files to the terminal, which a workflow's log is not for.
    const commandOnly = new Set(['print', 'help']);
    const options = [...CODEMOD_HELP.matchAll(/^ {2}(?:-\w, )?--([\w-]+)/gmu)]
      .map((match) => match[1] ?? '')
      .filter((option) => !commandOnly.has(option))
      .map((option) => option.replaceAll('-', '_'));
    expect(options.length).toBeGreaterThan(4);
    expect([...params].sort()).toEqual([...options, 'paths'].sort());
  });
});

describe('`codemod workflow run` on a copy of the example app', () => {
  it.each([
    ['the README\'s line: 7 processes, 100 connections', { processes: '7', max_connections: '100' }, ['--processes', '7', '--max-connections', '100']],
    [
      'every parameter',
      { processes: '4', max_connections: '200', reserved: '5', max: '20', idle_in_transaction_timeout: '60000', paths: 'server/db/sequelize.js', config: 'config/default.json' },
      ['--processes', '4', '--max-connections', '200', '--reserved', '5', '--max', '20', '--idle-in-transaction-timeout', '60000', '--config', 'config/default.json', 'server/db/sequelize.js'],
    ],
  ])('%s: the same files as our codemod command', (name, params, options) => {
    const viaWorkflow = exampleApp(`workflow-${name.length}`);
    const viaCommand = exampleApp(`command-${name.length}`);
    const before = snapshot(viaWorkflow);

    const workflow = workflowRun(viaWorkflow, params);
    expect(workflow.status, workflow.stdout + workflow.stderr).toBe(0);
    const command = run(process.execPath, [CLI, 'codemod', ...options], viaCommand);
    expect(command.status, command.stdout + command.stderr).toBe(0);

    const after = snapshot(viaWorkflow);
    expect(after).toEqual(snapshot(viaCommand));
    // It did migrate: the setup module and the config changed, nothing else.
    expect(Object.keys(after).filter((file) => after[file] !== before[file]).sort()).toEqual(['config/default.json', 'server/db/sequelize.js']);
    expect(workflow.stdout).toContain('changed server/db/sequelize.js');
  });

  it('refuses a dirty git tree and writes nothing (our command checks: the Codemod CLI does not before a shell step)', () => {
    const app = exampleApp('dirty');
    writeFileSync(path.join(app, 'notes.txt'), 'uncommitted\n');
    const before = snapshot(app);
    const result = workflowRun(app, { processes: '7' });
    expect(result.status).not.toBe(0);
    expect(result.stdout + result.stderr).toContain('the git working tree has 1 uncommitted change; commit or stash first');
    expect(snapshot(app)).toEqual(before);

    const forced = workflowRun(app, { processes: '7', force: 'true' });
    expect(forced.status, forced.stdout + forced.stderr).toBe(0);
    expect(snapshot(app)['server/db/sequelize.js']).not.toBe(before['server/db/sequelize.js']);
  });

  it('dry=true previews a diff and writes nothing', () => {
    const app = exampleApp('dry');
    const before = snapshot(app);
    const result = workflowRun(app, { processes: '7', dry: 'true' });
    expect(result.status, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toContain('+    pool: { max: 12, min: 2, idle: 10000, acquire: 30000, evict: 10000 },');
    expect(snapshot(app)).toEqual(before);
  });

  it('passes our command\'s failure through: a bad parameter fails the run with its one-line message', () => {
    const app = exampleApp('bad-param');
    const before = snapshot(app);
    const result = workflowRun(app, { processes: 'seven' });
    expect(result.status).not.toBe(0);
    expect(result.stdout + result.stderr).toMatch(/eslint-plugin-sequelize-pool: .*processes/u);
    expect(snapshot(app)).toEqual(before);
  });
});

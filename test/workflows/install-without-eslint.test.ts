/**
 * The commands need no linter: the `npm pack` tarball installed into a fresh project without any peer dependency
 * (`--legacy-peer-deps`: no ESLint, no TypeScript, no @typescript-eslint/parser, as a yarn or legacy-peer-deps user
 * gets it), then `--version`, `doctor` (static) and `codemod --dry` run on a copy of the example app.
 */
import { cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { EXAMPLE_FILES } from './example-findings';
import { INSTALL_TIMEOUT, must, packTarball, REPO_ROOT, runAsync, runSync, userEnvironment, VERSION } from './install-sources';

let scratch = '';
let project = '';
let env: NodeJS.ProcessEnv = {};

beforeAll(async () => {
  scratch = mkdtempSync(path.join(tmpdir(), 'sequelize-pool-no-eslint-'));
  env = userEnvironment(scratch);
  const tarball = packTarball(scratch);
  project = path.join(scratch, 'legacy-server');
  for (const entry of EXAMPLE_FILES) cpSync(path.join(REPO_ROOT, 'examples', 'legacy-server', entry), path.join(project, entry), { recursive: true });
  writeFileSync(path.join(project, 'package.json'), `${JSON.stringify({ name: 'legacy-server', version: '1.0.0', private: true }, null, 2)}\n`);
  must(
    await runAsync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--legacy-peer-deps', '--save-dev', tarball], project, env),
    'npm install --legacy-peer-deps',
  );
  writeFileSync(path.join(project, '.gitignore'), 'node_modules/\n');
  for (const args of [['init', '-q'], ['add', '.'], ['commit', '-qm', 'app']]) must(runSync('git', args, project, env), `git ${args[0]}`);
}, INSTALL_TIMEOUT);

afterAll(() => {
  if (scratch !== '') rmSync(scratch, { recursive: true, force: true });
});

const cli = (...args: string[]) => runSync(path.join(project, 'node_modules', '.bin', 'eslint-plugin-sequelize-pool'), args, project, env);

describe('installed without ESLint (no peer dependency at all)', () => {
  it('has neither ESLint nor TypeScript in node_modules', () => {
    expect(existsSync(path.join(project, 'node_modules', 'eslint-plugin-sequelize-pool', 'package.json'))).toBe(true);
    for (const peer of ['eslint', 'typescript', '@typescript-eslint/parser']) expect(existsSync(path.join(project, 'node_modules', peer)), peer).toBe(false);
  });

  it('--help and --version', () => {
    expect(cli('--version')).toMatchObject({ status: 0, stdout: `${VERSION}\n`, stderr: '' });
    expect(cli('--help').status).toBe(0);
  });

  it('doctor, static: the example app is over budget (exit 1), read from its supervisord.conf and its setup modules', () => {
    const run = cli('doctor', '--no-live');
    expect(run.stderr).toBe('');
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('7 from supervisord.conf');
    expect(run.stdout).toMatch(/server\/db\/sequelize\.js:7 +sequelize +100 +the file/u);
    expect(run.stdout).toContain('= 705 connections; PostgreSQL allows 97');
    expect(run.stdout).toContain('Verdict: PROBLEM');
  });

  it('codemod --dry: the migration preview, sized from supervisord.conf, and nothing written', () => {
    const run = cli('codemod', '--dry');
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('would change server/db/sequelize.js');
    expect(run.stdout).toContain('processes: 7 from supervisord.conf (main, cron, background, convert, media, storage, integration_log)');
    expect(run.stdout).toContain('line 7: pool.max 100 → 12: 7 × 100 = 700 > 97 usable PostgreSQL connections (100 − 3 reserved)');
    expect(run.stdout).toContain('budget: 7 processes × max 12 = 84 connections of the 97 PostgreSQL allows (100 − 3 reserved)');
    expect(runSync('git', ['status', '--porcelain'], project, env).stdout).toBe('');
  });
});

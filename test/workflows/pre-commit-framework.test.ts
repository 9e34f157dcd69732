/**
 * The pre-commit framework setup of docs/pre-commit.md, for real: a temporary git repository whose
 * .pre-commit-config.yaml points at a git release tag of this repository (scripts/release-git.mjs, in a scratch
 * clone), `pre-commit install`, then `git commit` runs the `sequelize-pool` hook of .pre-commit-hooks.yaml: pre-commit
 * installs the tagged package and eslint from the registry into its own environment.
 *
 * pre-commit is a Python tool: .ci/run installs Debian's package (`pre-commit`) when it is missing.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { LEAKING_JOB, MANAGED_JOB } from './audit-log-jobs';
import { gitRelease, INSTALL_TIMEOUT, must, REPO_ROOT, runSync, userEnvironment, VERSION, type Run } from './install-sources';

const RULE = 'sequelize-pool/no-unreleased-transaction';

let scratch = '';
let app = '';
let env: NodeJS.ProcessEnv = {};

const run = (command: string, args: string[]): Run => runSync(command, args, app, env);
const output = (result: Run): string => `${result.stdout}${result.stderr}`;
const commitCount = (): number => Number(must(run('git', ['rev-list', '--count', 'HEAD']), 'git rev-list').stdout.trim());
const write = (file: string, text: string): void => {
  mkdirSync(path.dirname(path.join(app, file)), { recursive: true });
  writeFileSync(path.join(app, file), text);
};

/** The first fenced block after the line `marker` in docs/pre-commit.md's pre-commit framework section. */
function docsBlock(marker: string): string {
  const docs = readFileSync(path.join(REPO_ROOT, 'docs', 'pre-commit.md'), 'utf8');
  const section = docs.slice(docs.indexOf('## The pre-commit framework'));
  const at = section.indexOf(`\n${marker}\n`);
  const match = /```\w*\n([\s\S]*?)```/u.exec(section.slice(at));
  if (at === -1 || !match) throw new Error(`docs/pre-commit.md: no code block after ${marker}`);
  return match[1] ?? '';
}

beforeAll(() => {
  const version = spawnSync('pre-commit', ['--version'], { encoding: 'utf8' });
  if (version.error || version.status !== 0) {
    throw new Error('pre-commit is not installed: `apt-get install pre-commit` (Debian), as .ci/run does');
  }
  scratch = mkdtempSync(path.join(tmpdir(), 'sequelize-pool-pre-commit-framework-'));
  // pre-commit's own cache (cloned hook repositories and their environments) inside the scratch directory.
  env = userEnvironment(scratch, { PRE_COMMIT_HOME: path.join(scratch, 'pre-commit-home') });
  const { repo } = gitRelease(scratch);

  app = path.join(scratch, 'app');
  mkdirSync(app);
  must(run('git', ['init', '-q']), 'git init');
  write('package.json', `${JSON.stringify({ name: 'app', version: '1.0.0', private: true }, null, 2)}\n`);
  // docs/pre-commit.md's config, with the release repository at its scratch location instead of GitHub.
  const config = docsBlock('`.pre-commit-config.yaml`:');
  expect(config).toContain('https://github.com/sequelize-pool/eslint-plugin-sequelize-pool');
  expect(config).toContain(`rev: v${VERSION}`);
  write('.pre-commit-config.yaml', config.replace('https://github.com/sequelize-pool/eslint-plugin-sequelize-pool', `file://${repo}`));
  write('eslint.config.js', docsBlock('`eslint.config.js`:'));
  must(run('pre-commit', ['install']), 'pre-commit install');
}, INSTALL_TIMEOUT);

afterAll(() => {
  if (scratch !== '') rmSync(scratch, { recursive: true, force: true });
});

describe('the pre-commit framework hook, from a git release tag', () => {
  it('commits the setup: pre-commit builds the hook environment from the tag and its staged config passes', () => {
    must(run('git', ['add', '-A']), 'git add');
    const commit = run('git', ['commit', '-m', 'Lint staged files with sequelize-pool']);
    expect(commit.status, output(commit)).toBe(0);
    expect(output(commit)).toMatch(/eslint \(sequelize-pool\)\.+Passed/u);
    expect(commitCount()).toBe(1);
  }, INSTALL_TIMEOUT);

  it('refuses a commit that stages an unreleased transaction, with the rule\'s message', () => {
    write('jobs/forward.js', LEAKING_JOB);
    must(run('git', ['add', 'jobs/forward.js']), 'git add');
    const commit = run('git', ['commit', '-m', 'Forward audit logs']);
    expect(commit.status).not.toBe(0);
    expect(output(commit)).toMatch(/eslint \(sequelize-pool\)\.+Failed/u);
    expect(output(commit)).toContain(
      '2:19  error  Transaction `t` from `sequelize.transaction()` can be left open: it returns at line 5 without commit or rollback; an exception at line 3 or 7 leaves it open.',
    );
    expect(output(commit)).toContain(RULE);
    expect(commitCount()).toBe(1);
  });

  it('commits the job once it uses a managed transaction', () => {
    write('jobs/forward.js', MANAGED_JOB);
    must(run('git', ['add', 'jobs/forward.js']), 'git add');
    const commit = run('git', ['commit', '-m', 'Forward audit logs']);
    expect(commit.status, output(commit)).toBe(0);
    expect(output(commit)).not.toContain(RULE);
    expect(commitCount()).toBe(2);
  });
});

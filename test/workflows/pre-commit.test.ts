/**
 * The husky + lint-staged setup of docs/pre-commit.md, for real: a temporary git repository installs this package
 * from a git release tag (scripts/release-git.mjs, over git+file:// as from GitHub), and eslint, husky and
 * lint-staged from the registry, then `git commit` runs the hook.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { LEAKING_JOB, MANAGED_JOB } from './audit-log-jobs';
import { gitRelease } from './install-sources';

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const RULE = 'sequelize-pool/no-unreleased-transaction';
/** Installing from the registry takes about 10 s with npm's cache warm and not much more cold; allow for a slow mirror. */
const INSTALL_TIMEOUT = 300_000;

let scratch = '';
let app = '';

/**
 * The environment of a developer's shell, not of the `npm test` and vitest running this file: without npm's `npm_*`
 * variables and its node_modules/.bin on PATH (the app must use its own eslint), without vitest's NODE_ENV=test (which
 * turns lint-staged's output into JSON events) and FORCE_COLOR, without GIT_* variables a surrounding hook may have
 * set, with no global or system git config (no signing, no hooksPath), and with husky enabled.
 */
function userEnvironment(): NodeJS.ProcessEnv {
  const environment: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(?:npm_|GIT_|HUSKY|VITEST|INIT_CWD$|NODE_ENV$|TEST$|FORCE_COLOR$)/iu.test(key)) continue;
    environment[key] = value;
  }
  environment.NO_COLOR = '1';
  environment.PATH = (process.env.PATH ?? '')
    .split(path.delimiter)
    .filter((entry) => !entry.startsWith(path.join(REPO_ROOT, 'node_modules')))
    .join(path.delimiter);
  environment.GIT_CONFIG_NOSYSTEM = '1';
  environment.GIT_CONFIG_GLOBAL = path.join(scratch, 'gitconfig');
  return environment;
}

interface Run {
  status: number | null;
  /** stdout and stderr together: lint-staged and git split their messages between the two. */
  output: string;
}

function run(command: string, args: string[], cwd = app): Run {
  const result = spawnSync(command, args, { cwd, env: userEnvironment(), encoding: 'utf8' });
  if (result.error) throw result.error;
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

/** Runs a setup step that must succeed, failing with its output when it does not. */
function setup(command: string, args: string[], cwd = app): string {
  const { status, output } = run(command, args, cwd);
  if (status !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${status}:\n${output}`);
  return output;
}

const git = (...args: string[]): Run => run('git', args);
const commitCount = (): number => Number(setup('git', ['rev-list', '--count', 'HEAD']).trim());
const write = (file: string, text: string): void => {
  mkdirSync(path.dirname(path.join(app, file)), { recursive: true });
  writeFileSync(path.join(app, file), text);
};

beforeAll(() => {
  if (!existsSync(path.join(REPO_ROOT, 'dist', 'index.js'))) throw new Error('dist/ is missing: run `npm run build` first (npm test does)');
  scratch = mkdtempSync(path.join(tmpdir(), 'sequelize-pool-pre-commit-'));
  writeFileSync(path.join(scratch, 'gitconfig'), '');

  const { spec } = gitRelease(scratch);

  app = path.join(scratch, 'app');
  mkdirSync(app);
  setup('git', ['init', '-q']);
  setup('git', ['config', 'user.name', 'Pre-commit Test']);
  setup('git', ['config', 'user.email', 'pre-commit@example.com']);
  write(
    'package.json',
    `${JSON.stringify(
      {
        name: 'app',
        version: '1.0.0',
        private: true,
        type: 'commonjs',
        'lint-staged': { '*.{js,cjs,mjs,ts}': 'eslint --max-warnings=0' },
      },
      null,
      2,
    )}\n`,
  );
  write('.gitignore', 'node_modules/\n');
  write(
    'eslint.config.js',
    `const sequelizePool = require('eslint-plugin-sequelize-pool');

module.exports = [
  { files: ['**/*.js'], languageOptions: { sourceType: 'commonjs' } },
  sequelizePool.configs.recommended,
];
`,
  );
  // Majors pinned so that a new release cannot change what this proves; lint-staged 17 needs Node 22.
  setup('npm', ['install', '--no-audit', '--no-fund', '--save-dev', spec, 'eslint@10', 'husky@9', 'lint-staged@16']);
  // docs/pre-commit.md's steps: `husky init` adds the `prepare` script and points core.hooksPath at .husky/_.
  setup(path.join(app, 'node_modules', '.bin', 'husky'), ['init']);
  write('.husky/pre-commit', 'npx lint-staged\n');
}, INSTALL_TIMEOUT);

afterAll(() => {
  if (scratch !== '') rmSync(scratch, { recursive: true, force: true });
});

describe('husky + lint-staged pre-commit hook', () => {
  it('is installed the way docs/pre-commit.md describes', () => {
    const manifest = JSON.parse(readFileSync(path.join(app, 'package.json'), 'utf8')) as {
      scripts?: Record<string, string>;
      devDependencies?: Record<string, string>;
    };
    expect(manifest.scripts?.prepare).toBe('husky');
    expect(manifest.devDependencies?.['eslint-plugin-sequelize-pool']).toMatch(/^git\+file:.*#v\d+\.\d+\.\d+$/u);
    expect(setup('git', ['config', 'core.hooksPath']).trim()).toBe('.husky/_');
    // The installed plugin is the release's build, not a link back to this checkout.
    expect(existsSync(path.join(app, 'node_modules', 'eslint-plugin-sequelize-pool', 'dist', 'index.js'))).toBe(true);
    expect(existsSync(path.join(app, 'node_modules', 'eslint-plugin-sequelize-pool', 'rules'))).toBe(false);
  });

  it('commits the setup itself: its staged eslint.config.js passes the hook', () => {
    setup('git', ['add', '-A']);
    const commit = git('commit', '-m', 'Lint staged files with sequelize-pool');
    expect(commit.status, commit.output).toBe(0);
    expect(commitCount()).toBe(1);
  });

  it('refuses a commit that stages an unreleased transaction, with the rule\'s message, and keeps it staged', () => {
    write('jobs/forward.js', LEAKING_JOB);
    setup('git', ['add', 'jobs/forward.js']);
    const commit = git('commit', '-m', 'Forward audit logs');

    expect(commit.status).not.toBe(0);
    expect(commit.output).toContain('jobs/forward.js');
    // ESLint's stylish format: line:column, severity, the message without its final period, the rule.
    expect(commit.output).toContain(
      '2:19  error  Transaction `t` from `sequelize.transaction()` can be left open: it returns at line 5 without commit or rollback; an exception at line 3 or 7 leaves it open.',
    );
    expect(commit.output).toContain(`or use a managed transaction  ${RULE}`);
    expect(commit.output).toContain('1 problem (1 error, 0 warnings)');
    expect(commit.output).toContain('husky - pre-commit script failed');

    expect(commitCount()).toBe(1);
    // lint-staged puts the index and the work tree back as they were.
    expect(setup('git', ['diff', '--cached', '--name-only']).trim()).toBe('jobs/forward.js');
    expect(readFileSync(path.join(app, 'jobs/forward.js'), 'utf8')).toBe(LEAKING_JOB);
  });

  it('commits the same job once it uses a managed transaction', () => {
    write('jobs/forward.js', MANAGED_JOB);
    setup('git', ['add', 'jobs/forward.js']);
    const commit = git('commit', '-m', 'Forward audit logs');

    expect(commit.status, commit.output).toBe(0);
    expect(commit.output).not.toContain(RULE);
    expect(commitCount()).toBe(2);
    expect(setup('git', ['show', '--name-only', '--format=%s', 'HEAD']).trim().split('\n')).toEqual(['Forward audit logs', '', 'jobs/forward.js']);
  });
});

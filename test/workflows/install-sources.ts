/**
 * The package as users get it, for the tests that install it into fresh projects: the `npm pack` tarball, and a git
 * release made by scripts/release-git.mjs in a scratch clone of this repository (installed over `git+file://`, the
 * same path npm takes for `github:…#v<version>`). Also the environment those installs run in.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
export const { version: VERSION } = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
/**
 * The Codemod CLI these tests run, pinned. It is not a devDependency: its npm package carries the native binary in
 * per-platform optional packages, and a registry without the other platforms' packages leaves package-lock.json
 * unable to satisfy `npm ci`. The tests install it from the registry into a scratch directory instead.
 */
export const CODEMOD_CLI = 'codemod@1.18.3';

/** Installing from the registry takes seconds with npm's cache warm; allow for a cold cache and a slow mirror. */
export const INSTALL_TIMEOUT = 400_000;

/**
 * A developer's shell, not the `npm test` and vitest running the tests: no `npm_*` variables or node_modules/.bin of
 * this repository on PATH, no vitest NODE_ENV, no GIT_* variables of a surrounding hook, no global or system git
 * config, and git identities for the commits the tests make. npm's cache stays the user's one (shared by every
 * install of the run: each package is downloaded once).
 */
export function userEnvironment(scratch: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const environment: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(?:npm_|GIT_|HUSKY|VITEST|INIT_CWD$|NODE_ENV$|TEST$|FORCE_COLOR$|NODE_OPTIONS$)/iu.test(key)) continue;
    environment[key] = value;
  }
  environment.NO_COLOR = '1';
  environment.PATH = (process.env.PATH ?? '')
    .split(path.delimiter)
    .filter((entry) => !entry.startsWith(path.join(REPO_ROOT, 'node_modules')))
    .join(path.delimiter);
  environment.GIT_CONFIG_NOSYSTEM = '1';
  environment.GIT_CONFIG_GLOBAL = path.join(scratch, 'gitconfig-none');
  for (const role of ['AUTHOR', 'COMMITTER']) {
    environment[`GIT_${role}_NAME`] = 'Install Test';
    environment[`GIT_${role}_EMAIL`] = 'install-test@example.com';
  }
  return { ...environment, ...extra };
}

export interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion without blocking the event loop, so that installs can run side by side. */
export function runAsync(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv, timeout = INSTALL_TIMEOUT): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], timeout });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

export function runSync(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Run {
  const result = spawnSync(command, args, { cwd, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Runs a setup step that must succeed, failing with its output when it does not. */
export function must(run: Run, what: string): Run {
  if (run.status !== 0) throw new Error(`${what} exited with ${run.status}:\n${run.stdout}${run.stderr}`);
  return run;
}

function requireBuild(): void {
  if (!existsSync(path.join(REPO_ROOT, 'dist', 'index.js'))) throw new Error('dist/ is missing: run `npm run build` first (npm test does)');
}

/** `npm pack` of this checkout into `scratch`: the dist/ that `npm test` built (no lifecycle script rebuilds it). */
export function packTarball(scratch: string): string {
  requireBuild();
  const packed = JSON.parse(
    must(runSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', scratch], REPO_ROOT, process.env), 'npm pack').stdout,
  ) as { filename: string }[];
  return path.join(scratch, packed[0]?.filename ?? '');
}

/**
 * A bare clone of this repository in `scratch` with the git release of this checkout (the `dist` branch and the
 * `v<version>` tag), made by scripts/release-git.mjs. Returns the repository's path and the npm spec that installs
 * the tag.
 */
export function gitRelease(scratch: string, tarball?: string): { repo: string; spec: string } {
  requireBuild();
  const env = userEnvironment(scratch);
  const repo = path.join(scratch, 'eslint-plugin-sequelize-pool.git');
  must(runSync('git', ['clone', '--quiet', '--bare', '--no-tags', '--single-branch', REPO_ROOT, repo], scratch, env), 'git clone --bare');
  must(
    runSync(process.execPath, [path.join(REPO_ROOT, 'scripts', 'release-git.mjs'), '--repo', repo, ...(tarball ? ['--tarball', tarball] : [])], REPO_ROOT, env),
    'scripts/release-git.mjs',
  );
  return { repo, spec: `git+file://${repo}#v${VERSION}` };
}

/** Installs the pinned Codemod CLI into `scratch` and returns its binary's path. */
export function installCodemodCli(scratch: string): string {
  const prefix = path.join(scratch, 'codemod-cli');
  must(
    runSync('npm', ['install', '--no-audit', '--no-fund', '--no-save', '--prefer-offline', '--prefix', prefix, CODEMOD_CLI], scratch, userEnvironment(scratch)),
    `npm install ${CODEMOD_CLI}`,
  );
  return path.join(prefix, 'node_modules', '.bin', 'codemod');
}

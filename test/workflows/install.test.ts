/**
 * Install paths end to end, with the README's snippets as written: fresh temporary projects install the package from
 * its `npm pack` tarball or from a git release tag (scripts/release-git.mjs, over git+file://), next to the host
 * from the npm registry, then lint a copy of the example app with that host and the README's config for it:
 *
 *   ESLint 8.57 + eslintrc (.eslintrc.json)          from git
 *   ESLint 9 flat config, JavaScript (eslint.config.js and .mjs)  from the tarball
 *   ESLint 10 + typescript-eslint, type-checked (eslint.config.mjs)  from git
 *   oxlint (.oxlintrc.json)                            from the tarball
 *
 * One install per host, all four side by side, through the user's npm cache (shared: each package downloads once).
 * The README's install, npx, codemod and doctor lines run in these projects too.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { commands, snippet } from '../readme-snippets';
import { EXAMPLE_FILES, EXAMPLE_FINDINGS } from './example-findings';
import { gitRelease, INSTALL_TIMEOUT, must, packTarball, REPO_ROOT, runAsync, runSync, userEnvironment, VERSION, type Run } from './install-sources';

const EXAMPLE = path.join(REPO_ROOT, 'examples', 'legacy-server');
const CONFIG_APP = path.join(REPO_ROOT, 'test', 'fixtures', 'configs', 'app');

interface Host {
  name: string;
  source: 'tarball' | 'git';
  /** Registry packages next to the plugin, majors pinned so that a new release cannot change what this proves. */
  packages: string[];
  /** README snippet → file name in the project. */
  files: Record<string, string>;
  extra?: (project: string) => void;
}

const HOSTS: Host[] = [
  { name: 'eslint8-eslintrc', source: 'git', packages: ['eslint@8.57'], files: { '.eslintrc.json': '.eslintrc.json' } },
  {
    name: 'eslint9-flat',
    source: 'tarball',
    packages: ['eslint@9'],
    files: { 'eslint.config.js': 'eslint.config.js', 'eslint.config.mjs': 'eslint.config.mjs' },
  },
  {
    name: 'eslint10-typescript',
    source: 'git',
    packages: ['eslint@10', '@typescript-eslint/parser@8', 'typescript@5'],
    files: { 'eslint.config.mjs (TypeScript)': 'eslint.config.mjs' },
    extra: (project) => {
      // TypeScript next to the JavaScript app: the config fixture's setup modules, in a tsconfig.json project.
      for (const file of ['db.ts', 'correct.ts']) cpSync(path.join(CONFIG_APP, file), path.join(project, 'src', file));
      writeFileSync(
        path.join(project, 'tsconfig.json'),
        `${JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'node16', strict: true, noEmit: true, skipLibCheck: true, types: [] }, include: ['src'] }, null, 2)}\n`,
      );
    },
  },
  { name: 'oxlint', source: 'tarball', packages: ['oxlint@1.94.0'], files: { '.oxlintrc.json': '.oxlintrc.json' } },
];

let scratch = '';
let env: NodeJS.ProcessEnv = {};
const projects = new Map<string, string>();
const installs = new Map<string, Run>();

/** A copy of the example app as a user's git repository, with the host's README config and a package.json. */
function createProject(host: Host): string {
  const project = path.join(scratch, host.name);
  mkdirSync(path.join(project, 'src'), { recursive: true });
  for (const entry of EXAMPLE_FILES) cpSync(path.join(EXAMPLE, entry), path.join(project, entry), { recursive: true });
  for (const [name, file] of Object.entries(host.files)) writeFileSync(path.join(project, file), snippet(name).code);
  host.extra?.(project);
  writeFileSync(path.join(project, 'package.json'), `${JSON.stringify({ name: host.name, version: '1.0.0', private: true }, null, 2)}\n`);
  writeFileSync(path.join(project, '.gitignore'), 'node_modules/\n*.tgz\n');
  return project;
}

beforeAll(async () => {
  scratch = mkdtempSync(path.join(tmpdir(), 'sequelize-pool-install-'));
  env = userEnvironment(scratch);
  const tarball = packTarball(scratch);
  const git = gitRelease(scratch, tarball);
  const source = { tarball, git: git.spec };

  await Promise.all(
    HOSTS.map(async (host) => {
      const project = createProject(host);
      projects.set(host.name, project);
      const install = await runAsync(
        'npm',
        ['install', '--no-audit', '--no-fund', '--prefer-offline', '--save-dev', source[host.source], ...host.packages],
        project,
        env,
      );
      installs.set(host.name, install);
      must(install, `npm install in ${host.name}`);
      for (const args of [['init', '-q'], ['add', '.'], ['commit', '-qm', 'app']]) must(runSync('git', args, project, env), `git ${args[0]}`);
    }),
  );
}, INSTALL_TIMEOUT);

afterAll(() => {
  if (scratch !== '') rmSync(scratch, { recursive: true, force: true });
});

const project = (name: string): string => projects.get(name) ?? '';
const bin = (name: string, tool: string): string => path.join(project(name), 'node_modules', '.bin', tool);

interface EslintJsonResult {
  filePath: string;
  messages: { ruleId: string | null; line: number; column: number; message: string }[];
}

/** `eslint -f json` in a project, as `file:line:column rule` (parse errors as `fatal`). */
function eslintFindings(name: string, args: string[]): string[] {
  const run = runSync(bin(name, 'eslint'), ['-f', 'json', ...args], project(name), env);
  if (run.stdout.trim() === '') throw new Error(`eslint exited with ${run.status}:\n${run.stderr}`);
  return (JSON.parse(run.stdout) as EslintJsonResult[]).flatMap((result) =>
    result.messages.map((message) => `${path.relative(project(name), result.filePath)}:${message.line}:${message.column} ${message.ruleId ?? `fatal: ${message.message}`}`),
  );
}

describe('installed from the tarball and from git', () => {
  it('installs the built package, with no install script to approve', () => {
    for (const host of HOSTS) {
      const installed = JSON.parse(readFileSync(path.join(project(host.name), 'node_modules', 'eslint-plugin-sequelize-pool', 'package.json'), 'utf8')) as {
        version: string;
        scripts?: unknown;
      };
      expect(installed.version, host.name).toBe(VERSION);
      const install = installs.get(host.name);
      expect(`${install?.stdout}${install?.stderr}`, host.name).not.toContain('install-scripts');
      expect(readFileSync(path.join(project(host.name), 'node_modules', 'eslint-plugin-sequelize-pool', 'dist', 'index.js'), 'utf8')).toContain('configs');
    }
  });

  it('the git release carries no scripts at all (nothing for npm to run or ask about)', () => {
    const manifest = JSON.parse(readFileSync(path.join(project('eslint8-eslintrc'), 'node_modules', 'eslint-plugin-sequelize-pool', 'package.json'), 'utf8')) as {
      scripts?: unknown;
      devDependencies?: unknown;
    };
    expect(manifest.scripts).toBeUndefined();
    expect(manifest.devDependencies).toBeUndefined();
  });

  it('the README\'s install lines name this version', () => {
    expect(commands(snippet('install-registry'))).toEqual(['npm i -D eslint-plugin-sequelize-pool']);
    expect(commands(snippet('install-git'))).toEqual([`npm i -D github:sequelize-pool/eslint-plugin-sequelize-pool#v${VERSION}`]);
    // The tarball these tests install is that `npm pack` of the dist/ `npm test` built.
    expect(commands(snippet('install-tarball'))).toEqual(['npm ci && npm run build && npm pack', `npm i -D ./eslint-plugin-sequelize-pool-${VERSION}.tgz`]);
  });
});

describe('the README\'s configs lint the example app', () => {
  it('ESLint 8.57, .eslintrc.json (git install)', () => {
    expect(eslintFindings('eslint8-eslintrc', ['.'])).toEqual(EXAMPLE_FINDINGS);
  });

  it('ESLint 9, eslint.config.js (tarball install)', () => {
    expect(eslintFindings('eslint9-flat', ['.'])).toEqual(EXAMPLE_FINDINGS);
  });

  it('ESLint 9, eslint.config.mjs (tarball install)', () => {
    expect(eslintFindings('eslint9-flat', ['-c', 'eslint.config.mjs', '.'])).toEqual(EXAMPLE_FINDINGS);
  });

  it('ESLint 10 + typescript-eslint, type-checked eslint.config.mjs (git install): the app and TypeScript setup modules', () => {
    expect(eslintFindings('eslint10-typescript', ['.']).sort()).toEqual(
      [
        ...EXAMPLE_FINDINGS,
        // test/fixtures/configs/app/db.ts: `satisfies Options` with missing keys, max over budget, `idle: 0`.
        'src/db.ts:5:3 sequelize-pool/require-lifecycle-options',
        'src/db.ts:5:11 sequelize-pool/max-connections-budget',
        'src/db.ts:5:21 sequelize-pool/require-lifecycle-options',
      ].sort(),
    );
  });

  it('oxlint, .oxlintrc.json (tarball install)', () => {
    const run = runSync(bin('oxlint', 'oxlint'), ['-f', 'json'], project('oxlint'), env);
    const { diagnostics } = JSON.parse(run.stdout) as { diagnostics: { code?: string; filename: string; labels: { span: { line: number; column: number } }[] }[] };
    const ours = diagnostics
      .filter((diagnostic) => diagnostic.code?.startsWith('sequelize-pool('))
      .map((diagnostic) => `${diagnostic.filename}:${diagnostic.labels[0]?.span.line}:${diagnostic.labels[0]?.span.column} ${diagnostic.code?.replace(/^(.+)\((.+)\)$/u, '$1/$2')}`)
      .sort();
    expect(ours).toEqual([...EXAMPLE_FINDINGS].sort());
    expect(commands(snippet('oxlint'))).toEqual(['npm i -D oxlint', 'npx oxlint']);
  });
});

describe('the README\'s commands, through npx, from a project that installed the plugin', () => {
  const npx = (line: string): Run => {
    const [tool, ...args] = line.split(/\s+/u);
    expect(tool).toBe('npx');
    return runSync('npx', ['--no-install', ...args], project('eslint9-flat'), env);
  };

  it('--help and doctor --no-live', () => {
    const [help, doctor] = commands(snippet('npx-help'));
    const helpRun = npx(help ?? '');
    expect(helpRun.status).toBe(0);
    expect(helpRun.stdout).toContain('Usage: eslint-plugin-sequelize-pool <command> [options]');
    const doctorRun = npx(doctor ?? '');
    // 7 processes × max 100 is over budget: exit code 1, a problem found.
    expect(doctorRun.status, doctorRun.stderr).toBe(1);
    expect(doctorRun.stdout).toContain('Verdict: PROBLEM');
  });

  it('doctor: the static CI gate as JSON, and an unreachable database is exit code 2 with one line', () => {
    const [live, gate] = commands(snippet('doctor'));
    const gateRun = npx(gate ?? '');
    expect(gateRun.status).toBe(1);
    expect((JSON.parse(gateRun.stdout) as { verdict: string }).verdict).toMatch(/problem/iu);
    const liveRun = npx(live ?? '');
    expect(liveRun.status).toBe(2);
    expect(liveRun.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('codemod: --dry previews and writes nothing, then the run migrates on the clean tree', () => {
    const [dry, apply] = commands(snippet('codemod'));
    const dryRun = npx(dry ?? '');
    expect(dryRun.status, dryRun.stderr).toBe(0);
    for (const line of snippet('codemod-diff').code.split('\n').filter((text) => /^[+-]/u.test(text))) expect(dryRun.stdout).toContain(line);
    expect(runSync('git', ['status', '--porcelain'], project('eslint9-flat'), env).stdout).toBe('');

    const applyRun = npx(apply ?? '');
    expect(applyRun.status, applyRun.stderr).toBe(0);
    expect(runSync('git', ['status', '--porcelain'], project('eslint9-flat'), env).stdout.split('\n').filter(Boolean).sort()).toEqual([
      ' M config/default.json',
      ' M server/db/sequelize.js',
    ]);
    // The migrated app lints clean of the budget and lifecycle findings on its setup module.
    expect(eslintFindings('eslint9-flat', ['server/db/sequelize.js'])).toEqual([]);
  });
});

/**
 * The `codemod` command's file-level safety (docs/codemod.md, "Safety"), one regression test per defect of
 * issue 11's "Unsafe edges" and reliability/security probe. Each runs the built bin on a temporary git repository
 * holding a copy of examples/legacy-server, and compares bytes, modes and links before and after.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  cpSync,
  existsSync,
  lstatSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const BIN = path.join(REPO_ROOT, 'dist', 'cli', 'index.js');
const EXAMPLE = path.join(REPO_ROOT, 'examples', 'legacy-server');
const MODULE = 'server/db/sequelize.js';
const CONFIG = 'config/default.json';

/** The directory holding the app's repository (and, beside it, files outside the repository). */
let sandbox = '';
let app = '';

function inApp(...args: string[]): string {
  return execFileSync('git', args, { cwd: app, encoding: 'utf8' });
}

function commitAll(message: string, cwd = app): void {
  execFileSync('git', ['add', '-A'], { cwd });
  execFileSync('git', ['-c', 'user.email=ci@example.com', '-c', 'user.name=CI', 'commit', '-qm', message], { cwd });
}

function run(args: string[], cwd = app) {
  const result = spawnSync(process.execPath, [BIN, 'codemod', ...args], { cwd, encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const bytesOf = (file: string): Buffer => readFileSync(path.join(app, file));
const sha = (file: string): string => createHash('sha256').update(bytesOf(file)).digest('hex');

/** Every file under `directory` with its bytes, mode and link target: what "nothing changed" means. */
function snapshot(directory = sandbox): string {
  const hash = createHash('sha256');
  const walk = (current: string): void => {
    for (const entry of readdirSync(current, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (entry.name === '.git') continue;
      const file = path.join(current, entry.name);
      const stats = lstatSync(file);
      hash.update(`${path.relative(directory, file)} ${stats.mode.toString(8)}\n`);
      if (stats.isSymbolicLink()) hash.update(readlinkSync(file));
      else if (stats.isDirectory()) walk(file);
      else hash.update(readFileSync(file));
    }
  };
  walk(directory);
  return hash.digest('hex');
}

/** No stack trace, and exactly `lines` lines on stderr. */
function expectOneLineErrors(stderr: string, lines = 1): void {
  expect(stderr).not.toMatch(/^\s+at /mu);
  expect(stderr).not.toContain('Error:');
  expect(stderr.split('\n').filter(Boolean)).toHaveLength(lines);
}

/** The temporary files the codemod could have left anywhere in the sandbox. */
function leftovers(directory = sandbox): string[] {
  return readdirSync(directory, { recursive: true, encoding: 'utf8' }).filter((name) => name.endsWith('.tmp'));
}

beforeAll(() => {
  if (!existsSync(BIN)) throw new Error('dist/ is missing: run `npm run build` first (npm test does)');
});

beforeEach(() => {
  sandbox = mkdtempSync(path.join(tmpdir(), 'sequelize-pool-safety-'));
  app = path.join(sandbox, 'app');
  cpSync(EXAMPLE, app, { recursive: true });
  inApp('init', '-q');
  commitAll('legacy app');
});

afterEach(() => {
  rmSync(sandbox, { recursive: true, force: true });
});

describe('git checks per target file', () => {
  it('checks the dirty tree of the target’s own repository, not the current directory’s', () => {
    // The command runs from the sandbox (no repository); the target's repository has an uncommitted change.
    writeFileSync(path.join(app, 'server', 'main.js'), 'wip\n');
    const before = snapshot();
    const result = run(['app/server/db/sequelize.js', '--processes', '7'], sandbox);
    expect(result.status).toBe(2);
    expect(result.stderr).toBe(
      'eslint-plugin-sequelize-pool: the git working tree at app has 1 uncommitted change; commit or stash first, or pass --force (or --dry to preview)\n',
    );
    expect(snapshot()).toBe(before);
  });

  it('refuses a path outside the repository with one line', () => {
    writeFileSync(path.join(sandbox, 'outside.js'), readFileSync(path.join(EXAMPLE, MODULE)));
    const before = snapshot();
    const result = run(['../outside.js', '--processes', '7']);
    expect(result.status).toBe(2);
    expect(result.stderr).toBe(
      `eslint-plugin-sequelize-pool: ../outside.js is outside the repository ${app}; run the codemod from the repository that holds it\n`.replace(
        `the repository ${app}`,
        'the current directory',
      ),
    );
    expect(result.stdout).toBe('');
    expect(snapshot()).toBe(before);
  });
});

describe('symbolic links', () => {
  it('edits a symlinked module’s target in place and keeps the link a link', () => {
    renameSync(path.join(app, MODULE), path.join(app, 'server', 'db', 'real-sequelize.js'));
    symlinkSync('real-sequelize.js', path.join(app, MODULE));
    commitAll('module behind a link');
    const result = run(['--processes', '7']);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(lstatSync(path.join(app, MODULE)).isSymbolicLink()).toBe(true);
    expect(readlinkSync(path.join(app, MODULE))).toBe('real-sequelize.js');
    expect(readFileSync(path.join(app, 'server', 'db', 'real-sequelize.js'), 'utf8')).toContain('...POOL_DEFAULTS');
    expect(leftovers()).toEqual([]);
  });

  it('refuses a symlink that points outside the repository, writing nothing', () => {
    const outside = path.join(sandbox, 'elsewhere.js');
    renameSync(path.join(app, MODULE), outside);
    symlinkSync(outside, path.join(app, MODULE));
    commitAll('module linked outside');
    const before = snapshot();
    const result = run(['--processes', '7']);
    expect(result.status).toBe(2);
    expect(result.stderr).toBe(
      `eslint-plugin-sequelize-pool: ${MODULE} is a symbolic link to ${outside}, outside the current directory; the codemod does not write outside it\n`,
    );
    expect(snapshot()).toBe(before);
  });
});

describe('modes and owners', () => {
  it('keeps the executable bit of the module and 0600 of the config holding the password', () => {
    chmodSync(path.join(app, MODULE), 0o755);
    chmodSync(path.join(app, CONFIG), 0o600);
    commitAll('modes');
    const result = run(['--processes', '7']);
    expect(result.status).toBe(0);
    expect(bytesOf(MODULE).toString()).toContain('...POOL_DEFAULTS');
    expect(bytesOf(CONFIG).toString()).toContain('"options"');
    expect(statSync(path.join(app, MODULE)).mode & 0o7777).toBe(0o755);
    expect(statSync(path.join(app, CONFIG)).mode & 0o7777).toBe(0o600);
  });

  it.runIf(process.getuid?.() === 0)('keeps the owner and group of a rewritten file when run as root', () => {
    execFileSync('chown', ['1234:2345', path.join(app, MODULE)]);
    const result = run(['--processes', '7']);
    expect(result.status).toBe(0);
    const stats = statSync(path.join(app, MODULE));
    expect([stats.uid, stats.gid]).toEqual([1234, 2345]);
  });

  it('refuses a read-only (0444) config: one line, exit 1, nothing written', () => {
    chmodSync(path.join(app, CONFIG), 0o444); // git does not track it: the tree stays clean
    const before = snapshot();
    const result = run(['--processes', '7']);
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(
      `error   ${CONFIG}: cannot write (it is read-only (mode 0444); make it writable to migrate it); nothing was written\n`,
    );
    expect(result.stdout).toContain('0 changed / 0 unchanged / 0 skipped / 1 errors');
    expect(snapshot()).toBe(before);
    expect(leftovers()).toEqual([]);
  });
});

describe('all or nothing per run', () => {
  it('writes neither the module nor its config when the config cannot be edited (no half-applied run)', () => {
    writeFileSync(path.join(app, CONFIG), `${bytesOf(CONFIG).toString().replace('{', '{ "trailing": 1,,')}`);
    commitAll('broken config');
    const before = snapshot();
    const result = run(['--processes', '7']);
    expect(result.status).toBe(1);
    expect(result.stderr.split('\n').filter(Boolean)).toEqual([
      `error   ${CONFIG}: invalid JSON (PropertyNameExpected at line 1); left unchanged`,
      'error   nothing written: 1 error above, and a run writes all of its 1 planned file or none',
    ]);
    expect(snapshot()).toBe(before);
  });

  it('migrates a module and its node-config JSON with comments together or not at all', () => {
    const withComments = bytesOf(CONFIG).toString().replace('{', '{\n  // connection settings per environment');
    writeFileSync(path.join(app, CONFIG), withComments);
    commitAll('config with comments');
    const result = run(['--processes', '7']);
    expectOneLineErrors(result.stderr, result.status === 0 ? 0 : 2);
    const moduleChanged = bytesOf(MODULE).toString().includes('POOL_DEFAULTS');
    const configChanged = bytesOf(CONFIG).toString() !== withComments;
    expect(moduleChanged).toBe(configChanged);
    expect(moduleChanged).toBe(result.status === 0);
  });
});

describe('encodings and line endings', () => {
  /** The module's bytes before its `new Sequelize` statement and after the call: the edit must not touch them. */
  function untouchedParts(bytes: Buffer): { head: Buffer; tail: Buffer } {
    const text = bytes.toString('latin1');
    return {
      head: bytes.subarray(0, text.indexOf('const sequelize = new Sequelize(')),
      tail: bytes.subarray(text.indexOf('// Pool monitor')),
    };
  }

  function expectBytesKept(before: Buffer, after: Buffer): void {
    const { head, tail } = untouchedParts(before);
    expect(after.subarray(0, head.length).equals(head)).toBe(true);
    expect(after.subarray(after.length - tail.length).equals(tail)).toBe(true);
  }

  it('keeps a byte order mark (it was "internal error" with exit 0)', () => {
    writeFileSync(path.join(app, MODULE), Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), bytesOf(MODULE)]));
    commitAll('BOM');
    const before = bytesOf(MODULE);
    const result = run(['--processes', '7']);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const after = bytesOf(MODULE);
    expect([...after.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(after.toString('utf8', 3)).toContain('pool: { ...POOL_DEFAULTS, ...DB_OPTIONS.pool },');
    expectBytesKept(before, after);
  });

  it('keeps CRLF line endings: generated lines use CRLF too, no mixed endings', () => {
    writeFileSync(path.join(app, MODULE), bytesOf(MODULE).toString().replaceAll('\n', '\r\n'));
    writeFileSync(path.join(app, CONFIG), bytesOf(CONFIG).toString().replaceAll('\n', '\r\n'));
    commitAll('CRLF');
    const before = bytesOf(MODULE);
    const result = run(['--processes', '7']);
    expect(result.status).toBe(0);
    for (const file of [MODULE, CONFIG]) {
      const text = bytesOf(file).toString();
      expect(text).toMatch(/POOL_DEFAULTS|"options"/u);
      expect(text.replaceAll('\r\n', '')).not.toMatch(/[\r\n]/u);
    }
    expectBytesKept(before, bytesOf(MODULE));
  });

  it('skips a Latin-1 file with a reason and leaves its bytes untouched (it was corrupted to U+FFFD)', () => {
    const latin1 = Buffer.from(bytesOf(MODULE).toString().replace("dialect: 'postgres',", "dialect: 'postgres', // Grüße"), 'latin1');
    writeFileSync(path.join(app, MODULE), latin1);
    commitAll('Latin-1');
    const before = snapshot();
    const result = run(['--processes', '7']);
    expect(result.status).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain(`skipped ${MODULE}`);
    expect(result.stdout).toMatch(
      /skipped: server\/db\/sequelize\.js: it is not valid UTF-8 \(byte 0xfc on line 14, Latin-1 or another legacy encoding\?\); only UTF-8 files are edited, so that no byte outside the edit can change; left untouched/u,
    );
    expect(bytesOf(MODULE).equals(latin1)).toBe(true);
    expect(snapshot()).toBe(before);
  });
});

describe('parsing', () => {
  it('migrates a valid file with /* eslint-env node */ (ESLint 10 rejects the comment; the codemod does not lint)', () => {
    writeFileSync(path.join(app, MODULE), `/* eslint-env node */\n${bytesOf(MODULE).toString()}`);
    commitAll('eslint-env');
    const result = run(['--processes', '7']);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(bytesOf(MODULE).toString()).toMatch(/^\/\* eslint-env node \*\/\n'use strict';/u);
    expect(bytesOf(MODULE).toString()).toContain('...POOL_DEFAULTS');
  });

  it('skips a file over the size limit with the reason, unread', () => {
    const big = `${bytesOf(MODULE).toString()}\n${'// padding\n'.repeat(100_000)}`;
    writeFileSync(path.join(app, MODULE), big);
    commitAll('big');
    const result = run(['--processes', '7']);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(
      `skipped: ${MODULE}: it is 1.1 MiB, over the 1 MiB limit for a hand-written setup module (generated or bundled code?); left untouched`,
    );
    expect(bytesOf(MODULE).toString()).toBe(big);
  });
});

describe('output', () => {
  it('--dry | head -1 exits cleanly (EPIPE), and --dry writes nothing', () => {
    // Enough output to fill the pipe after `head` has gone.
    writeFileSync(path.join(app, MODULE), `${bytesOf(MODULE).toString()}\n${'// a long tail\n'.repeat(20_000)}`);
    commitAll('long module');
    const before = sha(MODULE);
    const shell = spawnSync('bash', ['-c', `"${process.execPath}" "${BIN}" codemod --dry --print --processes 7 | head -1; echo "exit \${PIPESTATUS[0]}" >&2`], {
      cwd: app,
      encoding: 'utf8',
    });
    expect(shell.stdout).toBe(`would change ${MODULE}\n`);
    expect(shell.stderr).toBe('exit 0\n');
    expect(sha(MODULE)).toBe(before);
    expect(leftovers()).toEqual([]);
  });

  it('never echoes a config file’s content: not in errors, not in the --dry diff', () => {
    const secret = 'hunter2-do-not-print';
    const config = JSON.parse(bytesOf(CONFIG).toString()) as { db: Record<string, unknown> };
    config.db['password'] = secret;
    writeFileSync(path.join(app, CONFIG), JSON.stringify(config, null, 2));
    commitAll('secret');
    const dry = run(['--dry', '--processes', '7']);
    expect(dry.status).toBe(0);
    expect(dry.stdout).toContain('+++ b/config/default.json');
    expect(dry.stdout).toContain('-    "password": …\n+    "password": …,\n+    "options": {\n');
    expect(`${dry.stdout}${dry.stderr}`).not.toContain(secret);

    writeFileSync(path.join(app, CONFIG), JSON.stringify(config, null, 2).replace(`"${secret}"`, `${secret}`));
    commitAll('broken secret');
    const broken = run(['--processes', '7']);
    expect(broken.status).toBe(1);
    expect(`${broken.stdout}${broken.stderr}`).not.toContain(secret);
    expectOneLineErrors(broken.stderr, 2);
  });
});

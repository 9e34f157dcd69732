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
  execFileSync('git', ['-c', 'user.email=ci@example.com', '-c', 'user.name=CI', 'commit', '--allow-empty', '-qm', message], { cwd });
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
    expect(readFileSync(path.join(app, 'server', 'db', 'real-sequelize.js'), 'utf8')).toContain('withPoolSettings(');
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
  it.each([
    ['0755', 0o755],
    ['0600', 0o600],
  ])('keeps the mode %s of a rewritten file (the executable bit; a private file stays private)', (_, mode) => {
    chmodSync(path.join(app, MODULE), mode);
    commitAll('mode');
    const result = run(['--processes', '7']);
    expect(result.status).toBe(0);
    expect(bytesOf(MODULE).toString()).toContain('withPoolSettings(');
    expect(statSync(path.join(app, MODULE)).mode & 0o7777).toBe(mode);
  });

  it.runIf(process.getuid?.() === 0)('keeps the owner and group of a rewritten file when run as root', () => {
    execFileSync('chown', ['1234:2345', path.join(app, MODULE)]);
    const result = run(['--processes', '7']);
    expect(result.status).toBe(0);
    const stats = statSync(path.join(app, MODULE));
    expect([stats.uid, stats.gid]).toEqual([1234, 2345]);
  });

  it('refuses a read-only (0444) file: one line, exit 1, nothing written', () => {
    chmodSync(path.join(app, MODULE), 0o444); // git does not track it: the tree stays clean
    const before = snapshot();
    const result = run(['--processes', '7']);
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(
      `error   ${MODULE}: cannot write (it is read-only (mode 0444); make it writable to migrate it); nothing was written\n`,
    );
    expect(result.stdout).toMatch(/^0 changed \/ /mu);
    expect(snapshot()).toBe(before);
    expect(leftovers()).toEqual([]);
    // --dry says so too, with the same exit code.
    const preview = run(['--dry', '--processes', '7']);
    expect(preview.status).toBe(1);
    expect(preview.stderr).toBe(`error   ${MODULE}: a run would not write it (it is read-only (mode 0444); make it writable to migrate it)\n`);
    expect(snapshot()).toBe(before);
  });
});

describe('all or nothing per run', () => {
  it('writes none of the run’s files when one of them cannot be parsed', () => {
    writeFileSync(
      path.join(app, 'server', 'db', 'broken.js'),
      "const { Sequelize } = require('sequelize');\nmodule.exports = new Sequelize('postgres://db', { pool: { max: 10,, } });\n",
    );
    commitAll('broken module');
    const before = snapshot();
    const result = run([MODULE, 'server/db/broken.js', '--processes', '7']);
    expect(result.status).toBe(1);
    expect(result.stderr.split('\n').filter(Boolean)).toEqual([
      'error   server/db/broken.js: cannot parse (2:67: Parsing error: Unexpected token ,); left unchanged',
      expect.stringMatching(/^error {3}nothing written: 1 error above, and a run writes all of its \d+ planned files? or none$/u),
    ]);
    expect(result.stdout).toContain(`not changed ${MODULE}`);
    expect(snapshot()).toBe(before);
  });

  it.each([
    ['with comments (node-config reads them)', (text: string) => text.replace('{', '{\n  // connection settings per environment')],
    ['that is invalid', (text: string) => text.replace('{', '{ "trailing": 1,,')],
  ])('never leaves a run half applied when the node-config JSON is one %s', (_, edit) => {
    writeFileSync(path.join(app, CONFIG), edit(bytesOf(CONFIG).toString()));
    commitAll('config');
    const before = snapshot();
    const result = run(['--processes', '7']);
    expect(result.stderr).not.toMatch(/^\s+at /mu);
    // Before: the module was written, then the config failed (exit 1): half a migration.
    if (result.status !== 0) expect(snapshot()).toBe(before);
    else expect(bytesOf(MODULE).toString()).toContain('withPoolSettings(');
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
    expect(after.toString('utf8', 3)).toContain('pool: { max: 12, min: 2, idle: 10000, acquire: 30000, evict: 10000 },');
    expectBytesKept(before, after);
  });

  it('keeps CRLF line endings: generated lines use CRLF too, no mixed endings', () => {
    writeFileSync(path.join(app, MODULE), bytesOf(MODULE).toString().replaceAll('\n', '\r\n'));
    writeFileSync(path.join(app, CONFIG), bytesOf(CONFIG).toString().replaceAll('\n', '\r\n'));
    commitAll('CRLF');
    const before = bytesOf(MODULE);
    const result = run(['--processes', '7']);
    expect(result.status).toBe(0);
    expect(bytesOf(MODULE).toString()).toContain('withPoolSettings(');
    // Every rewritten file (the module, and the config when the codemod edits it) has CRLF only.
    for (const file of [MODULE, CONFIG]) expect(bytesOf(file).toString().replaceAll('\r\n', '')).not.toMatch(/[\r\n]/u);
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
    expect(bytesOf(MODULE).toString()).toContain('withPoolSettings(');
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
    expect(`${dry.stdout}${dry.stderr}`).not.toContain(secret);
    // The line before a new key gains a comma: its key shows, its value does not.
    if (dry.stdout.includes('+++ b/config/default.json')) expect(dry.stdout).toContain('-    "password": …\n+    "password": …,\n');

    writeFileSync(path.join(app, CONFIG), JSON.stringify(config, null, 2).replace(`"${secret}"`, `${secret}`));
    commitAll('broken secret');
    const broken = run(['--processes', '7']);
    expect(`${broken.stdout}${broken.stderr}`).not.toContain(secret);
    expect(broken.stderr).not.toMatch(/^\s+at /mu);
  });
});

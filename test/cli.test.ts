/**
 * The command-line entry point: the built bin as a user runs it (`node dist/cli/index.js`), and `run()` directly.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { beforeAll, describe, expect, it } from 'vitest';

import { run } from '../cli/index';

const REPO_ROOT = path.resolve(__dirname, '..');
const BIN = path.join(REPO_ROOT, 'dist', 'cli', 'index.js');
const PACKAGE = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as {
  version: string;
  bin: Record<string, string>;
};
const UNKNOWN_COMMAND = /^eslint-plugin-sequelize-pool: unknown command "frobnicate"/;
/** A stack frame as Node prints it: `    at fn (file:line:col)`. */
const STACK_FRAME = /^\s+at /m;

interface Outcome {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built bin with Node, as `npx eslint-plugin-sequelize-pool ...` would. */
function runBin(...args: string[]): Promise<Outcome> {
  const { status, stdout, stderr } = spawnSync(process.execPath, [BIN, ...args], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    timeout: 30_000,
  });
  return Promise.resolve({ status, stdout, stderr });
}

/** Calls `run()` in process, collecting what it writes the way the bin does (one line per call). */
async function runDirect(...args: string[]): Promise<Outcome> {
  let stdout = '';
  let stderr = '';
  const status = await run(args, {
    stdout: (text) => {
      stdout += `${text}\n`;
    },
    stderr: (text) => {
      stderr += `${text}\n`;
    },
  });
  return { status, stdout, stderr };
}

describe.each([
  ['the built bin', runBin],
  ['run()', runDirect],
])('%s', (label, invoke) => {
  if (label === 'the built bin') {
    beforeAll(() => {
      if (!existsSync(BIN)) {
        throw new Error(`${path.relative(REPO_ROOT, BIN)} is missing: run \`npm run build\` before the CLI tests.`);
      }
    });
  }

  it.each([{ args: ['--help'] }, { args: ['-h'] }, { args: ['help'] }, { args: [] }])(
    '$args prints the usage and exits 0',
    async ({ args }: { args: string[] }) => {
      const { status, stdout, stderr } = await invoke(...args);
      expect(status).toBe(0);
      expect(stdout).toMatch(/^Usage: eslint-plugin-sequelize-pool <command> \[options\]\n/);
      expect(stdout).toContain('--version');
      expect(stderr).toBe('');
    },
  );

  it.each(['--version', '-v', 'version'])('%s prints the package.json version and exits 0', async (arg) => {
    const { status, stdout, stderr } = await invoke(arg);
    expect(status).toBe(0);
    expect(stdout).toBe(`${PACKAGE.version}\n`);
    expect(stderr).toBe('');
  });

  it('rejects an unknown command with one line on stderr, exit 2 and no stack trace', async () => {
    const { status, stdout, stderr } = await invoke('frobnicate');
    expect(status).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.endsWith('\n')).toBe(true);
    expect(stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(UNKNOWN_COMMAND);
    expect(stderr).toContain('--help');
    expect(stderr).not.toMatch(STACK_FRAME);
  });
});

describe('the package bin', () => {
  it('points at the built CLI', () => {
    expect(PACKAGE.bin).toEqual({ 'eslint-plugin-sequelize-pool': './dist/cli/index.js' });
  });

  it('starts with a node shebang so npm can link it', () => {
    expect(readFileSync(BIN, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
  });
});

/**
 * `scripts/smoke.mjs --subset ci`: every rule on a fixed few hundred files of real packages (Sequelize's own source
 * first), through a real ESLint with the built plugin. No rule may throw on code nobody here wrote. The full run is
 * `npm run smoke`; its findings are in docs/smoke.md.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

import { beforeAll, describe, expect, it } from 'vitest';

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const RULES = [
  'sequelize-pool/max-connections-budget',
  'sequelize-pool/no-unreleased-transaction',
  'sequelize-pool/require-lifecycle-options',
  'sequelize-pool/require-transaction-option',
  'sequelize-pool/single-instance',
];

interface Summary {
  files: number;
  packages: { name: string; files: number }[];
  parseFailures: unknown[];
  crashes: { file: string; error: string }[];
  reportsByRule: Record<string, number>;
  reports: unknown[];
  canary: Record<string, number>;
}

let summary: Summary;

beforeAll(() => {
  if (!existsSync(path.join(REPO_ROOT, 'dist', 'index.js'))) throw new Error('dist/ is missing: run `npm run build` first (npm test does)');
  const run = spawnSync(process.execPath, [path.join(REPO_ROOT, 'scripts', 'smoke.mjs'), '--subset', 'ci', '--json'], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (run.status !== 0 && run.stdout === '') throw new Error(`smoke.mjs exited with ${run.status}:\n${run.stderr}`);
  summary = JSON.parse(run.stdout) as Summary;
});

describe('smoke run on real packages (ci subset)', () => {
  it('lints the fixed subset, Sequelize\'s own source included, with every rule on', () => {
    expect(summary.packages.map((entry) => entry.name)).toEqual([
      'sequelize',
      'sequelize-pool',
      'pg',
      'pg-pool',
      'config',
      'jscodeshift',
      '@typescript-eslint/typescript-estree',
      'jsonc-parser',
      'diff',
    ]);
    expect(summary.packages.every((entry) => entry.files > 0)).toBe(true);
    expect(summary.packages.find((entry) => entry.name === 'sequelize')?.files).toBeGreaterThan(100);
    expect(summary.files).toBeGreaterThan(250);
    expect(Object.keys(summary.reportsByRule)).toEqual(RULES);
  });

  it('proves the rules ran: the canary file gets exactly one report from each rule', () => {
    expect(summary.canary).toEqual(Object.fromEntries(RULES.map((rule) => [rule, 1])));
  });

  it('no rule throws on any file', () => {
    expect(summary.crashes).toEqual([]);
  });

  it('parses every file (CommonJS, ES modules by package type or syntax, TypeScript)', () => {
    expect(summary.parseFailures).toEqual([]);
  });

  it('reports nothing in these packages (docs/smoke.md checks the candidate sites by hand)', () => {
    expect(summary.reports).toEqual([]);
  });
});

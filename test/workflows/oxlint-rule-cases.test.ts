/**
 * oxlint parity on the rules' own test cases: every valid and invalid case of the single-file RuleTester suites
 * (test/rules/*.test.ts, collected here through a stand-in for test/rule-tester.ts instead of run) is written to a file
 * and linted by ESLint 10 and by the pinned oxlint with the built plugin and the case's options; both must report the
 * same lines, columns and messages. Cases that lint a file at a fixture path (cross-module cases) are left to
 * test/workflows/oxlint.test.ts, which lints those fixture projects whole.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import tsParser from '@typescript-eslint/parser';
import { Linter } from 'eslint';
import * as espree from 'espree';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

import sourcePlugin from '../../index';

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const OXLINT = path.join(REPO_ROOT, 'node_modules', '.bin', 'oxlint');

type Kind = 'cjs' | 'esm' | 'ts';
interface Case {
  code: string;
  options?: unknown[];
  filename?: string;
}
interface Suite {
  kind: Kind;
  name: string;
  rule: unknown;
  tests: { valid: (string | Case)[]; invalid: Case[] };
}

const suites = vi.hoisted(() => [] as Suite[]);
vi.mock('../rule-tester', () => {
  const tester = (kind: Kind) => ({ run: (name: string, rule: unknown, tests: Suite['tests']) => suites.push({ kind, name, rule, tests }) });
  return { cjsRuleTester: tester('cjs'), esmRuleTester: tester('esm'), tsRuleTester: tester('ts') };
});

/** The single-file suites: each file only calls RuleTester.run, which the stand-in above records. */
const SUITE_FILES = ['max-connections-budget', 'require-lifecycle-options', 'single-instance', 'no-unreleased-transaction', 'require-transaction-option'];

let plugin: { rules: Record<string, unknown> } = { rules: {} };
let sourceRules: Record<string, unknown> = {};

interface Finding {
  line: number;
  column: number;
  message: string;
}
interface Prepared {
  id: string;
  file: string;
  ruleName: string;
  kind: Kind;
  code: string;
  options: unknown[];
}

const EXTENSION: Record<Kind, string> = { cjs: 'cjs', esm: 'mjs', ts: 'ts' };
let scratch = '';
const prepared: Prepared[] = [];
let oxlintByFile = new Map<string, Finding[]>();
let skipped = 0;

beforeAll(async () => {
  for (const name of SUITE_FILES) await import(path.join(__dirname, '..', 'rules', `${name}.test.ts`));
  plugin = ((await import(path.join(REPO_ROOT, 'dist', 'index.js'))) as { default: typeof plugin }).default;
  sourceRules = sourcePlugin.rules;
  scratch = mkdtempSync(path.join(tmpdir(), 'sequelize-pool-oxlint-cases-'));
  writeFileSync(path.join(scratch, 'package.json'), '{ "private": true }\n');
  for (const suite of suites) {
    const ruleName = Object.entries(sourceRules).find(([, rule]) => rule === suite.rule)?.[0];
    if (ruleName === undefined) throw new Error(`suite ${suite.name}: rule not found in the plugin`);
    const cases = [...suite.tests.valid.map((entry) => (typeof entry === 'string' ? { code: entry } : entry)), ...suite.tests.invalid];
    for (const entry of cases) {
      if (entry.filename !== undefined) {
        skipped += 1;
        continue;
      }
      const id = `case-${prepared.length}`;
      const file = `${id}.${EXTENSION[suite.kind]}`;
      writeFileSync(path.join(scratch, file), entry.code);
      prepared.push({ id, file, ruleName, kind: suite.kind, code: entry.code, options: entry.options ?? [] });
    }
  }
  // One oxlint run: each case file gets its rule and options through an override.
  const config = {
    jsPlugins: [path.join(REPO_ROOT, 'dist', 'index.js')],
    plugins: [],
    categories: { correctness: 'off' },
    overrides: prepared.map((entry) => ({ files: [entry.file], rules: { [`sequelize-pool/${entry.ruleName}`]: ['error', ...entry.options] } })),
  };
  writeFileSync(path.join(scratch, '.oxlintrc.json'), JSON.stringify(config));
  const run = spawnSync(OXLINT, ['-c', '.oxlintrc.json', '-f', 'json', '.'], { cwd: scratch, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const { diagnostics } = JSON.parse(run.stdout) as { diagnostics: { filename: string; message: string; code?: string; labels: { span: { line: number; column: number } }[] }[] };
  oxlintByFile = new Map();
  for (const diagnostic of diagnostics) {
    const list = oxlintByFile.get(diagnostic.filename) ?? [];
    list.push({ line: diagnostic.labels[0]?.span.line ?? 0, column: diagnostic.labels[0]?.span.column ?? 0, message: diagnostic.code === undefined ? 'parse error' : diagnostic.message });
    oxlintByFile.set(diagnostic.filename, list);
  }
}, 300_000);

afterAll(() => {
  if (scratch !== '') rmSync(scratch, { recursive: true, force: true });
});

const LANGUAGE: Record<Kind, Linter.LanguageOptions> = {
  cjs: { parser: espree, ecmaVersion: 'latest', sourceType: 'commonjs' },
  esm: { parser: espree, ecmaVersion: 'latest', sourceType: 'module' },
  ts: { parser: tsParser, sourceType: 'module' },
};

function eslintFindings(entry: Prepared): Finding[] {
  const linter = new Linter({ configType: 'flat', cwd: scratch });
  const messages = linter.verify(
    entry.code,
    [{ files: ['**/*.cjs', '**/*.mjs', '**/*.ts'], languageOptions: LANGUAGE[entry.kind], plugins: { 'sequelize-pool': plugin as never }, rules: { [`sequelize-pool/${entry.ruleName}`]: ['error', ...entry.options] as Linter.RuleEntry } }],
    path.join(scratch, entry.file),
  );
  return messages.map((message) => ({ line: message.line, column: message.column, message: message.fatal ? 'parse error' : message.message }));
}

const order = (a: Finding, b: Finding): number => a.line - b.line || a.column - b.column || a.message.localeCompare(b.message);

describe('oxlint on the rules\' own test cases', () => {
  it('collects the suites', () => {
    expect(new Set(prepared.map((entry) => entry.ruleName))).toEqual(new Set(Object.keys(plugin.rules)));
    // 155 cases when written; the rest set a filename under a fixture project.
    expect(prepared.length).toBeGreaterThan(100);
    expect(skipped).toBeGreaterThan(0);
  });

  it('reports what ESLint reports on every case', () => {
    const differences: string[] = [];
    let reported = 0;
    for (const entry of prepared) {
      const eslint = eslintFindings(entry).sort(order);
      const oxlint = (oxlintByFile.get(entry.file) ?? []).sort(order);
      reported += eslint.length;
      if (JSON.stringify(eslint) !== JSON.stringify(oxlint)) {
        differences.push(`${entry.ruleName} ${entry.file}:\n${entry.code}\n  ESLint: ${JSON.stringify(eslint)}\n  oxlint: ${JSON.stringify(oxlint)}`);
      }
    }
    expect(reported).toBeGreaterThan(100);
    expect(differences).toEqual([]);
  });
});

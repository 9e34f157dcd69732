/**
 * oxlint as a host: the pinned oxlint (devDependency) loads the built plugin through `jsPlugins` and must report what
 * ESLint 10 reports with the same rules and options on the same files, rule by rule, message for message: the example
 * app and the multi-file fixture projects. What oxlint cannot do (type information) is pinned down too, so that a
 * change in either direction shows up here. README.md#oxlint documents both.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import tsParser from '@typescript-eslint/parser';
import { ESLint, type Linter } from 'eslint';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import sourcePlugin from '../../index';
import { EXAMPLE_FINDINGS } from './example-findings';

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const DIST_ENTRY = path.join(REPO_ROOT, 'dist', 'index.js');
const OXLINT = path.join(REPO_ROOT, 'node_modules', '.bin', 'oxlint');
const RULE_NAMES = Object.keys(sourcePlugin.rules).map((rule) => `sequelize-pool/${rule}`);

type RuleLevels = Record<string, Linter.RuleEntry>;

interface Finding {
  file: string;
  line: number;
  column: number;
  ruleId: string;
  message: string;
}

interface Target {
  /** Directory linted, relative to the repository root. */
  dir: string;
  /** Rule entries on top of every rule at `error`. */
  rules?: RuleLevels;
}

/** What both hosts lint: the example app with its deployment's budget, and the cross-module fixture projects. */
const TARGETS: Target[] = [
  {
    dir: 'examples/legacy-server',
    rules: { 'sequelize-pool/max-connections-budget': ['error', { processes: 7, maxConnections: 100, reservedConnections: 3 }] },
  },
  { dir: 'test/fixtures/configs/app' },
  { dir: 'test/fixtures/configs/budget', rules: { 'sequelize-pool/max-connections-budget': ['error', { processes: 7 }] } },
  { dir: 'test/fixtures/multi-file-project', rules: { 'sequelize-pool/max-connections-budget': ['error', { processes: 4 }] } },
  { dir: 'test/fixtures/transactions' },
  { dir: 'test/fixtures/typed-project' },
];

const allRules = (extra: RuleLevels = {}): RuleLevels => ({
  ...Object.fromEntries(RULE_NAMES.map((rule) => [rule, 'error' as const])),
  ...extra,
});

let scratch = '';

beforeAll(() => {
  if (!existsSync(DIST_ENTRY)) throw new Error('dist/ is missing: run `npm run build` first (npm test does)');
  scratch = mkdtempSync(path.join(tmpdir(), 'sequelize-pool-oxlint-'));
});

afterAll(() => {
  if (scratch !== '') rmSync(scratch, { recursive: true, force: true });
});

const byPosition = (a: Finding, b: Finding): number =>
  a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column || a.ruleId.localeCompare(b.ruleId);

/** ESLint 10 with the plugin's flat `recommended` config and `rules`, CommonJS `.js`, typescript-eslint for `.ts`. */
async function eslintFindings(dir: string, rules: RuleLevels): Promise<Finding[]> {
  const cwd = path.join(REPO_ROOT, dir);
  const eslint = new ESLint({
    cwd,
    overrideConfigFile: true,
    overrideConfig: [
      { files: ['**/*.js'], languageOptions: { sourceType: 'commonjs' } },
      { files: ['**/*.ts'], languageOptions: { parser: tsParser } },
      sourcePlugin.configs.recommended as Linter.Config,
      { rules },
    ],
  });
  const results = await eslint.lintFiles(['.']);
  return results
    .flatMap((result) =>
      result.messages.map((message) => ({
        file: path.relative(cwd, result.filePath),
        line: message.line,
        column: message.column,
        // A parse error (`fatal`) has no rule.
        ruleId: message.ruleId ?? '',
        message: message.message,
      })),
    )
    .sort(byPosition);
}

interface OxlintDiagnostic {
  message: string;
  /** Absent on a parse error. */
  code?: string;
  filename: string;
  labels: { span: { line: number; column: number } }[];
}

/** Runs the pinned oxlint with `config` (written to a temp `.oxlintrc.json`) in `cwd`, returning its JSON report. */
function runOxlint(cwd: string, config: object, extraArgs: string[] = []): { diagnostics: OxlintDiagnostic[]; status: number | null; stderr: string } {
  const configFile = path.join(mkdtempSync(path.join(scratch, 'config-')), '.oxlintrc.json');
  writeFileSync(configFile, JSON.stringify(config, null, 2));
  const run = spawnSync(OXLINT, ['-c', configFile, '-f', 'json', ...extraArgs, '.'], { cwd, encoding: 'utf8' });
  if (run.error) throw run.error;
  if (!run.stdout.trimStart().startsWith('{')) throw new Error(`oxlint exited with ${run.status}:\n${run.stdout}${run.stderr}`);
  return { ...(JSON.parse(run.stdout) as { diagnostics: OxlintDiagnostic[] }), status: run.status, stderr: run.stderr };
}

/** The README's `.oxlintrc.json` shape: our plugin by path, oxlint's own rules off so that only ours report. */
function oxlintConfig(rules: RuleLevels): object {
  return { jsPlugins: [DIST_ENTRY], plugins: [], categories: { correctness: 'off' }, rules };
}

function oxlintFindings(dir: string, rules: RuleLevels): Finding[] {
  const { diagnostics } = runOxlint(path.join(REPO_ROOT, dir), oxlintConfig(rules));
  return diagnostics
    .map((diagnostic) => ({
      file: diagnostic.filename,
      line: diagnostic.labels[0]?.span.line ?? 0,
      column: diagnostic.labels[0]?.span.column ?? 0,
      // oxlint names a JS plugin's rule `plugin(rule)`.
      ruleId: diagnostic.code?.replace(/^([\w-]+)\((.+)\)$/u, '$1/$2') ?? '',
      message: diagnostic.message,
    }))
    .sort(byPosition);
}

const ofRule = (findings: readonly Finding[], ruleId: string): Finding[] => findings.filter((finding) => finding.ruleId === ruleId);

describe('oxlint with jsPlugins reports what ESLint reports', () => {
  const seen = new Map<string, number>();

  describe.each(TARGETS)('$dir', ({ dir, rules }) => {
    let eslint: Finding[] = [];
    let oxlint: Finding[] = [];

    beforeAll(async () => {
      eslint = await eslintFindings(dir, allRules(rules));
      oxlint = oxlintFindings(dir, allRules(rules));
      for (const finding of eslint) seen.set(finding.ruleId, (seen.get(finding.ruleId) ?? 0) + 1);
    });

    it.each(RULE_NAMES)('%s: same files, lines, columns and messages', (ruleId) => {
      expect(ofRule(oxlint, ruleId)).toEqual(ofRule(eslint, ruleId));
    });

    it('nothing else; a file that does not parse fails to parse in both (each host words it its own way)', () => {
      const others = (findings: Finding[]): string[] =>
        findings.filter((finding) => !RULE_NAMES.includes(finding.ruleId)).map(({ file, ruleId }) => `${file} ${ruleId || 'parse error'}`);
      expect(others(oxlint)).toEqual(others(eslint));
    });
  });

  it('the comparison covers every rule: each reports somewhere', () => {
    expect(Object.fromEntries(RULE_NAMES.map((rule) => [rule, (seen.get(rule) ?? 0) > 0]))).toEqual(
      Object.fromEntries(RULE_NAMES.map((rule) => [rule, true])),
    );
  });

  it('the example app: the 6 findings of the demo', () => {
    const target = TARGETS[0] as Target;
    const findings = oxlintFindings(target.dir, allRules(target.rules));
    expect(findings.map(({ file, line, column, ruleId }) => `${file}:${line}:${column} ${ruleId}`)).toEqual(EXAMPLE_FINDINGS);
  });
});

describe('what oxlint does not do', () => {
  it('has no type information: on typed-project it reports what ESLint reports without types, not with them', async () => {
    const dir = 'test/fixtures/typed-project';
    const cwd = path.join(REPO_ROOT, dir);
    const typed = new ESLint({ cwd, overrideConfigFile: path.join(cwd, 'eslint.config.mjs') });
    const typedFindings = (await typed.lintFiles(['jobs.ts'])).flatMap((result) => result.messages.map((message) => `${message.line} ${message.ruleId}`));
    const oxlint = oxlintFindings(dir, allRules()).map((finding) => `${finding.line} ${finding.ruleId}`);
    // With types, ESLint proves four receivers Sequelize by their types; oxlint, like ESLint without types, only
    // judges `db` by its name (and misses the other four).
    expect(typedFindings).toHaveLength(4);
    expect(oxlint).toEqual(['29 sequelize-pool/no-unreleased-transaction']);
    expect(typedFindings).not.toContain('29 sequelize-pool/no-unreleased-transaction');
  });

  it('applies editor suggestions only all at once, with --fix-suggestions: the same edit ESLint suggests', async () => {
    const app = path.join(scratch, 'suggestions');
    cpSync(path.join(REPO_ROOT, 'test', 'fixtures', 'configs', 'budget'), app, { recursive: true });
    const rules = { 'sequelize-pool/max-connections-budget': ['error', { processes: 7 }] } as RuleLevels;
    const before = readFileSync(path.join(app, 'db.js'), 'utf8');

    const eslint = new ESLint({
      cwd: app,
      overrideConfigFile: true,
      overrideConfig: [{ files: ['**/*.js'], languageOptions: { sourceType: 'commonjs' } }, sourcePlugin.configs.recommended as Linter.Config, { rules }],
    });
    const [result] = await eslint.lintFiles(['db.js']);
    const suggestion = result?.messages.find((message) => message.ruleId === 'sequelize-pool/max-connections-budget')?.suggestions?.[0];
    expect(suggestion).toBeDefined();
    const fix = suggestion?.fix ?? { range: [0, 0] as [number, number], text: '' };
    const expected = before.slice(0, fix.range[0]) + fix.text + before.slice(fix.range[1]);

    runOxlint(app, oxlintConfig(rules), ['--fix-suggestions']);
    expect(readFileSync(path.join(app, 'db.js'), 'utf8')).toBe(expected);
    expect(expected).not.toBe(before);
  });
});

/**
 * Every code block of the README runs somewhere: each is named by a `<!-- snippet: name -->` comment, and each name
 * belongs to the test that executes or checks it. A new block without a name, or a name no test claims, fails here.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { readmeBlocks, snippet } from './readme-snippets';

const REPO_ROOT = path.resolve(__dirname, '..');

/** Snippet name → the test file that runs it. */
const RUN_BY: Record<string, string> = {
  'install-registry': 'test/workflows/install.test.ts',
  'install-git': 'test/workflows/install.test.ts',
  'install-tarball': 'test/workflows/install.test.ts',
  'npx-help': 'test/workflows/install.test.ts',
  'eslint.config.js': 'test/workflows/install.test.ts',
  'eslint.config.mjs': 'test/workflows/install.test.ts',
  '.eslintrc.json': 'test/workflows/install.test.ts',
  'eslint.config.mjs (TypeScript)': 'test/workflows/install.test.ts',
  '.oxlintrc.json': 'test/workflows/install.test.ts',
  oxlint: 'test/workflows/install.test.ts',
  codemod: 'test/workflows/install.test.ts',
  'codemod-diff': 'test/workflows/install.test.ts',
  doctor: 'test/workflows/install.test.ts',
  'npx-codemod': 'test/readme.test.ts',
  'demo-output': 'test/readme.test.ts',
  contributing: 'test/readme.test.ts',
};

describe('README code blocks', () => {
  const blocks = readmeBlocks();

  it('every block is named, once', () => {
    expect(blocks.filter((block) => block.name === '').map((block) => `README.md:${block.line}`)).toEqual([]);
    const names = blocks.map((block) => block.name);
    expect(names.filter((name, index) => names.indexOf(name) !== index)).toEqual([]);
  });

  it('every name is run by a test that looks it up', () => {
    expect(blocks.map((block) => block.name).sort()).toEqual(Object.keys(RUN_BY).sort());
    for (const [name, file] of Object.entries(RUN_BY)) {
      expect(readFileSync(path.join(REPO_ROOT, file), 'utf8'), `${file} runs snippet ${name}`).toContain(`'${name}'`);
    }
  });

  it('JSON blocks parse', () => {
    for (const block of blocks.filter((entry) => entry.language === 'json')) expect(() => JSON.parse(block.code) as unknown, block.name).not.toThrow();
  });
});

describe('README blocks checked here', () => {
  it('npx-codemod: the workflow package and the parameters test/workflows/codemod-workflow.test.ts runs', () => {
    // That test runs this workflow with these parameters and compares the result with our own command's.
    const line = snippet('npx-codemod').code.trim();
    expect(line).toBe('npx codemod workflow run -w node_modules/eslint-plugin-sequelize-pool/codemod --param processes=7 --param max_connections=100');
    const workflow = readFileSync(path.join(REPO_ROOT, 'codemod', 'workflow.yaml'), 'utf8');
    for (const [, name] of line.matchAll(/--param (\w+)=/gu)) expect(workflow).toContain(`    ${name}:\n      type: string`);
    expect(readFileSync(path.join(REPO_ROOT, 'test', 'workflows', 'codemod-workflow.test.ts'), 'utf8')).toContain("{ processes: '7', max_connections: '100' }");
  });

  it('demo-output: the table scripts/demo.mjs prints, with the numbers test/integration asserts', () => {
    const lines = snippet('demo-output').code.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^\s+failed queries\s+peak connections\s+p99$/u);
    expect(lines[1]).toMatch(/^before: as shipped, 7 × max 100\s+\d+ of 280 \(53300\)\s+\d+ of 97 usable\s+\d+ ms$/u);
    expect(lines[2]).toMatch(/^after: codemod, 7 × max 12\s+0 of 280\s+\d+, budget 84\s+\d+ ms$/u);
    const demo = readFileSync(path.join(REPO_ROOT, 'scripts', 'demo.mjs'), 'utf8');
    expect(demo).toContain("'before: as shipped, 7 × max 100'");
    expect(demo).toContain('`after: codemod, ${budget.processes} × max ${budget.max}`');
  });

  it('contributing: the npm scripts it names exist', () => {
    const { scripts } = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    const named = [...snippet('contributing').code.matchAll(/npm (?:run )?(\w[\w:-]*)/gu)].map((match) => match[1] ?? '').filter((name) => name !== 'install');
    expect(named.length).toBeGreaterThan(1);
    for (const name of named) expect(scripts[name], name).toBeDefined();
    // And `npm run` lists them, as a contributor would check.
    const listed = spawnSync('npm', ['run'], { cwd: REPO_ROOT, encoding: 'utf8' }).stdout;
    for (const name of named) expect(listed).toContain(`  ${name}`);
  });
});

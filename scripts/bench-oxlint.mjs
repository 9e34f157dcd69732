// oxlint + our rules against ESLint + our rules on the same files (the lint-cost corpus of real CommonJS packages),
// in one run: each configuration in its own process, medians of 3 runs, plus the findings per rule of each host (the
// parity test's claim, at scale). oxlint runs its JS plugins on its own threads; it is timed with its default
// thread count and with one thread, next to single-threaded ESLint. Used by `npm run bench`;
// `node scripts/bench-oxlint.mjs [--write]` alone prints the section (and writes it into docs/benchmarks.md).
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { copyCorpus, CORPUS } from './bench-lint-cost.mjs';
import { replaceSection } from './bench-doc.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const OXLINT = path.join(root, 'node_modules', '.bin', 'oxlint');

/** Child: ESLint 10 with `recommended` (or no rules) on the corpus; prints seconds and findings per rule. */
async function eslintChild(workspace, withRules) {
  const { ESLint } = await import('eslint');
  const { default: sequelizePool } = await import(path.join(root, 'dist', 'index.js'));
  const base = { files: ['**/*.js'], languageOptions: { sourceType: 'commonjs', ecmaVersion: 'latest' }, linterOptions: { noInlineConfig: true, reportUnusedDisableDirectives: 'off' } };
  const config = withRules ? [base, { files: ['**/*.js'], ...sequelizePool.configs.recommended }] : [base];
  const eslint = new ESLint({ cwd: workspace, overrideConfigFile: true, overrideConfig: config, ignore: false });
  const start = process.hrtime.bigint();
  const results = await eslint.lintFiles(['.']);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const findings = {};
  for (const result of results) for (const message of result.messages) if (message.ruleId) findings[message.ruleId] = (findings[message.ruleId] ?? 0) + 1;
  process.stdout.write(JSON.stringify({ seconds, findings }));
}

function oxlintRun(workspace, rules, threads) {
  const config = path.join(workspace, '..', `${path.basename(workspace)}.oxlintrc.json`);
  writeFileSync(config, JSON.stringify({ jsPlugins: [path.join(root, 'dist', 'index.js')], plugins: [], categories: { correctness: 'off' }, rules }));
  const start = process.hrtime.bigint();
  const run = spawnSync(OXLINT, ['-c', config, '-f', 'json', ...(threads ? ['--threads', String(threads)] : []), '.'], { cwd: workspace, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  rmSync(config, { force: true });
  const findings = {};
  for (const diagnostic of JSON.parse(run.stdout).diagnostics) {
    const rule = diagnostic.code?.replace(/^([\w-]+)\((.+)\)$/u, '$1/$2') ?? '(parse error)';
    findings[rule] = (findings[rule] ?? 0) + 1;
  }
  return { seconds, findings };
}

export function benchOxlint(trials = 3) {
  const { workspace, files } = copyCorpus();
  try {
    const ours = Object.fromEntries(Object.keys(require(path.join(root, 'dist', 'index.js')).rules).map((rule) => [`sequelize-pool/${rule}`, 'error']));
    const eslint = (withRules) => JSON.parse(execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--oxlint-child', workspace, withRules ? 'rules' : 'none'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }));
    const configurations = {
      'ESLint, no rules': () => eslint(false),
      'ESLint + sequelize-pool recommended': () => eslint(true),
      'oxlint, no rules': () => oxlintRun(workspace, {}),
      'oxlint + sequelize-pool (jsPlugins)': () => oxlintRun(workspace, ours),
      'oxlint + sequelize-pool, 1 thread': () => oxlintRun(workspace, ours, 1),
    };
    const runs = Object.fromEntries(Object.keys(configurations).map((name) => [name, []]));
    for (let trial = 0; trial < trials; trial += 1) for (const [name, run] of Object.entries(configurations)) runs[name].push(run());
    const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
    return {
      files,
      trials,
      rows: Object.entries(runs).map(([name, list]) => ({ name, seconds: median(list.map((run) => run.seconds)), findings: list.at(-1).findings })),
    };
  } finally {
    rmSync(workspace, { recursive: true, force: true });
  }
}

export const OXLINT_HEADING = '## oxlint vs ESLint';

export function oxlintSection({ files, trials, rows }) {
  const byName = Object.fromEntries(rows.map((row) => [row.name, row]));
  const eslintOurs = byName['ESLint + sequelize-pool recommended'];
  const oxlintOurs = byName['oxlint + sequelize-pool (jsPlugins)'];
  const rules = [...new Set([...Object.keys(eslintOurs.findings), ...Object.keys(oxlintOurs.findings)])].sort();
  return `${OXLINT_HEADING}

oxlint ${readFileSync(path.join(root, 'node_modules', 'oxlint', 'package.json'), 'utf8').match(/"version": "([^"]+)"/u)?.[1]} with this plugin in \`jsPlugins\` (its own rules off) against ESLint 10 with
\`recommended\`, on the same ${files} CommonJS files of ${CORPUS.map(([name]) => name).join(', ')}
(scripts/bench-oxlint.mjs; medians of ${trials} runs, each in its own process). oxlint parses in Rust and runs JS
plugins on its own threads (2 on this machine); ESLint is single-threaded.

| configuration | time (s) | vs ESLint + sequelize-pool |
| :--- | ---: | ---: |
${rows.map((row) => `| ${row.name} | ${row.seconds.toFixed(2)} | ${(row.seconds / eslintOurs.seconds).toFixed(2)} |`).join('\n')}

Findings per rule on these files (the same in both hosts is the parity test's claim, here at scale):

| rule | ESLint | oxlint |
| :--- | ---: | ---: |
${rules.map((rule) => `| ${rule} | ${eslintOurs.findings[rule] ?? 0} | ${oxlintOurs.findings[rule] ?? 0} |`).join('\n') || '| (none) | 0 | 0 |'}`;
}

if (process.argv[2] === '--oxlint-child') {
  await eslintChild(process.argv[3], process.argv[4] === 'rules');
} else if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const section = oxlintSection(benchOxlint());
  console.log(section);
  if (process.argv.includes('--write')) replaceSection(path.join(root, 'docs', 'benchmarks.md'), OXLINT_HEADING, section);
}

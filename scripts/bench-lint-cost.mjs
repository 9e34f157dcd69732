// Lint cost on real code: ESLint with no rules (parse + scope analysis) vs this plugin's `recommended` vs
// @eslint/js `recommended`, on the same corpus of CommonJS files from packages in node_modules, in one run.
// Each configuration lints in its own child process (so peak memory is its own), three times, medians;
// ESLint's `stats` gives the per-rule time. Used by `npm run bench`; `node scripts/bench-lint-cost.mjs` alone
// prints the table.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

/** CommonJS sources of real packages: Sequelize itself, its driver and pool, config, jscodeshift, ESLint's own. */
const CORPUS = [
  ['sequelize', 'lib'],
  ['sequelize-pool', 'lib'],
  ['pg', 'lib'],
  ['pg-pool', '.'],
  ['config', 'lib'],
  ['jscodeshift', 'src'],
  ['eslint', 'lib'],
  ['@typescript-eslint/typescript-estree', 'dist'],
  ['@typescript-eslint/scope-manager', 'dist'],
  ['@typescript-eslint/eslint-plugin', 'dist/rules'],
];

function copyCorpus() {
  const workspace = mkdtempSync(path.join(tmpdir(), 'bench-lint-cost-'));
  let files = 0;
  for (const [name, folder] of CORPUS) {
    const from = path.join(root, 'node_modules', name, folder);
    const walk = (directory) => {
      for (const entry of readdirSync(directory, { withFileTypes: true })) {
        const full = path.join(directory, entry.name);
        if (entry.isDirectory()) {
          if (entry.name !== 'node_modules' && entry.name !== 'test' && entry.name !== 'tests') walk(full);
        } else if (entry.name.endsWith('.js') && statSync(full).size < 500_000) {
          const to = path.join(workspace, name, path.relative(from, full));
          mkdirSync(path.dirname(to), { recursive: true });
          copyFileSync(full, to);
          files += 1;
        }
      }
    };
    walk(from);
  }
  writeFileSync(path.join(workspace, 'package.json'), '{ "name": "corpus", "private": true, "type": "commonjs" }\n');
  return { workspace, files };
}

/** Child: lint the corpus with one configuration and print time, memory and per-rule times as JSON. */
async function child(workspace, configuration) {
  const { ESLint } = await import('eslint');
  const plugin = require(path.join(root, 'dist', 'index.js'));
  const js = (await import('@eslint/js')).default;
  const base = { files: ['**/*.js'], languageOptions: { sourceType: 'commonjs', ecmaVersion: 'latest' }, linterOptions: { noInlineConfig: true, reportUnusedDisableDirectives: 'off' } };
  // A rule that only listens to Program and does nothing: with no rules at all ESLint skips the AST traversal and
  // code path analysis, and as soon as any rule runs it pays for them. Our rules' own cost is the difference to it.
  const empty = { meta: { type: 'problem', schema: [] }, create: () => ({ Program() {} }) };
  const configs = {
    'no rules': [base],
    'one empty rule': [base, { files: ['**/*.js'], plugins: { bench: { rules: { empty } } }, rules: { 'bench/empty': 'error' } }],
    'sequelize-pool recommended': [base, { files: ['**/*.js'], ...plugin.configs.recommended }],
    '@eslint/js recommended': [base, { files: ['**/*.js'], ...js.configs.recommended }],
  };
  for (const rule of Object.keys(plugin.rules)) {
    configs[`only ${rule}`] = [base, { files: ['**/*.js'], plugins: { 'sequelize-pool': plugin }, rules: { [`sequelize-pool/${rule}`]: 'error' } }];
  }
  const eslint = new ESLint({ cwd: workspace, overrideConfigFile: true, overrideConfig: configs[configuration], stats: true, ignore: false });
  const start = process.hrtime.bigint();
  const results = await eslint.lintFiles(['.']);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const ruleMs = {};
  for (const result of results) {
    for (const pass of result.stats?.times.passes ?? []) {
      for (const [rule, { total }] of Object.entries(pass.rules ?? {})) ruleMs[rule] = (ruleMs[rule] ?? 0) + total;
    }
  }
  const fatal = results.filter((result) => result.messages.some((message) => message.fatal)).length;
  process.stdout.write(JSON.stringify({ seconds, maxRssMiB: process.resourceUsage().maxRSS / 1024, ruleMs, fatal, files: results.length }));
}

export function benchLintCost(trials = 3, extra = []) {
  const { workspace, files } = copyCorpus();
  try {
    const configurations = ['no rules', 'one empty rule', 'sequelize-pool recommended', '@eslint/js recommended', ...extra];
    const runs = Object.fromEntries(configurations.map((name) => [name, []]));
    for (let trial = 0; trial < trials; trial += 1) {
      for (const configuration of configurations) {
        const output = execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--child', workspace, configuration], {
          encoding: 'utf8',
          maxBuffer: 64 * 1024 * 1024,
        });
        runs[configuration].push(JSON.parse(output));
      }
    }
    const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
    const rows = configurations.map((name) => ({
      name,
      seconds: median(runs[name].map((run) => run.seconds)),
      maxRssMiB: median(runs[name].map((run) => run.maxRssMiB)),
      ruleMs: runs[name].at(-1).ruleMs,
      linted: runs[name].at(-1).files,
      fatal: runs[name].at(-1).fatal,
    }));
    return { files, trials, rows };
  } finally {
    rmSync(workspace, { recursive: true, force: true });
  }
}

export function formatLintCost({ files, trials, rows }) {
  const [baseline] = rows;
  const empty = rows.find((row) => row.name === 'one empty rule');
  const lines = [
    `${files} CommonJS files from ${CORPUS.map(([name]) => name).join(', ')}; medians of ${trials} runs, each in its own process.`,
    '',
    '| configuration | time (s) | vs no rules | vs one empty rule | peak RSS (MiB) | vs no rules | vs one empty rule |',
    '| :--- | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const row of rows) {
    lines.push(
      `| ${row.name} | ${row.seconds.toFixed(2)} | ${(row.seconds / baseline.seconds).toFixed(2)} | ${empty ? (row.seconds / empty.seconds).toFixed(2) : '-'} | ${row.maxRssMiB.toFixed(0)} | ${(row.maxRssMiB / baseline.maxRssMiB).toFixed(2)} | ${empty ? (row.maxRssMiB / empty.maxRssMiB).toFixed(2) : '-'} |`,
    );
  }
  const ours = rows.find((row) => row.name === 'sequelize-pool recommended');
  const listeners = Object.values(ours?.ruleMs ?? {}).reduce((sum, ms) => sum + ms, 0);
  lines.push(
    '',
    `Per-rule time (ESLint \`stats\`, one run): ${listeners.toFixed(0)} ms in all, ${((listeners / 1000 / baseline.seconds) * 100).toFixed(1)}% of the no-rules time.`,
    '',
    '| rule | ms |',
    '| :--- | ---: |',
  );
  for (const [rule, ms] of Object.entries(ours?.ruleMs ?? {}).sort((a, b) => b[1] - a[1])) lines.push(`| ${rule} | ${ms.toFixed(1)} |`);
  return lines.join('\n');
}

if (process.argv[2] === '--child') {
  await child(process.argv[3], process.argv[4]);
} else if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(formatLintCost(benchLintCost()));
}

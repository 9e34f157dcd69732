// Lint cost on real code: ESLint with no rules (parse + scope analysis) vs this plugin's `recommended` vs
// @eslint/js `recommended`, on the same corpus of CommonJS files from packages in node_modules, in one run.
// Each configuration lints in its own child process (so peak memory is its own), three times, medians;
// ESLint's `stats` gives the per-rule time. Used by `npm run bench`; `node scripts/bench-lint-cost.mjs` alone
// prints the table.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

/** CommonJS sources of real packages: Sequelize itself, its driver and pool, config, jscodeshift, ESLint's own. */
export const CORPUS = [
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

export function copyCorpus() {
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
    '@eslint/js + sequelize-pool': [base, { files: ['**/*.js'], ...js.configs.recommended }, { files: ['**/*.js'], ...plugin.configs.recommended }],
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
    const configurations = ['no rules', 'one empty rule', 'sequelize-pool recommended', '@eslint/js recommended', '@eslint/js + sequelize-pool', ...extra];
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
  const both = rows.find((row) => row.name === '@eslint/js + sequelize-pool');
  const jsAlone = rows.find((row) => row.name === '@eslint/js recommended');
  if (both && jsAlone) {
    const oursMs = oursOf(both.ruleMs);
    lines.push(
      '',
      `Side by side in one run (\`@eslint/js\` recommended and ours together, ESLint \`stats\`): our five rules ${oursMs.toFixed(0)} ms, the ${Object.keys(both.ruleMs).length - 5} \`@eslint/js\` rules ${theirsOf(both.ruleMs).toFixed(0)} ms; ours are ${percent(oursMs / 1000, jsAlone.seconds)} of the \`@eslint/js\` lint's wall time (${jsAlone.seconds.toFixed(2)} s), and the run with both takes ${percent(both.seconds - jsAlone.seconds, jsAlone.seconds)} longer than \`@eslint/js\` alone by wall clock.`,
    );
  }
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------------------------------------
// Real Sequelize applications: a directory of checked-out apps with an apps.json listing each app's name, repository,
// commit and source directories (the corpus is read in place, never committed). Each app is linted as its own
// project (its own cwd, so the cross-file rules follow its modules), with @eslint/js recommended and ours side by
// side: alone, and together in one run whose ESLint `stats` time every rule of both.
// `node scripts/bench-lint-cost.mjs --apps <dir>` (or SEQUELIZE_POOL_BENCH_APPS=<dir>), with `--trials N` (default 3:
// medians), `--max-files-per-app N`, `--quick` (no one-empty-rule run), `--reports <file>`, `--write`.
// ---------------------------------------------------------------------------------------------------------------

const SOURCE = /\.(?:[cm]?js|[cm]?ts)$/u;
const SKIP_DIRECTORIES = new Set(['node_modules', 'test', 'tests', '__tests__', '__mocks__', 'dist', 'build', 'coverage', 'fixtures']);
/** Node.js's globals for CommonJS and ES modules alike (ecmaVersion 'latest' supplies the language's own). */
const NODE_GLOBALS = Object.fromEntries(
  ['require', 'module', 'exports', '__dirname', '__filename', 'process', 'Buffer', 'console', 'global', 'globalThis', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'setImmediate', 'clearImmediate', 'queueMicrotask', 'URL', 'URLSearchParams', 'TextEncoder', 'TextDecoder', 'AbortController', 'fetch', 'structuredClone'].map(
    (name) => [name, 'readonly'],
  ),
);

/** The app's source files (relative to its root): srcDirs walked, tests, declarations and builds left out. */
function appSources(appDir, srcDirs) {
  const files = [];
  const walk = (relative) => {
    const full = path.join(appDir, relative);
    if (!existsSync(full)) return;
    if (statSync(full).isFile()) {
      if (SOURCE.test(relative) && !relative.endsWith('.d.ts')) files.push(relative);
      return;
    }
    for (const entry of readdirSync(full, { withFileTypes: true })) {
      const child = path.join(relative, entry.name);
      if (entry.isDirectory()) {
        if (!SKIP_DIRECTORIES.has(entry.name) && !entry.name.startsWith('.')) walk(child);
      } else if (SOURCE.test(entry.name) && !/\.d\.[cm]?ts$|\.(?:test|spec)\.[cm]?[jt]s$/u.test(entry.name) && statSync(path.join(appDir, child)).size < 500_000) {
        files.push(child);
      }
    }
  };
  for (const dir of srcDirs) walk(dir);
  return files;
}

/** Child: lint one app with one configuration; prints time, memory, per-rule times and counts as JSON. */
async function appChild(appDir, srcDirs, configuration, maxFiles) {
  const { ESLint } = await import('eslint');
  const plugin = require(path.join(root, 'dist', 'index.js'));
  const js = (await import('@eslint/js')).default;
  const tsParser = require('@typescript-eslint/parser');
  // A cap keeps a run short on a shared machine: the first files in path order, the same in every configuration.
  const files = appSources(appDir, srcDirs).sort().slice(0, maxFiles > 0 ? maxFiles : undefined);
  // .js files are ES modules when they say so (import/export statements), else CommonJS: apps mix both.
  const esm = files.filter((file) => /\.js$/u.test(file) && /^\s*(?:import\s*[\w{*'"]|export\s)/mu.test(readFileSync(path.join(appDir, file), 'utf8')));
  const base = [
    { files: ['**/*.js', '**/*.cjs', '**/*.mjs', '**/*.ts', '**/*.mts', '**/*.cts'], languageOptions: { ecmaVersion: 'latest', sourceType: 'commonjs', globals: NODE_GLOBALS }, linterOptions: { noInlineConfig: true, reportUnusedDisableDirectives: 'off' } },
    { files: ['**/*.mjs', ...esm], languageOptions: { sourceType: 'module' } },
    { files: ['**/*.ts', '**/*.mts', '**/*.cts'], languageOptions: { parser: tsParser, sourceType: 'module' } },
  ];
  const all = ['**/*.js', '**/*.cjs', '**/*.mjs', '**/*.ts', '**/*.mts', '**/*.cts'];
  const empty = { meta: { type: 'problem', schema: [] }, create: () => ({ Program() {} }) };
  const ours = { files: all, ...plugin.configs.recommended };
  const theirs = { files: all, ...js.configs.recommended };
  const configs = {
    'no rules': base,
    'one empty rule': [...base, { files: all, plugins: { bench: { rules: { empty } } }, rules: { 'bench/empty': 'error' } }],
    '@eslint/js recommended': [...base, theirs],
    'sequelize-pool recommended': [...base, ours],
    '@eslint/js + sequelize-pool': [...base, theirs, ours],
  };
  const eslint = new ESLint({ cwd: appDir, overrideConfigFile: true, overrideConfig: configs[configuration], stats: true, ignore: false, errorOnUnmatchedPattern: false });
  const cpuStart = process.cpuUsage();
  const start = process.hrtime.bigint();
  const results = await eslint.lintFiles(files);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  // The process's CPU time (user + system) for the lint: on shared cores, wall time also measures the neighbours.
  const cpu = process.cpuUsage(cpuStart);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const ruleMs = {};
  const reports = {};
  // Every report of ours, as `file:line:column rule message`: lists from two builds are diffed to prove a change
  // keeps the reports identical.
  const messages = [];
  for (const result of results) {
    for (const pass of result.stats?.times.passes ?? []) {
      for (const [rule, { total }] of Object.entries(pass.rules ?? {})) ruleMs[rule] = (ruleMs[rule] ?? 0) + total;
    }
    for (const message of result.messages) {
      if (!message.ruleId?.startsWith('sequelize-pool/')) continue;
      reports[message.ruleId] = (reports[message.ruleId] ?? 0) + 1;
      messages.push(`${path.relative(appDir, result.filePath)}:${message.line}:${message.column} ${message.ruleId} ${message.message}`);
    }
  }
  const fatal = results.filter((result) => result.messages.some((message) => message.fatal)).length;
  process.stdout.write(JSON.stringify({ seconds, cpuSeconds, maxRssMiB: process.resourceUsage().maxRSS / 1024, ruleMs, reports, messages, fatal, files: results.length }));
}

/**
 * `@eslint/js` alone and with ours run one after the other in each trial, so the pair that gives "added" sees the same
 * neighbours on a shared machine.
 */
export const APP_CONFIGURATIONS = ['no rules', 'one empty rule', 'sequelize-pool recommended', '@eslint/js recommended', '@eslint/js + sequelize-pool'];

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

/** Per rule, the median of its times over the runs (a rule missing from a run counts 0 there). */
function medianRuleMs(runs) {
  const rules = new Set(runs.flatMap((run) => Object.keys(run.ruleMs)));
  return Object.fromEntries([...rules].map((rule) => [rule, median(runs.map((run) => run.ruleMs[rule] ?? 0))]));
}

/**
 * Lints every app of `appsDir/apps.json` with each configuration, `trials` times, each run in its own process;
 * the trials go round the configurations (so a burst of load spreads over all of them). Per configuration: the
 * medians of wall time, CPU time (user + system of the lint's process) and each rule's `stats` time; per app, the
 * median over trials of what ours added to `@eslint/js` alone in that trial, by wall clock and by CPU.
 */
export function benchAppsLintCost(appsDir, trials = 3, { maxFiles = 0, configurations = APP_CONFIGURATIONS } = {}) {
  const apps = JSON.parse(readFileSync(path.join(appsDir, 'apps.json'), 'utf8')).filter((app) => existsSync(path.join(appsDir, app.name)));
  return {
    trials,
    maxFiles,
    apps: apps.map((app) => {
      const appDir = path.join(appsDir, app.name);
      const runs = Object.fromEntries(configurations.map((name) => [name, []]));
      for (let trial = 0; trial < trials; trial += 1) {
        for (const configuration of configurations) {
          const output = execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--app-child', appDir, JSON.stringify(app.srcDirs), configuration, String(maxFiles)], {
            encoding: 'utf8',
            maxBuffer: 64 * 1024 * 1024,
          });
          runs[configuration].push(JSON.parse(output));
        }
      }
      const rows = Object.fromEntries(
        configurations.map((name) => [
          name,
          {
            ...runs[name].at(-1),
            seconds: median(runs[name].map((run) => run.seconds)),
            cpuSeconds: median(runs[name].map((run) => run.cpuSeconds)),
            maxRssMiB: median(runs[name].map((run) => run.maxRssMiB)),
            ruleMs: medianRuleMs(runs[name]),
            // Our reports must not depend on the run: a difference between trials is a bug, not noise.
            unstable: runs[name].some((run) => JSON.stringify(run.messages) !== JSON.stringify(runs[name][0].messages)),
          },
        ]),
      );
      const alone = runs['@eslint/js recommended'];
      const both = runs['@eslint/js + sequelize-pool'];
      const added =
        alone !== undefined && both !== undefined
          ? {
              wall: median(both.map((run, trial) => (run.seconds - alone[trial].seconds) / alone[trial].seconds)),
              cpu: median(both.map((run, trial) => (run.cpuSeconds - alone[trial].cpuSeconds) / alone[trial].cpuSeconds)),
            }
          : null;
      return { name: app.name, repo: app.repo, commit: app.commit, files: rows['no rules'].files, fatal: rows['no rules'].fatal, rows, added };
    }),
  };
}

const sum = (values) => values.reduce((total, value) => total + value, 0);
const oursOf = (ruleMs) => sum(Object.entries(ruleMs).filter(([rule]) => rule.startsWith('sequelize-pool/')).map(([, ms]) => ms));
const theirsOf = (ruleMs) => sum(Object.entries(ruleMs).filter(([rule]) => !rule.startsWith('sequelize-pool/')).map(([, ms]) => ms));
const percent = (part, whole) => `${((part / whole) * 100).toFixed(1)}%`;
const ratioPercent = (ratio) => `${(ratio * 100).toFixed(1)}%`;

export function formatAppsLintCost({ trials, maxFiles, apps }) {
  const together = (app) => app.rows['@eslint/js + sequelize-pool'];
  const jsAlone = (app) => app.rows['@eslint/js recommended'];
  const lines = [
    `${apps.length} applications, ${sum(apps.map((app) => app.files))} files${maxFiles > 0 ? ` (at most ${maxFiles} per app: the first in path order)` : ''}, ${sum(apps.map((app) => app.fatal))} of which ESLint could not parse;`,
    `${trials === 1 ? 'one run' : `medians of ${trials} runs`} per configuration, each in its own process, the runs of the five configurations taken in turn. Two measures of`,
    'what our rules cost, side by side from the same runs:',
    '',
    '- **by ESLint `stats`** (inside the lint): "ours (stats)" is our five rules\' time in the run with both configs,',
    '  "@eslint/js rules (stats)" the other rules\' time in that same run, and "stats share" ours against the wall time',
    '  of `@eslint/js` recommended alone;',
    '- **by the clock** (outside it): "added" is (both − `@eslint/js` alone) / `@eslint/js` alone, by wall time and by',
    '  CPU time (user + system of the lint\'s process, which other processes on a shared machine disturb much less),',
    `  ${trials === 1 ? 'from the one pair of runs' : "the median over the trials of each trial's pair (alone, then both, one after the other)"}.`,
    '',
    '| app (repository @ commit) | files | @eslint/js alone: wall / CPU (s) | both: wall / CPU (s) | added: wall | added: CPU | ours (stats, ms) | @eslint/js rules (stats, ms) | stats share | our reports |',
    '| :--- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  const pair = (row) => `${row.seconds.toFixed(2)} / ${row.cpuSeconds.toFixed(2)}`;
  for (const app of apps) {
    const ours = oursOf(together(app).ruleMs);
    const unstable = Object.values(app.rows).some((row) => row.unstable) ? ' (differ between runs)' : '';
    lines.push(
      `| ${app.name} ([${app.repo}](https://github.com/${app.repo}) @ \`${app.commit.slice(0, 10)}\`) | ${app.files} | ${pair(jsAlone(app))} | ${pair(together(app))} | ${ratioPercent(app.added.wall)} | ${ratioPercent(app.added.cpu)} | ${ours.toFixed(0)} | ${theirsOf(together(app).ruleMs).toFixed(0)} | ${percent(ours / 1000, jsAlone(app).seconds)} | ${sum(Object.values(together(app).reports))}${unstable} |`,
    );
  }
  const total = (pick) => sum(apps.map(pick));
  const totalJs = total((app) => jsAlone(app).seconds);
  const totalBoth = total((app) => together(app).seconds);
  const cpuJs = total((app) => jsAlone(app).cpuSeconds);
  const cpuBoth = total((app) => together(app).cpuSeconds);
  const totalOurs = total((app) => oursOf(together(app).ruleMs));
  const totalTheirs = total((app) => theirsOf(together(app).ruleMs));
  lines.push(
    `| **all** (sums of the medians) | ${total((app) => app.files)} | ${totalJs.toFixed(2)} / ${cpuJs.toFixed(2)} | ${totalBoth.toFixed(2)} / ${cpuBoth.toFixed(2)} | ${percent(totalBoth - totalJs, totalJs)} | ${percent(cpuBoth - cpuJs, cpuJs)} | ${totalOurs.toFixed(0)} | ${totalTheirs.toFixed(0)} | ${percent(totalOurs / 1000, totalJs)} | ${total((app) => sum(Object.values(together(app).reports)))} |`,
    '',
    `All apps together: our rules took ${percent(totalOurs / 1000, totalJs)} of the \`@eslint/js\` lint's wall time by \`stats\` (${percent(totalOurs / 1000, cpuJs)} of its CPU time); the run with both took ${percent(totalBoth - totalJs, totalJs)} more wall time and ${percent(cpuBoth - cpuJs, cpuJs)} more CPU time than \`@eslint/js\` alone.`,
    '',
    'Per rule, all apps together (ESLint `stats`, the run with both configs, medians), with the other runs for scale:',
    '',
    '| rule or run | ms |',
    '| :--- | ---: |',
  );
  const perRule = {};
  for (const app of apps) for (const [rule, ms] of Object.entries(together(app).ruleMs)) perRule[rule] = (perRule[rule] ?? 0) + ms;
  for (const [rule, ms] of Object.entries(perRule).filter(([rule]) => rule.startsWith('sequelize-pool/')).sort((a, b) => b[1] - a[1])) lines.push(`| ${rule} | ${ms.toFixed(0)} |`);
  const heaviest = Object.entries(perRule).filter(([rule]) => !rule.startsWith('sequelize-pool/')).sort((a, b) => b[1] - a[1]).slice(0, 3);
  for (const [rule, ms] of heaviest) lines.push(`| ${rule} (the heaviest @eslint/js rules) | ${ms.toFixed(0)} |`);
  lines.push(`| all @eslint/js rules | ${totalTheirs.toFixed(0)} |`);
  for (const name of APP_CONFIGURATIONS) {
    if (!apps.every((app) => app.rows[name] !== undefined)) continue;
    lines.push(`| wall / CPU: ${name} | ${(total((app) => app.rows[name].seconds) * 1000).toFixed(0)} / ${(total((app) => app.rows[name].cpuSeconds) * 1000).toFixed(0)} |`);
  }
  return lines.join('\n');
}

export const LIBRARY_HEADING = '## Lint cost on real code';

export function libraryLintCostSection(lintCost) {
  return `## Lint cost on real code

ESLint 10 on real CommonJS sources from node_modules (copied out, so the cross-file analysis runs as in a
project), with no rules, with one empty rule, with this plugin's \`recommended\` (all five rules), with
\`@eslint/js\` \`recommended\`, and with both in one run. With no rules at all ESLint skips the AST traversal and code path analysis; a rule that
only listens to \`Program\` pays for both, so it is the baseline for any plugin, and our rules' own cost is the
difference to it (the per-rule times from ESLint's \`stats\` say the same from the inside).

${lintCost}`;
}

export const APPS_HEADING = '## Lint cost on real Sequelize applications';

export function appsSection(result) {
  return `${APPS_HEADING}

Real Sequelize applications from public repositories, each linted in place as its own project
(scripts/bench-lint-cost.mjs \`--apps <dir>\`; the checkouts are never committed: this table names each repository and
commit). Their source directories only (controllers, services, models, setup modules, jobs), without tests,
declarations or builds; \`.ts\` through typescript-eslint's parser without type information, \`.js\` as ES modules when
they have \`import\`/\`export\`, else CommonJS, with Node.js's globals. The issue's goal: our rules cost at most 5% of a
\`@eslint/js\` recommended lint on this code, by ESLint \`stats\` and by the clock.

${formatAppsLintCost(result)}`;
}

if (process.argv[2] === '--child') {
  await child(process.argv[3], process.argv[4]);
} else if (process.argv[2] === '--app-child') {
  await appChild(process.argv[3], JSON.parse(process.argv[4]), process.argv[5], Number(process.argv[6] ?? 0));
} else if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const appsAt = process.argv.indexOf('--apps');
  const appsDir = appsAt === -1 ? process.env.SEQUELIZE_POOL_BENCH_APPS : process.argv[appsAt + 1];
  if (appsDir) {
    const capAt = process.argv.indexOf('--max-files-per-app');
    const maxFiles = capAt === -1 ? 0 : Number(process.argv[capAt + 1]);
    // --quick: parse-only, @eslint/js, ours alone and both (no empty-rule run).
    const configurations = process.argv.includes('--quick') ? APP_CONFIGURATIONS.filter((name) => name !== 'one empty rule') : APP_CONFIGURATIONS;
    const trialsAt = process.argv.indexOf('--trials');
    const trials = trialsAt === -1 ? 3 : Number(process.argv[trialsAt + 1]);
    const result = benchAppsLintCost(path.resolve(appsDir), trials, { maxFiles, configurations });
    const section = appsSection(result);
    console.log(section);
    // --reports <file>: every report of ours in the run with both configs, one a line, `app/file:line:column rule
    // message`, sorted (write it outside the repository; diff two builds' lists).
    const reportsAt = process.argv.indexOf('--reports');
    if (reportsAt !== -1) {
      const list = result.apps.flatMap((app) => (app.rows['@eslint/js + sequelize-pool'].messages ?? []).map((line) => `${app.name}/${line}`)).sort();
      writeFileSync(path.resolve(process.argv[reportsAt + 1]), list.map((line) => `${line}\n`).join(''));
    }
    if (process.argv.includes('--write')) (await import('./bench-doc.mjs')).replaceSection(path.join(root, 'docs', 'benchmarks.md'), APPS_HEADING, section);
  } else {
    const section = libraryLintCostSection(formatLintCost(benchLintCost()));
    console.log(section);
    if (process.argv.includes('--write')) (await import('./bench-doc.mjs')).replaceSection(path.join(root, 'docs', 'benchmarks.md'), LIBRARY_HEADING, section);
  }
}

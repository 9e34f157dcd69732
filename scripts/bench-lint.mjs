// Lint cost of the cross-file rule (single-instance) on generated projects, as ratios against a run with one empty
// rule (parse, traversal and code path analysis: what any rule costs) in the same process:
// `node scripts/bench-lint.mjs [files...]` (default 2000 and 20000); `--write` also runs the growth bench and writes
// both tables into docs/benchmarks.md's section. Used by `npm run bench`.
// `benchConstructingGrowth` grows the number of files that construct an instance ×2, ×4, ×8 over a fixed chain of
// modules and reports the cost per constructing file, which must stay flat.
//
// Each generated module imports two earlier modules (relative paths), so every module's import closure is most
// of the project. Two shapes: "typical" (one setup module creates the instance, two modules open a second pool)
// and "adversarial" (every 50th module creates one, so the rule walks the graph from 2% of the files).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { ESLint } from 'eslint';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const plugin = require(path.join(root, 'dist', 'index.js'));
const { clearProjectModuleCache } = require(path.join(root, 'dist', 'lib', 'project', 'project-modules.js'));

const emptyRule = { meta: { type: 'problem', schema: [] }, create: () => ({ Program() {} }) };
/** The baseline: one rule that does nothing, so ESLint traverses the AST and runs code path analysis, as for any rule. */
const EMPTY = { 'bench/empty': 'error' };

/** Writes a project of `count` modules and returns its folder. */
export function generateProject(count, shape = 'adversarial') {
  const constructs = (index) =>
    shape === 'adversarial' ? index % 50 === 0 : index === 0 || index === Math.floor(count / 2) || index === count - 1;
  const directory = mkdtempSync(path.join(tmpdir(), `bench-project-${count}-`));
  const perFolder = 100;
  const file = (index) => `src/m${Math.floor(index / perFolder)}/f${index % perFolder}.js`;
  for (let index = 0; index < count; index += 1) {
    const lines = ["'use strict';"];
    const own = path.dirname(file(index));
    for (const offset of [1, 7]) {
      if (index - offset < 0) continue;
      const target = file(index - offset);
      let specifier = path.relative(own, target).replace(/\.js$/u, '');
      if (!specifier.startsWith('.')) specifier = `./${specifier}`;
      lines.push(`const dep${offset} = require('${specifier}');`);
    }
    if (constructs(index)) {
      lines.push("const { Sequelize } = require('sequelize');");
      lines.push(`const db = new Sequelize(process.env.DB_${index}, { pool: { max: 5, min: 0, idle: 10000, acquire: 30000, evict: 1000 } });`);
      lines.push('module.exports = { db };');
    } else {
      lines.push(`function work${index}(input) { return [input, typeof dep1, typeof dep7].join(':'); }`);
      lines.push(`module.exports = { work${index}, value: ${index} };`);
    }
    const target = path.join(directory, file(index));
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, `${lines.join('\n')}\n`);
  }
  writeFileSync(path.join(directory, 'package.json'), '{ "name": "bench-project", "private": true }\n');
  return directory;
}

async function lintSeconds(directory, rules) {
  clearProjectModuleCache();
  const eslint = new ESLint({
    cwd: directory,
    overrideConfigFile: true,
    overrideConfig: [
      { files: ['**/*.js'], languageOptions: { sourceType: 'commonjs' } },
      { plugins: { 'sequelize-pool': plugin, bench: { rules: { empty: emptyRule } } }, rules },
    ],
  });
  // CPU time of this process, not wall time: the machines are shared, and other processes' load would otherwise
  // decide the ratio. (ESLint lints in this process, on one thread.)
  const cpu = process.cpuUsage();
  const results = await eslint.lintFiles(['src']);
  const used = process.cpuUsage(cpu);
  const seconds = (used.user + used.system) / 1e6;
  const reports = results.reduce((sum, result) => sum + result.messages.length, 0);
  return { seconds, reports };
}

export async function benchSingleInstance(counts = [2000, 20000], shapes = ['typical', 'adversarial']) {
  const rows = [];
  for (const shape of shapes) for (const count of counts) {
    const directory = generateProject(count, shape);
    try {
      const trials = count >= 10000 ? 1 : 3;
      const baseline = [];
      const withRule = [];
      let reports = 0;
      await lintSeconds(directory, EMPTY); // warm-up: file system cache, ESLint's own start-up
      for (let trial = 0; trial < trials; trial += 1) {
        baseline.push((await lintSeconds(directory, EMPTY)).seconds);
        const run = await lintSeconds(directory, { 'sequelize-pool/single-instance': 'error' });
        withRule.push(run.seconds);
        reports = run.reports;
      }
      const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
      rows.push({ shape, files: count, baseline: median(baseline), withRule: median(withRule), reports, trials });
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  }
  return rows;
}

export function formatSingleInstance(rows) {
  const lines = [
    '| project | files | one empty rule (s) | single-instance (s) | ratio | per 1,000 files (s) | reports |',
    '| :--- | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const row of rows) {
    lines.push(
      `| ${row.shape} | ${row.files} | ${row.baseline.toFixed(2)} | ${row.withRule.toFixed(2)} | ${(row.withRule / row.baseline).toFixed(2)} | ${((row.withRule / row.files) * 1000).toFixed(2)} | ${row.reports} |`,
    );
  }
  return lines.join('\n');
}

/**
 * A chain of `chain` modules (each requires the previous one) and `constructing` files that each require the end of
 * the chain and create an instance: every constructing file's import closure is the whole chain.
 */
function generateChainProject(chain, constructing) {
  const directory = mkdtempSync(path.join(tmpdir(), `bench-chain-${constructing}-`));
  const perFolder = 100;
  const file = (index) => `src/chain/m${Math.floor(index / perFolder)}/f${index % perFolder}.js`;
  for (let index = 0; index < chain; index += 1) {
    const lines = ["'use strict';"];
    if (index > 0) lines.push(`const previous = require('../m${Math.floor((index - 1) / perFolder)}/f${(index - 1) % perFolder}');`);
    lines.push(`module.exports = { value: ${index}, previous: ${index > 0 ? 'previous' : 'null'} };`);
    const target = path.join(directory, file(index));
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, `${lines.join('\n')}\n`);
  }
  const last = file(chain - 1).replace(/\.js$/u, '');
  for (let index = 0; index < constructing; index += 1) {
    const target = path.join(directory, `src/setup/db${index}.js`);
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(
      target,
      `'use strict';\nconst { Sequelize } = require('sequelize');\nconst chain = require('../../${last}');\nmodule.exports = { db: new Sequelize(process.env.DB_${index}), chain };\n`,
    );
  }
  writeFileSync(path.join(directory, 'package.json'), '{ "name": "bench-chain", "private": true }\n');
  return directory;
}

/** Constructing files ×1, ×2, ×4, ×8 over one chain: seconds over the empty-rule baseline per constructing file. */
export async function benchConstructingGrowth(chain = 5000, base = 50, factors = [1, 2, 4, 8]) {
  const rows = [];
  for (const factor of factors) {
    const constructing = base * factor;
    const directory = generateChainProject(chain, constructing);
    try {
      await lintSeconds(directory, EMPTY);
      const baseline = [];
      const withRule = [];
      let reports = 0;
      for (let trial = 0; trial < 3; trial += 1) {
        baseline.push((await lintSeconds(directory, EMPTY)).seconds);
        const run = await lintSeconds(directory, { 'sequelize-pool/single-instance': 'error' });
        withRule.push(run.seconds);
        reports = run.reports;
      }
      const median = (values) => [...values].sort((a, b) => a - b)[1];
      rows.push({ chain, constructing, baseline: median(baseline), withRule: median(withRule), reports });
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  }
  return rows;
}

export function formatConstructingGrowth(rows) {
  const lines = [
    '| chain modules | constructing files | one empty rule (s) | single-instance (s) | ratio | extra ms per constructing file | reports |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const row of rows) {
    const extra = Math.max(0, row.withRule - row.baseline) * 1000 / row.constructing;
    lines.push(
      `| ${row.chain} | ${row.constructing} | ${row.baseline.toFixed(2)} | ${row.withRule.toFixed(2)} | ${(row.withRule / row.baseline).toFixed(2)} | ${extra.toFixed(1)} | ${row.reports} |`,
    );
  }
  return lines.join('\n');
}

export const SINGLE_INSTANCE_HEADING = '## Cross-file rule: single-instance on generated projects';

/** The section of docs/benchmarks.md these benches write (from `npm run bench`, or `--write` here). */
export function singleInstanceSection(lintTable, growthTable) {
  return `${SINGLE_INSTANCE_HEADING}

ESLint 10 with one empty rule (parse, traversal and code path analysis: what any rule costs) against ESLint with
\`sequelize-pool/single-instance\` alone, in the same process, by the process's CPU time (the machines are shared:
wall time would measure the neighbours), on generated CommonJS projects where each module requires two earlier
ones (so a module's import closure is most of the project). "typical": one setup module creates the instance and
two modules open a second pool; "adversarial": every 50th module creates one, so 2% of the files ask about the
graph. The module cache is cleared before every run (a cold CI run); medians of 3 runs at 2,000 files, 1 run at
20,000.

${lintTable}

The graph reads each module's imports with a lexer (lib/file-analysis/import-lexer.ts; the parser only where the
lexer is unsure, scope analysis only for modules that may construct: a \`new\`, and a name an import of a Sequelize
package binds to the class used as one), and computes the nearest construction for the whole reachable graph once
per epoch (a lint run without a pause in which the linter waited), so its cost grows with the
project, not with the number of files that construct. Growing the constructing files over a fixed chain (before this
change, 100 and 500 constructing files over a 5,000-module chain took 15 and 68 s):

${growthTable}`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (process.argv[2] === 'growth') {
    console.log(formatConstructingGrowth(await benchConstructingGrowth()));
    process.exit(0);
  }
  const counts = process.argv.slice(2).map(Number).filter((count) => count > 0);
  const rows = await benchSingleInstance(counts.length > 0 ? counts : undefined);
  const lintTable = formatSingleInstance(rows);
  console.log(lintTable);
  // --write: both tables (this one and the growth table) into their section of docs/benchmarks.md.
  if (process.argv.includes('--write')) {
    const growthTable = formatConstructingGrowth(await benchConstructingGrowth());
    console.log(growthTable);
    (await import('./bench-doc.mjs')).replaceSection(path.join(root, 'docs', 'benchmarks.md'), SINGLE_INSTANCE_HEADING, singleInstanceSection(lintTable, growthTable));
  }
}

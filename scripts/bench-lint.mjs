// Lint cost of the cross-file rule (single-instance) on generated projects, as ratios against a parse-only run
// in the same process: `node scripts/bench-lint.mjs [files...]` (default 2000 and 20000). Used by `npm run bench`.
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
const { clearProjectModuleCache } = require(path.join(root, 'dist', 'lib', 'project-modules.js'));

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
      { plugins: { 'sequelize-pool': plugin }, rules },
    ],
  });
  const start = process.hrtime.bigint();
  const results = await eslint.lintFiles(['src']);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
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
      await lintSeconds(directory, {}); // warm-up: file system cache, ESLint's own start-up
      for (let trial = 0; trial < trials; trial += 1) {
        baseline.push((await lintSeconds(directory, {})).seconds);
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
    '| project | files | no rules (s) | single-instance (s) | ratio | per 1,000 files (s) | reports |',
    '| :--- | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const row of rows) {
    lines.push(
      `| ${row.shape} | ${row.files} | ${row.baseline.toFixed(2)} | ${row.withRule.toFixed(2)} | ${(row.withRule / row.baseline).toFixed(2)} | ${((row.withRule / row.files) * 1000).toFixed(2)} | ${row.reports} |`,
    );
  }
  return lines.join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const counts = process.argv.slice(2).map(Number).filter((count) => count > 0);
  const rows = await benchSingleInstance(counts.length > 0 ? counts : undefined);
  console.log(formatSingleInstance(rows));
}

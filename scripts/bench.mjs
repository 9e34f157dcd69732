// `npm run bench`: performance as ratios against a baseline measured in the same run, never as
// absolute times (these machines are shared and noisy).
//
// Codemod: the pool-config transform vs a jscodeshift identity transform (parse with recast, print)
// on the same files. Both run in this process, interleaved, after a warm-up.
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

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

// The codemod's cost on large input (issue 11: a 5.8 MB file took 213 s and 3.3 GB). A generated setup module
// (examples/legacy-server's, then one tenant factory with its own `new Sequelize` and a helper per block) at
// ×1, ×2, ×4 and ×8 of 128 KiB (×8 is the 1 MiB size limit), against the floor of any tool that reads the file:
// espree parsing the same text (tokens, comments, ranges), in the same process, interleaved, medians.
// The per-MB cost must stay flat from ×1 to ×8; the ratio to the parse says what the codemod adds.
//
// `node scripts/bench-codemod-size.mjs` runs it alone (after `npm run build`); scripts/bench.mjs includes it.
import { Buffer } from 'node:buffer';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const BASE_BYTES = 128 * 1024;
export const SCALES = [1, 2, 4, 8];

/** The legacy module followed by tenant blocks until `bytes`. */
export function generatedModule(bytes) {
  const parts = [readFileSync(path.join(root, 'examples', 'legacy-server', 'server', 'db', 'sequelize.js'), 'utf8')];
  let length = parts[0].length;
  for (let index = 0; length < bytes; index += 1) {
    const block = `
// Tenant ${index}: its own database, a small pool.
function tenant${index}(url) {
  return new Sequelize(url, { dialect: 'postgres', logging: false, pool: { max: ${(index % 20) + 1} } });
}

function describeTenant${index}(stats) {
  const label = \`tenant ${index}: \${stats.using}/\${stats.max}\`;
  return { label, waiting: stats.waiting, ratio: stats.using / Math.max(1, stats.max) };
}
`;
    parts.push(block);
    length += block.length;
  }
  return parts.join('');
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

export function benchCodemodSize({ trials = 3 } = {}) {
  const { migratePoolConfig } = require(path.join(root, 'dist', 'codemods', 'pool-config.js'));
  const espree = createRequire(require.resolve('eslint'))('espree');
  const inputs = SCALES.map((scale) => ({ scale, file: path.join(root, `bench-${scale}.js`), text: generatedModule(BASE_BYTES * scale) }));
  const parse = ({ text }) => espree.parse(text, { ecmaVersion: 'latest', sourceType: 'module', range: true, loc: true, tokens: true, comment: true });
  const migrate = ({ text, file }) => {
    const result = migratePoolConfig(text, file, { processes: 7, maxConnections: 100 });
    if (!result.changed) throw new Error('the bench module was not migrated');
  };
  const time = (fn, input) => {
    const start = process.hrtime.bigint();
    fn(input);
    return Number(process.hrtime.bigint() - start) / 1e6;
  };
  // Warm-up on the smallest input.
  for (let warm = 0; warm < 2; warm += 1) {
    time(parse, inputs[0]);
    time(migrate, inputs[0]);
  }
  const samples = new Map(inputs.map((input) => [input.scale, { parse: [], codemod: [] }]));
  for (let trial = 0; trial < trials; trial += 1) {
    for (const input of inputs) {
      samples.get(input.scale).parse.push(time(parse, input));
      samples.get(input.scale).codemod.push(time(migrate, input));
    }
  }
  return inputs.map(({ scale, text }) => {
    const megabytes = Buffer.byteLength(text) / 1024 / 1024;
    const constructions = text.split('new Sequelize(').length - 1;
    const parseMs = median(samples.get(scale).parse);
    const codemodMs = median(samples.get(scale).codemod);
    return { scale, megabytes, constructions, parseMsPerMb: parseMs / megabytes, codemodMsPerMb: codemodMs / megabytes, ratio: codemodMs / parseMs };
  });
}

export function formatCodemodSize(rows) {
  const first = rows[0];
  const header = ['input', 'size', '`new Sequelize`', 'espree parse, ms/MB', 'codemod, ms/MB', 'codemod / parse', 'codemod ms/MB vs ×1'];
  const body = rows.map((row) => [
    `×${row.scale}`,
    `${(row.megabytes * 1024).toFixed(0)} KiB`,
    String(row.constructions),
    row.parseMsPerMb.toFixed(0),
    row.codemodMsPerMb.toFixed(0),
    row.ratio.toFixed(1),
    (row.codemodMsPerMb / first.codemodMsPerMb).toFixed(2),
  ]);
  return [header, header.map(() => '---'), ...body].map((cells) => `| ${cells.join(' | ')} |`).join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(formatCodemodSize(benchCodemodSize()));
}

// `npm run demo`: lint the bundled legacy app (examples/legacy-server, shaped like the incident report)
// with the plugin's recommended config and print the findings the way ESLint prints them.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { ESLint } from 'eslint';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const example = path.join(root, 'examples', 'legacy-server');

console.log('eslint-plugin-sequelize-pool demo');
console.log('Linting examples/legacy-server: 7 Supervisor programs, each with its own Sequelize pool,');
console.log('against PostgreSQL max_connections = 100 (3 reserved). Config: examples/legacy-server/eslint.config.js\n');

const eslint = new ESLint({ cwd: example });
const results = await eslint.lintFiles(['.']);
const formatter = await eslint.loadFormatter('stylish');
const output = await formatter.format(results, { cwd: example, rulesMeta: eslint.getRulesMetaForResults(results) });
console.log(output.trim() === '' ? 'No problems found.' : output);

const ruleIds = new Set(results.flatMap((result) => result.messages.map((message) => message.ruleId)));
const expected = ['sequelize-pool/require-lifecycle-options', 'sequelize-pool/max-connections-budget'];
const missing = expected.filter((ruleId) => !ruleIds.has(ruleId));
if (missing.length > 0) {
  // The example is broken on purpose: not finding these means the plugin is broken.
  console.error(`demo: expected findings from ${missing.join(', ')} but got none`);
  process.exitCode = 1;
} else {
  console.log('These are the incident\'s configuration problems: see docs/why.md for the arithmetic and docs/rules/');
  console.log('for each rule; the suggestions (editor quick fixes) add the missing keys and a max that fits.');
}

// The one-off migration, previewed: --dry writes nothing.
const codemodArgs = ['codemod', '--dry', '--processes', '7', '--max-connections', '100'];
console.log(`\n$ npx eslint-plugin-sequelize-pool ${codemodArgs.join(' ')}   (in examples/legacy-server)\n`);
const codemod = spawnSync(process.execPath, [path.join(root, 'dist', 'cli', 'index.js'), ...codemodArgs], {
  cwd: example,
  encoding: 'utf8',
});
process.stdout.write(codemod.stdout);
process.stderr.write(codemod.stderr);
if (codemod.status !== 0 || !codemod.stdout.includes('would change server/db/sequelize.js')) {
  console.error(`demo: the codemod preview failed (exit ${codemod.status})`);
  process.exitCode = 1;
}

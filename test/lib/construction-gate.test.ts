/**
 * The import graph's construction gate (lib/project/import-graph `mayConstructOnLoad`): a module is parsed with scope
 * analysis only when loading it may construct a Sequelize instance; every other module's imports are read by the
 * lexer. A skip must be provable: no construction the parser finds is missed (checked on real code below), and a
 * skipped module still leads to what it imports.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { lexLoadedSpecifiers } from '../../lib/file-analysis/import-lexer';
import { constructionsLoadedBy, loadedSpecifiers, loadTimeConstructions, mayConstructOnLoad } from '../../lib/project/import-graph';
import { clearProjectModuleCache, loadModuleSyntax, loadProjectModule, noteLintedFile, wasParsed } from '../../lib/project/project-modules';
import { sources } from '../source-files';

const root = path.resolve(__dirname, '../..');

const project = mkdtempSync(path.join(tmpdir(), 'construction-gate-'));
afterAll(() => rmSync(project, { recursive: true, force: true }));

// Excerpts of real apps, with their provenance beside them (PROVENANCE.md).
const PT_SNB = path.join(root, 'test/fixtures/pt-snb');
const GLADYS = path.join(root, 'test/fixtures/gladys');

describe('the import graph parses only modules that may construct an instance', () => {
  it('parses the sequelize-cli models module for its construction, not the model factories it loads (pt-snb)', () => {
    clearProjectModuleCache();
    const controller = path.join(PT_SNB, 'controllers/userpasien.controller.js');
    noteLintedFile(controller);
    expect(constructionsLoadedBy(controller)).toEqual([{ file: path.join(PT_SNB, 'models/index.js'), line: 10 }]);
    expect(wasParsed(path.join(PT_SNB, 'models/index.js'))).toBe(true);
    for (const model of ['t_batalpasien', 't_registrasionline', 't_fotopegawai']) {
      expect(wasParsed(path.join(PT_SNB, `models/${model}.model.js`))).toBe(false);
    }
  });

  it('still follows the imports of a module it does not parse (gladys: Sequelize only in a comment)', () => {
    clearProjectModuleCache();
    const helper = path.join(GLADYS, 'utils/resolveEnergyParentId.js');
    noteLintedFile(helper);
    expect(constructionsLoadedBy(helper)).toEqual([{ file: path.join(GLADYS, 'models/index.js'), line: 8 }]);
    expect(wasParsed(helper)).toBe(false);
  });

  it('asks for the keyword, not for `new Sequelize(` as real setups write it: a renamed constructor is still read', () => {
    clearProjectModuleCache();
    const renamed = path.join(project, 'db.js');
    writeFileSync(renamed, "const { Sequelize: Orm } = require('sequelize');\nmodule.exports = new\n  Orm(process.env.DATABASE_URL);\n");
    noteLintedFile(renamed);
    expect(mayConstructOnLoad(readFileSync(renamed, 'utf8'))).toBe(true);
    expect(constructionsLoadedBy(renamed)).toEqual([{ file: renamed, line: 2 }]);
  });

  it('is true wherever the parser finds a load-time construction; the imports of a module it skips read as the parser reads them', () => {
    const corpus = corpusFiles();
    const files = [...sources(path.join(root, 'test/fixtures'), 500), ...sources(path.join(root, 'examples'), 200), ...corpus];
    let constructing = 0;
    let skipped = 0;
    const missed: string[] = [];
    const differing: string[] = [];
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      const module = loadProjectModule(file);
      if (module === null) continue;
      if (loadTimeConstructions(module).length > 0) {
        constructing += 1;
        if (!mayConstructOnLoad(text)) missed.push(path.relative(root, file));
      }
      if (mayConstructOnLoad(text)) continue;
      skipped += 1;
      // What the graph reads of a skipped module: the lexer, else the parser without scopes.
      const read = lexLoadedSpecifiers(text) ?? loadedSpecifiers({ ast: (loadModuleSyntax(file) as { ast: typeof module.ast }).ast });
      if (JSON.stringify([...read].sort()) !== JSON.stringify([...loadedSpecifiers(module)].sort())) differing.push(path.relative(root, file));
    }
    expect(missed).toEqual([]);
    expect(differing).toEqual([]);
    expect(constructing).toBeGreaterThanOrEqual(10);
    // The fixtures alone have few modules that mention Sequelize and construct nothing; the corpus has hundreds.
    expect(skipped).toBeGreaterThan(corpus.length > 0 ? 200 : 5);
  });
});

/** The corpus of public apps (docs/benchmarks.md), when this machine has it: up to 60 files per app that mention `Sequelize`. */
function corpusFiles(): string[] {
  try {
    return readdirSync('/work/corpus/apps', { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .flatMap((entry) =>
        sources(path.join('/work/corpus/apps', entry.name), 3000)
          .filter((file) => readFileSync(file, 'utf8').includes('Sequelize'))
          .slice(0, 60),
      );
  } catch {
    return [];
  }
}

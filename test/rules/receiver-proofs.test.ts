/**
 * The transaction rules prove what a query's receiver is (a model of `db`, which means parsing the module its model
 * factory comes from) only where the answer can change what they report. On test/fixtures/pt-snb (excerpts of
 * Ilhamddy/PT.SNB-FE, a sequelize-cli style app of ~110 model files; see its PROVENANCE.md): a query that passes the
 * transaction needs no proof, one that forgets it does; a transaction given where no query form reads its options
 * proves nothing either way.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { clearProjectModuleCache, wasParsed } from '../../lib/project/project-modules';
import { ProjectOnDisk } from '../project-lint';

const project = ProjectOnDisk.copyOf('receiver-proofs-', path.join(__dirname, '..', 'fixtures', 'pt-snb'), { jsSourceType: 'module' });
afterAll(() => project.remove());

const model = (table: string): string => path.join(project.root, 'models', `${table}.model.js`);
const RULES = ['require-transaction-option', 'no-unreleased-transaction'];

describe('receiver proofs only where the answer matters (pt-snb)', () => {
  it('reports the query that forgets the transaction, reading its model factory; the ones that pass it read nothing', async () => {
    clearProjectModuleCache();
    const found = await project.lint(RULES, ['controllers/userpasien.controller.js']);
    expect(found.map(({ file, line, messageId }) => ({ file, line, messageId }))).toEqual([
      { file: 'controllers/userpasien.controller.js', line: 21, messageId: 'missingTransaction' },
    ]);
    expect(found[0]?.message).toContain('`db.t_batalpasien.create()` runs inside transaction `transaction` (line 7)');
    // `db.t_batalpasien.create({…})` without the transaction: reported once `db.t_batalpasien` is proven a model, which
    // reads the factory `db.t_batalpasien` is built by (it could return something else): its text proves it returns
    // what `sequelize.define` gives (lib/project/factory-text), so it is not parsed.
    expect(wasParsed(model('t_batalpasien'))).toBe(false);
    // `db.t_registrasionline.findOne({ …, transaction })` and `registrasiModel.update(…, { transaction })` pass it:
    // nothing to report whatever their receivers are, so neither is classified.
    expect(wasParsed(model('t_registrasionline'))).toBe(false);
  });

  it('parses the factory when its text does not settle what it returns, and reports nothing when it is not a model', async () => {
    const factory = model('t_batalpasien');
    const original = readFileSync(factory, 'utf8');
    try {
      // The same factory returning another library's client: `db.t_batalpasien` is not a model, the query not one.
      project.write({
        'models/t_batalpasien.model.js': original
          .replace('export default (sequelize', "import knex from 'knex';\nexport default (sequelize")
          .replace('return t_batalpasien;', 'return knex({ client: "pg" });'),
      });
      clearProjectModuleCache();
      expect(await project.lint(RULES, ['controllers/userpasien.controller.js'])).toEqual([]);
      expect(wasParsed(factory)).toBe(true);
    } finally {
      project.write({ 'models/t_batalpasien.model.js': original });
    }
  });

  it('does not prove a receiver when no query form reads the transaction where it is given', async () => {
    clearProjectModuleCache();
    // `db.t_fotopegawai.findAll({ where }, { transaction })`: findAll's options are its first argument, so whether or not
    // `db.t_fotopegawai` is a model, this use proves no transaction parameter (and Sequelize ignores it: a bug of the
    // app's no rule can claim while nothing proves `transaction` is one).
    const found = await project.lint(RULES, ['controllers/sumberDayaManusia.controller.js']);
    expect(found).toEqual([]);
    expect(wasParsed(model('t_fotopegawai'))).toBe(false);
  });
});

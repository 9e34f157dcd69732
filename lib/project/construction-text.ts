/**
 * The text test that lets a rule skip a linted file in which it can find no Sequelize construction. Most linted files
 * construct nothing (23 of the 13,272 modules of the 16 real apps pass it), and `max-connections-budget` and
 * `require-lifecycle-options` judge constructions only.
 */
import { mayConstructSequelize } from '../file-analysis/sequelize-detection';

import { decodedEscapes } from './load-gates';

/**
 * Can `text` hold a construction that `sequelizeConstruction` recognises? It proves one only through bindings in
 * the file itself back to an import or `require` of a Sequelize package, which file-analysis' mayConstructSequelize
 * reads; it runs again with escapes written out (`new \u0053equelize(…)` is `new Sequelize(…)` to the parser).
 */
export function textMayConstructSequelize(text: string): boolean {
  if (mayConstructSequelize(text)) return true;
  const decoded = decodedEscapes(text);
  return decoded !== null && mayConstructSequelize(decoded);
}

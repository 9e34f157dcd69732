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
 * `comments` (the parser's, from the linted file's AST) are then read as white space: the text test's patterns
 * allow only spaces between tokens (`new /* pool *\/ Sequelize(…)`, `require(/* pkg *\/ 'sequelize')`).
 */
export function textMayConstructSequelize(text: string, comments?: readonly { range: readonly [number, number] }[]): boolean {
  if (mayConstructSequelize(text)) return true;
  // Read again only when a package name can be written in it (every Sequelize package's name holds `sequelize`, or
  // an escape spells it): most files mention neither.
  if (!text.includes('sequelize') && !text.includes('\\')) return false;
  const code = withoutComments(text, comments);
  if (code !== text && mayConstructSequelize(code)) return true;
  const decoded = decodedEscapes(code);
  return decoded !== null && mayConstructSequelize(decoded);
}

/**
 * `text` with each comment replaced by spaces of its length (its line breaks kept), for text tests whose patterns allow
 * only spaces between tokens; `text` itself when it has none, or when the host gives no comments (a linter whose AST
 * lacks them: the text is then read as it is).
 */
export function withoutComments(text: string, comments: readonly { range: readonly [number, number] }[] | undefined): string {
  if (comments === undefined || comments.length === 0) return text;
  const parts: string[] = [];
  let copied = 0;
  for (const { range } of comments) {
    const [start, end] = range;
    parts.push(text.slice(copied, start), text.slice(start, end).replace(/[^\n\r\u2028\u2029]/gu, ' '));
    copied = end;
  }
  parts.push(text.slice(copied));
  return parts.join('');
}
